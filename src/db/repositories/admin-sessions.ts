import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';
import { adminSessions, adminSigninNonces } from '../schema/index.js';

/** However busy, a console session ends this long after sign-in (a working day and a bit). */
export const ADMIN_SESSION_MAX_HOURS = 12;
/** last_seen_at is written at most this often: a page with many requests costs one UPDATE, not many. */
const TOUCH_EVERY_MS = 60_000;

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Spends a sign-in link's nonce. True the first time; false when the link was used before (by anyone) —
 * so a link copied from a chat or an address bar signs in once at most.
 */
export async function spendSignInNonce(db: DbOrTx, nonce: string, personId: number, at: Date): Promise<boolean> {
  const res = await db.insert(adminSigninNonces).values({ nonce, personId, usedAt: at }).onConflictDoNothing().returning({ nonce: adminSigninNonces.nonce });
  return res.length === 1;
}

/** A new session for the person; returns the cookie token (256 random bits, shown to nobody else, stored hashed). */
export async function createAdminSession(db: DbOrTx, personId: number, at: Date): Promise<{ token: string; sessionId: number }> {
  const token = randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(adminSessions)
    .values({ tokenHash: hash(token), personId, createdAt: at, lastSeenAt: at, expiresAt: new Date(at.getTime() + ADMIN_SESSION_MAX_HOURS * 3600_000) })
    .returning({ id: adminSessions.id });
  return { token, sessionId: row!.id };
}

export interface ActiveSession {
  sessionId: number;
  personId: number;
}

/**
 * The session behind a cookie token if it is still alive: not ended, not past its absolute expiry, and used
 * within `idleMs`. Looking it up counts as activity. An idle or expired session is ended on the spot.
 */
export async function findAdminSession(db: DbOrTx, token: string, at: Date, idleMs: number): Promise<ActiveSession | undefined> {
  if (token.length < 20 || token.length > 100) return undefined;
  const [row] = await db
    .select({ id: adminSessions.id, personId: adminSessions.personId, lastSeenAt: adminSessions.lastSeenAt, expiresAt: adminSessions.expiresAt })
    .from(adminSessions)
    .where(and(eq(adminSessions.tokenHash, hash(token)), isNull(adminSessions.endedAt)));
  if (!row) return undefined;
  if (row.expiresAt.getTime() <= at.getTime() || at.getTime() - row.lastSeenAt.getTime() > idleMs) {
    await db.update(adminSessions).set({ endedAt: at }).where(eq(adminSessions.id, row.id));
    return undefined;
  }
  if (at.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db.update(adminSessions).set({ lastSeenAt: at }).where(eq(adminSessions.id, row.id));
  }
  return { sessionId: row.id, personId: row.personId };
}

export async function endAdminSession(db: DbOrTx, sessionId: number, at: Date): Promise<void> {
  await db.update(adminSessions).set({ endedAt: at }).where(and(eq(adminSessions.id, sessionId), isNull(adminSessions.endedAt)));
}

/** Ends every open session of a person (deactivated, or no longer an admin or leader). */
export async function endSessionsOf(db: DbOrTx, personId: number, at: Date): Promise<number> {
  const res = await db
    .update(adminSessions)
    .set({ endedAt: at })
    .where(and(eq(adminSessions.personId, personId), isNull(adminSessions.endedAt)))
    .returning({ id: adminSessions.id });
  return res.length;
}

/** Leader scope rows of a person: unit ids, null meaning the whole agency. */
export async function leaderScopes(db: DbOrTx, personId: number): Promise<(number | null)[]> {
  const list = rows<{ scope_unit_id: number | null }>(await db.execute(sql`select scope_unit_id from person_roles where person_id = ${personId} and role = 'leader'`));
  return list.map((r) => (r.scope_unit_id === null ? null : Number(r.scope_unit_id)));
}
