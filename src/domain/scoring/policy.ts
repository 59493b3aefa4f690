import { add, ceilOf, cmp, floorOf, fromDecimal, mul, ONE, ratio } from './numbers.js';

/**
 * The aggregation policy (计分规则) of a round: declared, versioned, recorded on every result so a published
 * number can always be traced to the rule that produced it. Change a rule → bump `version`.
 */

/** Tie rule keys, applied in order after the total: higher 机关党委点评分, higher 互评中位数, higher 互评平均, branch name. */
export type TieBreakKey = 'committee' | 'peerMedian' | 'peerMean' | 'name';

export const TIE_BREAK_LABELS: Record<TieBreakKey, string> = {
  committee: '机关党委点评分高者在前',
  peerMedian: '互评中位数高者在前',
  peerMean: '互评平均分高者在前',
  name: '支部名称按拼音排序',
};

export interface StarRule {
  /** Lowest total (inclusive) for this level. */
  min: number;
  stars: number;
}

export type BranchClass = 'advanced' | 'middle' | 'lagging';

export const CLASS_LABELS: Record<BranchClass, string> = { advanced: '先进', middle: '中间', lagging: '后进' };

export interface ClassRules {
  /** 先进: total ≥ minScore (when set), and at most maxShare of the ranked branches (the best-ranked; floor). */
  advanced: { minScore?: number; maxShare?: number };
  /** 后进: total < belowScore (when set), and at least minShare of the ranked branches (the lowest-ranked; ceil). */
  lagging: { belowScore?: number; minShare?: number };
}

export interface AggregationPolicy {
  version: string;
  /** Drop the highest/lowest peer totals only when a branch has at least `minScores` of them; else a plain mean. */
  trim: { minScores: number; dropHighest: number; dropLowest: number };
  /** Weighted: peers' mean × peers + 机关党委点评 × committee (summing to 1). 'peers-only': the peers' mean. */
  weights: { peers: number; committee: number } | 'peers-only';
  /** Thresholds, any order; a total below every `min` gets no stars (未定级). */
  stars: StarRule[];
  /** At most this share of the ranked branches at exactly this level (floor of share × count); the rest move down. */
  starQuotas?: Partial<Record<number, number>>;
  classes: ClassRules;
  /** After the total; the branch name (then id) always ends the chain so the order is total. */
  tieBreak: TieBreakKey[];
}

export const DEFAULT_POLICY: AggregationPolicy = {
  version: '2026.1',
  trim: { minScores: 5, dropHighest: 1, dropLowest: 1 },
  weights: { peers: 0.7, committee: 0.3 },
  stars: [
    { min: 95, stars: 5 },
    { min: 85, stars: 4 },
    { min: 75, stars: 3 },
    { min: 65, stars: 2 },
    { min: 60, stars: 1 },
  ],
  starQuotas: { 5: 0.1 },
  classes: { advanced: { minScore: 90, maxShare: 0.3 }, lagging: { belowScore: 70, minShare: 0.05 } },
  tieBreak: ['committee', 'peerMedian', 'name'],
};

const isShare = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1;
const isScore = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isCount = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** Every problem with a policy, in Chinese; empty when it is usable. */
export function validatePolicy(policy: AggregationPolicy): string[] {
  const problems: string[] = [];
  if (typeof policy.version !== 'string' || policy.version.trim() === '') problems.push('计分规则须有版本号');
  const { minScores, dropHighest, dropLowest } = policy.trim;
  if (!isCount(minScores) || !isCount(dropHighest) || !isCount(dropLowest)) {
    problems.push('去掉最高/最低分的份数和最少份数须为非负整数');
  } else if (minScores <= dropHighest + dropLowest) {
    problems.push(`去掉最高/最低分至少需要${minScores}份互评，须多于去掉的${dropHighest + dropLowest}份`);
  }
  if (policy.weights !== 'peers-only') {
    const { peers, committee } = policy.weights;
    if (!isShare(peers) || !isShare(committee)) problems.push('互评和机关党委点评的权重须在0到1之间');
    else if (cmp(add(fromDecimal(peers), fromDecimal(committee)), ONE) !== 0) problems.push(`互评权重${peers}与机关党委点评权重${committee}之和须为1`);
  }
  const levels = new Set<number>();
  for (const rule of policy.stars) {
    if (!isScore(rule.min)) problems.push(`星级分数线“${String(rule.min)}”须为非负数`);
    if (!Number.isInteger(rule.stars) || rule.stars < 1) problems.push(`星级“${String(rule.stars)}”须为正整数`);
    else if (levels.has(rule.stars)) problems.push(`${rule.stars}星的分数线重复`);
    levels.add(rule.stars);
  }
  const byStars = [...policy.stars].sort((a, b) => b.stars - a.stars);
  for (let i = 1; i < byStars.length; i++) {
    const higher = byStars[i - 1]!;
    const lower = byStars[i]!;
    if (higher.stars !== lower.stars && !(higher.min > lower.min)) problems.push(`${higher.stars}星的分数线须高于${lower.stars}星的分数线`);
  }
  for (const [level, share] of Object.entries(policy.starQuotas ?? {})) {
    if (!levels.has(Number(level))) problems.push(`星级名额中的${level}星没有对应的分数线`);
    if (!isShare(share)) problems.push(`${level}星名额比例须在0到1之间`);
  }
  const { advanced, lagging } = policy.classes;
  if (advanced.minScore !== undefined && !isScore(advanced.minScore)) problems.push('先进分数线须为非负数');
  if (advanced.maxShare !== undefined && !isShare(advanced.maxShare)) problems.push('先进比例须在0到1之间');
  if (lagging.belowScore !== undefined && !isScore(lagging.belowScore)) problems.push('后进分数线须为非负数');
  if (lagging.minShare !== undefined && !isShare(lagging.minShare)) problems.push('后进比例须在0到1之间');
  if (advanced.minScore !== undefined && lagging.belowScore !== undefined && lagging.belowScore > advanced.minScore) {
    problems.push('后进分数线不能高于先进分数线');
  }
  for (const key of policy.tieBreak) if (!(key in TIE_BREAK_LABELS)) problems.push(`并列规则“${String(key)}”无法识别`);
  return problems;
}

/** The stated tie rule as one sentence, for result pages: "总分相同时：机关党委点评分高者在前，其次…". */
export function describeTieBreak(policy: AggregationPolicy): string {
  const keys = policy.tieBreak.includes('name') ? policy.tieBreak : [...policy.tieBreak, 'name' as const];
  return `总分相同时依次比较：${keys.map((k) => TIE_BREAK_LABELS[k]).join('；')}`;
}

/** "四星", "未定级". */
export function starLabel(stars: number): string {
  const words = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  if (stars <= 0) return '未定级';
  return `${words[stars] ?? String(stars)}星`;
}

/** floor(share × count): "at most this share". */
export function atMost(share: number, count: number): number {
  return floorOf(mul(fromDecimal(share), ratio(count)));
}

/** ceil(share × count): "at least this share". */
export function atLeast(share: number, count: number): number {
  return ceilOf(mul(fromDecimal(share), ratio(count)));
}
