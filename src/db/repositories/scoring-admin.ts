import { createHash } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { PlatformId } from '../../domain/messaging/types.js';
import type { RoundView } from '../../domain/scoring/ports.js';
import type { Scheme } from '../../domain/scoring/types.js';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';
import { scoringChatBranches, scoringResults, scoringRounds, scoringSchemes } from '../schema/index.js';
import { appendAudit, canonicalJson } from './audit.js';

/** 互观互检 administration outside a conversation: schemes, chat coverage, ranks, round lists (CLI, admin API, demo). */

/** Stores an imported scheme once (by content); returns its id and whether it was new. */
export async function saveScheme(db: DbOrTx, scheme: Scheme, meta: { actor: string; at: Date }): Promise<{ id: number; created: boolean }> {
  const digest = createHash('sha256').update(canonicalJson(scheme)).digest('hex');
  const [created] = await db
    .insert(scoringSchemes)
    .values({ name: scheme.name, definition: scheme, digest, createdBy: meta.actor, createdAt: meta.at })
    .onConflictDoNothing({ target: scoringSchemes.digest })
    .returning({ id: scoringSchemes.id });
  if (created) {
    await appendAudit(db, meta.at, { actor: meta.actor, action: 'scoring.scheme.import', subjectType: 'scoring_scheme', subjectId: created.id, data: { name: scheme.name, digest } });
    return { id: created.id, created: true };
  }
  const [existing] = await db.select({ id: scoringSchemes.id }).from(scoringSchemes).where(eq(scoringSchemes.digest, digest));
  return { id: existing!.id, created: false };
}

export async function listSchemes(db: DbOrTx): Promise<{ id: number; name: string; total: number; items: number; createdAt: Date }[]> {
  const list = await db.select().from(scoringSchemes).orderBy(desc(scoringSchemes.id));
  return list.map((s) => {
    const scheme = s.definition as Scheme;
    return { id: s.id, name: s.name, total: scheme.total, items: scheme.categories.reduce((n, c) => n + c.items.length, 0), createdAt: s.createdAt };
  });
}

/** Links a chat to the branches its rounds cover (replaces the previous links; empty = all branches). */
export async function linkChatBranches(db: DbOrTx, chatId: number, unitIds: readonly number[], meta: { actor: string; at: Date }): Promise<void> {
  await db.delete(scoringChatBranches).where(eq(scoringChatBranches.chatId, chatId));
  if (unitIds.length) await db.insert(scoringChatBranches).values(unitIds.map((unitId) => ({ chatId, unitId })));
  await appendAudit(db, meta.at, { actor: meta.actor, action: 'scoring.chat.link', subjectType: 'chat', subjectId: chatId, data: { unitIds: [...unitIds] } });
}

/**
 * Shows or hides raw ranks (名次) of a round — computed always, shown only when the admin enables it (减负: no
 * league tables by default). Allowed until the round is published; the stored results follow.
 */
export async function setShowRanks(db: DbOrTx, roundId: number, show: boolean, meta: { actor: string; at: Date }): Promise<'ok' | 'not-found' | 'published'> {
  const [round] = await db.select({ status: scoringRounds.status }).from(scoringRounds).where(eq(scoringRounds.id, roundId)).for('update');
  if (!round) return 'not-found';
  if (round.status === 'published') return 'published';
  await db.update(scoringRounds).set({ showRanks: show }).where(eq(scoringRounds.id, roundId));
  await db
    .update(scoringResults)
    .set({ result: sql`jsonb_set(${scoringResults.result}, '{ranksVisible}', to_jsonb(${show}::boolean))` })
    .where(eq(scoringResults.roundId, roundId));
  await appendAudit(db, meta.at, { actor: meta.actor, action: 'scoring.round.ranks', subjectType: 'scoring_round', subjectId: roundId, data: { show } });
  return 'ok';
}

/** Rounds for admin lists (newest first), with progress counts. */
export async function listRounds(db: DbOrTx, opts: { status?: RoundView['status'] } = {}) {
  return rows<{ id: number; title: string; status: string; platform: PlatformId; closes_at: string; submitted: number; expected: number }>(
    await db.execute(sql`
      select r.id, r.title, r.status, r.platform, r.closes_at::text,
             (select count(*)::int from scoring_sheets s where s.round_id = r.id and s.status = 'submitted') as submitted,
             (select count(*)::int from scoring_round_scorers sc
                join scoring_round_branches b on b.round_id = sc.round_id and b.unit_id is distinct from sc.branch_id
               where sc.round_id = r.id) as expected
      from scoring_rounds r
      ${opts.status ? sql`where r.status = ${opts.status}` : sql``}
      order by r.id desc`),
  );
}

