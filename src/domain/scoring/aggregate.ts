import { ValidationError } from '../../errors.js';
import { explainBranch } from './explain.js';
import { add, CENTS, formatCents, fromDecimal, mul, ratio, toCents, toNumber, type Ratio, formatRatio } from './numbers.js';
import { CLASS_LABELS, describeTieBreak, starLabel, validatePolicy, type AggregationPolicy, type BranchClass } from './policy.js';
import { placeBranches, type Placement, type Rankable } from './ranking.js';
import { computeSheet, validateSheet } from './sheet.js';
import type { Scheme, SheetEntry } from './types.js';

/**
 * One 互观互检 round's results: each branch's peer sheets (never its own — 回避), trimmed mean, weighted with
 * the 机关党委 comment score, star level (thresholds, then quotas), class, rank and an explanation.
 */

export interface RoundBranch {
  id: string;
  name: string;
}

export interface RoundSheet {
  scorerId: string;
  scorerName: string;
  /** The scorer's own branch (a branch secretary's); null for someone outside every branch. */
  scorerBranchId: string | null;
  targetBranchId: string;
  entries: SheetEntry[];
}

export interface CommitteeScore {
  branchId: string;
  /** 机关党委点评分, on the scheme's scale (0..scheme.total). */
  score: number;
}

export interface RoundInput {
  scheme: Scheme;
  policy: AggregationPolicy;
  branches: RoundBranch[];
  sheets: RoundSheet[];
  committee?: CommitteeScore[];
  /** The admin chose to show ranks (default: ranks are computed but not shown — 减负, no rankings). */
  showRanks?: boolean;
}

export interface RoundProblem {
  scorerId: string | null;
  branchId: string | null;
  message: string;
}

export interface ScoredSheet {
  scorerId: string;
  scorerName: string;
  scorerBranchId: string | null;
  targetBranchId: string;
  total: number;
  totalCents: number;
}

export interface BranchResult {
  branchId: string;
  branchName: string;
  /** Peer sheet totals, high → low. */
  peerScores: number[];
  trimmed: boolean;
  droppedHighest: number[];
  droppedLowest: number[];
  /** Mean of the kept peer totals (a float of the exact value); null without peer sheets. */
  peerMean: number | null;
  committeeScore: number | null;
  total: number | null;
  /** The total rounded to two decimals, as shown. */
  totalText: string | null;
  /** The level the thresholds give, before quotas. */
  thresholdStars: number;
  stars: number;
  starLabel: string;
  demotedByQuota: boolean;
  class: BranchClass | null;
  classLabel: string | null;
  /** 1 = best; computed for the admin, shown only when RoundResult.ranksVisible. */
  rank: number | null;
  explanation: string;
}

export interface RoundResult {
  policyVersion: string;
  ranksVisible: boolean;
  /** The stated tie rule. */
  tieBreak: string;
  /** In the order of RoundInput.branches (not by rank, so a list never implies a ranking). */
  branches: BranchResult[];
  sheets: ScoredSheet[];
}

/** Every problem with a round's input (policy, 回避, unknown branches, duplicate or invalid sheets, 点评分). */
export function validateRound(input: RoundInput): RoundProblem[] {
  const problems: RoundProblem[] = validatePolicy(input.policy).map((m) => ({ scorerId: null, branchId: null, message: `计分规则：${m}` }));
  const say = (scorerId: string | null, branchId: string | null, message: string): void => void problems.push({ scorerId, branchId, message });
  const names = new Map<string, string>();
  for (const b of input.branches) {
    if (names.has(b.id)) say(null, b.id, `支部编号“${b.id}”重复`);
    names.set(b.id, b.name);
  }
  const seen = new Set<string>();
  for (const sheet of input.sheets) {
    const target = names.get(sheet.targetBranchId);
    if (target === undefined) {
      say(sheet.scorerId, sheet.targetBranchId, `${sheet.scorerName}的评分表所评支部“${sheet.targetBranchId}”不在本轮名单中`);
      continue;
    }
    if (sheet.scorerBranchId !== null && sheet.scorerBranchId === sheet.targetBranchId) {
      say(sheet.scorerId, sheet.targetBranchId, `${sheet.scorerName}（${target}）不能给本支部打分（回避）`);
      continue;
    }
    const key = JSON.stringify([sheet.scorerId, sheet.targetBranchId]);
    if (seen.has(key)) {
      say(sheet.scorerId, sheet.targetBranchId, `${sheet.scorerName}给${target}提交了多份评分表`);
      continue;
    }
    seen.add(key);
    for (const p of validateSheet(input.scheme, sheet.entries)) say(sheet.scorerId, sheet.targetBranchId, `${sheet.scorerName}给${target}的评分表：${p.message}`);
  }
  const totalCents = Math.round(input.scheme.total * CENTS);
  const committee = new Set<string>();
  for (const c of input.committee ?? []) {
    const name = names.get(c.branchId);
    if (name === undefined) say(null, c.branchId, `机关党委点评分中的支部“${c.branchId}”不在本轮名单中`);
    else if (committee.has(c.branchId)) say(null, c.branchId, `${name}的机关党委点评分重复`);
    else {
      committee.add(c.branchId);
      const cents = Number.isFinite(c.score) ? toCents(c.score) : null;
      if (cents === null || cents < 0 || cents > totalCents) {
        say(null, c.branchId, `${name}的机关党委点评分须在0到${formatCents(totalCents)}分之间，最多两位小数（填写了${String(c.score)}）`);
      }
    }
  }
  if (input.policy.weights !== 'peers-only') {
    const scored = new Set(input.sheets.map((s) => s.targetBranchId));
    for (const b of input.branches) if (scored.has(b.id) && !committee.has(b.id)) say(null, b.id, `${b.name}缺少机关党委点评分`);
  }
  return problems;
}

