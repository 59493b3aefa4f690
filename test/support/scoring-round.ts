import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { createPerson } from '../../src/db/repositories/org.js';
import { saveScheme } from '../../src/db/repositories/scoring-admin.js';
import { scoringStore } from '../../src/db/repositories/scoring-store.js';
import { orgUnits } from '../../src/db/schema/index.js';
import type { ManualClock } from '../../src/domain/clock.js';
import { aggregateRound, type CommitteeScore, type RoundResult, type RoundSheet } from '../../src/domain/scoring/aggregate.js';
import { flagRound, type ScoringFlag } from '../../src/domain/scoring/flags.js';
import { DEFAULT_POLICY } from '../../src/domain/scoring/policy.js';
import type { RoundView, ScorerView } from '../../src/domain/scoring/ports.js';
import { requireScheme, schemeFromJson } from '../../src/domain/scoring/scheme.js';
import { saveScorerSheet, targetsOf } from '../../src/domain/scoring/sheet-service.js';
import type { Scheme, SheetEntry } from '../../src/domain/scoring/types.js';
import { activeBranches } from '../../src/exports/scoring-round-data.js';
import { seedDemoOrg } from '../../src/importers/import-org-file.js';

/**
 * A real 互观互检 round in the database, built only through production code: the demo organisation plus a
 * 机关党委书记 (点评分) and a 机关党委委员 (peer without a branch), the five-型 scheme via saveScheme, the round via
 * scoringStore.createRound with the store's candidate scorers, sheets via saveScorerSheet (one left as a draft,
 * one never started), then — when asked — results via aggregateRound + flagRound + store.saveResults.
 */

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/scoring');

export function fiveTypes(): Scheme {
  return requireScheme(schemeFromJson(readFileSync(resolve(FIXTURES, 'scheme-five-types.json'), 'utf8')));
}

/** Organisation for scoring rounds (idempotent: the demo import and the two 机关党委 people only once). */
export async function seedScoringOrg(database: Database, clock: ManualClock): Promise<void> {
  await seedDemoOrg(database, { actor: 'test', clock });
  const [committee] = await database.db.select().from(orgUnits).where(eq(orgUnits.kind, 'committee'));
  const existing = await database.db.query.people.findMany({ columns: { name: true } });
  const meta = { actor: 'test', at: clock.now() };
  if (!existing.some((p) => p.name === '郭振宇')) await createPerson(database.db, { name: '郭振宇', unitId: committee!.id, roles: [{ role: 'secretary' }] }, meta);
  if (!existing.some((p) => p.name === '孟庆华')) await createPerson(database.db, { name: '孟庆华', unitId: committee!.id, roles: [{ role: 'committee_member' }] }, meta);
}

/**
 * The entries scorer #s (index among scorers) gives target #t: full marks minus a little that depends on both,
 * a reasoned deduction now and then, so totals differ. `uniform` gives the same sheet to everyone.
 */
export function entriesFor(s: number, t: number, uniform = false): SheetEntry[] {
  const k = uniform ? 0 : (s * 3 + t * 5) % 7;
  const e: Record<string, number> = {
    '1.1': 8 - (k % 3), '1.2': 7 - (k % 2) * 0.5, '1.3': 5, '1.4': k === 4 ? 2 : 0, '2.1': 8, '2.2': 6 - (k % 4), '2.3': k % 2 ? 3 : 6,
    '3.1': 10 - k, '3.2': 9, '3.3': k === 5 ? 1 : 0, '4.1': 8, '4.2': 6, '4.3': 5 + (k % 2), '4.4': k === 6 ? 2 : 0, '5.1': 0, '5.2': k === 3 ? 1 : 0,
  };
  const reasons: Record<string, string> = { '1.4': '10月支委会未按期召开', '3.3': '一项工作清单任务逾期', '5.2': '三季度廉政教育未开展' };
  return Object.entries(e).map(([itemId, points]) => (points > 0 && reasons[itemId] ? { itemId, points, reason: reasons[itemId] } : { itemId, points }));
}

