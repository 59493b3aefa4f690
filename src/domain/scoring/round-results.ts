import { aggregateRound, type CommitteeScore, type RoundInput, type RoundSheet } from './aggregate.js';
import { flagRound } from './flags.js';
import type { AggregationPolicy } from './policy.js';
import type { RoundView, ScorerView, SheetView, StoredResults } from './ports.js';

/**
 * From a closed round's stored sheets to its results: submitted sheets only (a draft is not a score), peers'
 * sheets as 互评, the 机关党委 secretary's sheets as 点评分. When the policy weighs a 点评分 that is missing for a
 * branch that has peer scores, the round is computed on peers only, under a policy version that says so —
 * a stated rule, never a silent zero.
 */
export interface ComputedResults extends StoredResults {
  /** What the reviewers should read about how this was computed. */
  policyNote: string;
  submitted: number;
  expected: number;
}

export function expectedSheets(round: RoundView, scorers: readonly ScorerView[]): number {
  return scorers.reduce((n, s) => n + round.branches.filter((b) => b.id !== s.branchId).length, 0);
}

export function computeRoundResults(round: RoundView, scorers: readonly ScorerView[], sheets: readonly SheetView[], now: Date): ComputedResults {
  const byPerson = new Map(scorers.map((s) => [s.personId, s]));
  const inRound = new Set(round.branches.map((b) => b.id));
  const peerSheets: RoundSheet[] = [];
  const committee: CommitteeScore[] = [];
  let submitted = 0;
  for (const sheet of sheets) {
    const scorer = byPerson.get(sheet.scorerId);
    if (sheet.status !== 'submitted' || !scorer || !inRound.has(sheet.targetUnitId) || scorer.branchId === sheet.targetUnitId) continue;
    submitted++;
    if (scorer.role === 'committee') {
      committee.push({ branchId: String(sheet.targetUnitId), score: (sheet.totalCents ?? 0) / 100 });
    } else {
      peerSheets.push({
        scorerId: String(scorer.personId),
        scorerName: scorer.name,
        scorerBranchId: scorer.branchId === null ? null : String(scorer.branchId),
        targetBranchId: String(sheet.targetUnitId),
        entries: sheet.entries,
      });
    }
  }
  let policy: AggregationPolicy = round.policy;
  let policyNote = `计分规则 ${policy.version}：${describeWeights(policy)}`;
  if (policy.weights !== 'peers-only') {
    const scored = new Set(peerSheets.map((s) => s.targetBranchId));
    const missing = round.branches.filter((b) => scored.has(String(b.id)) && !committee.some((c) => c.branchId === String(b.id)));
    if (missing.length > 0) {
      policy = { ...policy, version: `${policy.version}-peers-only`, weights: 'peers-only' };
      policyNote = `机关党委点评分缺少${missing.length}个支部（${missing.map((b) => b.name).join('、')}），本轮按计分规则 ${policy.version} 仅以互评计算`;
    }
  }
  const input: RoundInput = {
    scheme: round.scheme,
    policy,
    branches: round.branches.map((b) => ({ id: String(b.id), name: b.name })),
    sheets: peerSheets,
    ...(policy.weights === 'peers-only' ? {} : { committee }),
    showRanks: round.showRanks,
  };
  const result = aggregateRound(input);
  const flags = flagRound(result.sheets, input.branches);
  return { roundId: round.id, policyVersion: result.policyVersion, result, flags, computedAt: now, policyNote, submitted, expected: expectedSheets(round, scorers) };
}

function describeWeights(policy: AggregationPolicy): string {
  const trim = `互评满${policy.trim.minScores}份时去掉${policy.trim.dropHighest}个最高分和${policy.trim.dropLowest}个最低分`;
  if (policy.weights === 'peers-only') return `${trim}，总分为互评平均分`;
  return `${trim}，互评平均 × ${policy.weights.peers} + 机关党委点评 × ${policy.weights.committee}`;
}