interface Computed {
  branch: RoundBranch;
  peerCents: number[];
  droppedHighest: number[];
  droppedLowest: number[];
  trimmed: boolean;
  committeeCents: number | null;
  rankable: Rankable | null;
}

/** The round's results; throws a ValidationError whose details are every RoundProblem. */
export function aggregateRound(input: RoundInput): RoundResult {
  const problems = validateRound(input);
  if (problems.length > 0) throw new ValidationError(`互观互检评分数据有误（${problems.length}处）`, problems);
  const { policy, scheme } = input;

  const sheets: ScoredSheet[] = input.sheets.map((s) => {
    const { totalCents } = computeSheet(scheme, s.entries);
    return { scorerId: s.scorerId, scorerName: s.scorerName, scorerBranchId: s.scorerBranchId, targetBranchId: s.targetBranchId, totalCents, total: totalCents / CENTS };
  });
  const byBranch = new Map<string, number[]>();
  for (const s of sheets) {
    const list = byBranch.get(s.targetBranchId);
    if (list) list.push(s.totalCents);
    else byBranch.set(s.targetBranchId, [s.totalCents]);
  }
  const committee = new Map((input.committee ?? []).map((c) => [c.branchId, Math.round(c.score * CENTS)]));
  const weights = policy.weights === 'peers-only' ? null : { peers: fromDecimal(policy.weights.peers), committee: fromDecimal(policy.weights.committee) };

  const computed: Computed[] = input.branches.map((branch) => {
    const peerCents = [...(byBranch.get(branch.id) ?? [])].sort((a, b) => b - a);
    const committeeCents = weights === null ? null : (committee.get(branch.id) ?? null);
    const trimmed = peerCents.length >= policy.trim.minScores;
    const droppedHighest = trimmed ? peerCents.slice(0, policy.trim.dropHighest) : [];
    const droppedLowest = trimmed && policy.trim.dropLowest > 0 ? peerCents.slice(-policy.trim.dropLowest) : [];
    const kept = trimmed ? peerCents.slice(policy.trim.dropHighest, peerCents.length - policy.trim.dropLowest) : peerCents;
    if (kept.length === 0) return { branch, peerCents, droppedHighest, droppedLowest, trimmed, committeeCents, rankable: null };
    const peerMean = ratio(kept.reduce((s, c) => s + c, 0), kept.length * CENTS);
    const total = weights === null ? peerMean : add(mul(peerMean, weights.peers), mul(ratio(committeeCents ?? 0, CENTS), weights.committee));
    const rankable: Rankable = {
      id: branch.id,
      name: branch.name,
      total,
      committee: committeeCents === null ? null : ratio(committeeCents, CENTS),
      peerMedian: median(peerCents),
      peerMean,
    };
    return { branch, peerCents, droppedHighest, droppedLowest, trimmed, committeeCents, rankable };
  });

  const placements = placeBranches(policy, computed.flatMap((c) => (c.rankable ? [c.rankable] : [])));
  const branches = computed.map((c) => toResult(policy, c, c.rankable ? (placements.get(c.branch.id) ?? null) : null));
  return { policyVersion: policy.version, ranksVisible: input.showRanks === true, tieBreak: describeTieBreak(policy), branches, sheets };
}

function toResult(policy: AggregationPolicy, c: Computed, placement: Placement | null): BranchResult {
  const r = c.rankable;
  const explanation = explainBranch(policy, {
    peerCents: c.peerCents,
    droppedHighest: c.droppedHighest,
    droppedLowest: c.droppedLowest,
    trimmed: c.trimmed,
    peerMean: r?.peerMean ?? null,
    committeeCents: c.committeeCents,
    total: r?.total ?? null,
    placement,
  });
  const stars = placement?.stars ?? 0;
  return {
    branchId: c.branch.id,
    branchName: c.branch.name,
    peerScores: c.peerCents.map((x) => x / CENTS),
    trimmed: c.trimmed,
    droppedHighest: c.droppedHighest.map((x) => x / CENTS),
    droppedLowest: c.droppedLowest.map((x) => x / CENTS),
    peerMean: r ? toNumber(r.peerMean) : null,
    committeeScore: c.committeeCents === null ? null : c.committeeCents / CENTS,
    total: r ? toNumber(r.total) : null,
    totalText: r ? formatRatio(r.total) : null,
    thresholdStars: placement?.thresholdStars ?? 0,
    stars,
    starLabel: starLabel(stars),
    demotedByQuota: (placement?.quotaSteps.length ?? 0) > 0,
    class: placement?.class ?? null,
    classLabel: placement ? CLASS_LABELS[placement.class] : null,
    rank: placement?.rank ?? null,
    explanation,
  };
}

/** Median of cents (sorted high → low) as points. */
function median(sortedCents: readonly number[]): Ratio {
  const n = sortedCents.length;
  const mid = Math.floor(n / 2);
  if (n % 2 === 1) return ratio(sortedCents[mid]!, CENTS);
  return ratio(sortedCents[mid - 1]! + sortedCents[mid]!, 2 * CENTS);
}