export interface BuiltRound {
  round: RoundView;
  scorers: ScorerView[];
  /** [scorer person id, target unit id] left as a draft, and the pair never started. */
  draft: [number, number];
  missing: [number, number];
  result: RoundResult | null;
  flags: ScoringFlag[] | null;
}

export async function buildScoringRound(
  database: Database,
  clock: ManualClock,
  opts: { title: string; withResults: boolean; comments?: boolean },
): Promise<BuiltRound> {
  const db = database.db;
  const store = scoringStore(db);
  const scheme = fiveTypes();
  const { id: schemeId } = await saveScheme(db, scheme, { actor: 'test', at: clock.now() });
  const branches = await activeBranches(db);
  const scorers = await store.candidateScorers(branches.map((b) => b.id));
  const opensAt = clock.now();
  const created = await store.createRound({
    title: opts.title, schemeId, policy: DEFAULT_POLICY, platform: 'sandbox', chatId: null, startedBy: null,
    opensAt, closesAt: new Date(opensAt.getTime() + 7 * 86_400_000), sourceEventId: null, branches, scorers, at: opensAt,
  });
  const round = created!;
  const list = await store.scorers(round.id);
  const peers = list.filter((s) => s.role === 'peer');
  // The first branch secretary gives every branch the same sheet (a uniform-scorer flag); the last peer leaves one
  // sheet as a draft and does not start another.
  const uniform = peers.find((s) => s.branchId !== null)!;
  const last = peers[peers.length - 1]!;
  const lastTargets = targetsOf(round, last);
  const draft: [number, number] = [last.personId, lastTargets[0]!.id];
  const missing: [number, number] = [last.personId, lastTargets[1]!.id];
  for (const [si, scorer] of list.entries()) {
    for (const [ti, target] of targetsOf(round, scorer).entries()) {
      if (scorer.personId === missing[0] && target.id === missing[1]) continue;
      const isDraft = scorer.personId === draft[0] && target.id === draft[1];
      const entries = scorer.role === 'committee' ? entriesFor(ti, 2) : entriesFor(si, ti, scorer === uniform);
      clock.advance(60_000);
      await saveScorerSheet(store, {
        roundId: round.id, personId: scorer.personId, branchId: target.id, entries,
        comment: opts.comments === false ? null : `${target.name}台账规范，特色鲜明（${scorer.name}）`,
        submit: !isDraft, source: 'h5', now: clock.now(),
      });
    }
  }
  if (!opts.withResults) return { round, scorers: list, draft, missing, result: null, flags: null };

  await store.markClosed(round.id, 'admin:test', clock.now());
  const sheets = (await store.sheets(round.id)).filter((s) => s.status === 'submitted');
  const byId = new Map(list.map((s) => [s.personId, s]));
  const peerSheets: RoundSheet[] = [];
  const committee: CommitteeScore[] = [];
  for (const s of sheets) {
    const scorer = byId.get(s.scorerId)!;
    if (scorer.role === 'committee') committee.push({ branchId: String(s.targetUnitId), score: s.totalCents! / 100 });
    else peerSheets.push({ scorerId: String(s.scorerId), scorerName: scorer.name, scorerBranchId: scorer.branchId === null ? null : String(scorer.branchId), targetBranchId: String(s.targetUnitId), entries: s.entries });
  }
  const roundBranches = round.branches.map((b) => ({ id: String(b.id), name: b.name }));
  const result = aggregateRound({ scheme: round.scheme, policy: round.policy, branches: roundBranches, sheets: peerSheets, committee, showRanks: round.showRanks });
  const flags = flagRound(result.sheets, roundBranches);
  await store.saveResults({ roundId: round.id, policyVersion: round.policy.version, result, flags, computedAt: clock.now() });
  return { round: (await store.round(round.id))!, scorers: list, draft, missing, result, flags };
}
