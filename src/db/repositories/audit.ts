import { createHash } from 'node:crypto';
import { asc, desc, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { auditLog } from '../schema/index.js';

export interface AuditEntry {
  actor: string;
  action: string;
  subjectType: string;
  subjectId?: string | number | null;
  data?: Record<string, unknown>;
}

/** Serialises every appender (all instances) so the chain has no forks; held until the transaction ends. */
const AUDIT_CHAIN_LOCK = 727_002;
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Appends one entry to the hash-chained audit log. Call it inside the transaction that makes the change, so
 * the change and its record commit or vanish together.
 */
export async function appendAudit(tx: DbOrTx, at: Date, entry: AuditEntry): Promise<string> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const row = {
    at,
    actor: entry.actor,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId === undefined || entry.subjectId === null ? null : String(entry.subjectId),
    data: entry.data ?? {},
  };
  const hash = chainHash(prevHash, row);
  await tx.insert(auditLog).values({ ...row, prevHash, hash });
  return hash;
}

export function chainHash(
  prevHash: string,
  row: { at: Date; actor: string; action: string; subjectType: string; subjectId: string | null; data: unknown },
): string {
  const content = canonicalJson([row.at.toISOString(), row.actor, row.action, row.subjectType, row.subjectId, row.data]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/** Recomputes the whole chain; returns the head, or the id of the first row that does not match. */
export async function verifyAuditChain(db: DbOrTx): Promise<{ ok: true; head: string; count: number } | { ok: false; brokenAt: number }> {
  const all = await db.select().from(auditLog).orderBy(asc(auditLog.id));
  let prev = GENESIS_HASH;
  for (const r of all) {
    const expected = chainHash(prev, { ...r, data: r.data });
    if (r.prevHash !== prev || r.hash !== expected) return { ok: false, brokenAt: r.id };
    prev = r.hash;
  }
  return { ok: true, head: prev, count: all.length };
}

/** JSON with object keys sorted at every depth: jsonb does not keep key order, the hash must not depend on it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
