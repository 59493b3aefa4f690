import type { RoundBranch, ScoredSheet } from './aggregate.js';
import { formatNumber } from './numbers.js';

/**
 * Things the admin should look at before publishing a round (提示, not verdicts; nothing is changed):
 *  - uniform-scorer: a scorer gave every branch they scored the same total;
 *  - mutual-high: two scorers from branches X and Y each scored the other's branch at least `pairMargin` points
 *    above the rest of that branch's panel;
 *  - outlier: a score more than `outlierSd` standard deviations from the rest of that branch's panel.
 * "The panel" for a score is the branch's other scorers (leave-one-out): with the score itself included, one
 * score among n can never be more than (n−1)/√n standard deviations away (< 2 for n < 6).
 */

export interface FlagOptions {
  /** Sheets a scorer must have for identical totals to be flagged (default 3). */
  uniformMinSheets?: number;
  /** Points above the panel mean, each way (default 8). */
  pairMargin?: number;
  /** Standard deviations (default 2). */
  outlierSd?: number;
  /** Scores a branch needs, the flagged one included (default 4). */
  outlierMinScores?: number;
  /** Smallest distance from the panel mean worth flagging, so a panel in perfect agreement does not flag 0.5 (default 1). */
  outlierMinGap?: number;
}

export type ScoringFlag =
  | { kind: 'uniform-scorer'; scorerId: string; total: number; sheets: number; message: string }
  | { kind: 'mutual-high'; scorerIds: [string, string]; branchIds: [string, string]; excess: [number, number]; message: string }
  | { kind: 'outlier'; scorerId: string; branchId: string; score: number; panelMean: number; panelSd: number; message: string };

interface Scored extends ScoredSheet {
  /** The other scorers of the same branch: count, Σ and Σ² of their totals in hundredths (exact integers). */
  n: number;
  sum: number;
  sumSq: number;
}

const mean = (s: Scored): number => s.sum / s.n / 100;
const sd = (s: Scored): number => Math.sqrt(Math.max(0, s.n * s.sumSq - s.sum * s.sum)) / s.n / 100;

const pts = (x: number): string => formatNumber(Math.round(x * 100) / 100);

export function flagRound(sheets: readonly ScoredSheet[], branches: readonly RoundBranch[], options: FlagOptions = {}): ScoringFlag[] {
  const uniformMin = options.uniformMinSheets ?? 3;
  const margin = options.pairMargin ?? 8;
  const k = options.outlierSd ?? 2;
  const minScores = options.outlierMinScores ?? 4;
  const minGap = options.outlierMinGap ?? 1;
  const branchName = new Map(branches.map((b) => [b.id, b.name]));
  const nameOf = (id: string | null): string => (id === null ? '—' : (branchName.get(id) ?? id));

  const byBranch = new Map<string, ScoredSheet[]>();
  for (const s of sheets) {
    const list = byBranch.get(s.targetBranchId);
    if (list) list.push(s);
    else byBranch.set(s.targetBranchId, [s]);
  }
  const scored = new Map<ScoredSheet, Scored>();
  for (const list of byBranch.values()) {
    const sum = list.reduce((a, s) => a + s.totalCents, 0);
    const sumSq = list.reduce((a, s) => a + s.totalCents * s.totalCents, 0);
    for (const s of list) scored.set(s, { ...s, n: list.length - 1, sum: sum - s.totalCents, sumSq: sumSq - s.totalCents * s.totalCents });
  }
  const flags: ScoringFlag[] = [];

  const byScorer = new Map<string, ScoredSheet[]>();
  for (const s of sheets) {
    const list = byScorer.get(s.scorerId);
    if (list) list.push(s);
    else byScorer.set(s.scorerId, [s]);
  }
  for (const [scorerId, list] of byScorer) {
    const first = list[0]!;
    if (list.length < uniformMin || list.some((s) => s.totalCents !== first.totalCents)) continue;
    flags.push({
      kind: 'uniform-scorer',
      scorerId,
      total: first.total,
      sheets: list.length,
      message: `${first.scorerName}给所评的 ${list.length} 个支部都打了相同的总分 ${pts(first.total)} 分`,
    });
  }

  // Compared in integers: total − mean ≥ margin  ⟺  total·n − Σ ≥ margin·n (hundredths).
  const marginCents = Math.round(margin * 100);
  const isHigh = (s: Scored): boolean => s.scorerBranchId !== null && s.n > 0 && s.totalCents * s.n - s.sum >= marginCents * s.n;
  const high = [...scored.values()].filter(isHigh);
  for (const a of high) {
    for (const b of high) {
      if (a.scorerId >= b.scorerId || a.targetBranchId !== b.scorerBranchId || b.targetBranchId !== a.scorerBranchId) continue;
      const ea = a.total - mean(a);
      const eb = b.total - mean(b);
      const part = (s: Scored, e: number): string =>
        `${s.scorerName}给${nameOf(s.targetBranchId)} ${pts(s.total)} 分，高于其他评分人平均 ${pts(mean(s))} 分 ${pts(e)} 分`;
      flags.push({
        kind: 'mutual-high',
        scorerIds: [a.scorerId, b.scorerId],
        branchIds: [a.scorerBranchId!, b.scorerBranchId!],
        excess: [ea, eb],
        message: `${a.scorerName}（${nameOf(a.scorerBranchId)}）与${b.scorerName}（${nameOf(b.scorerBranchId)}）互评分明显偏高：${part(a, ea)}；${part(b, eb)}`,
      });
    }
  }

  for (const b of branches) {
    const list = byBranch.get(b.id) ?? [];
    if (list.length < minScores) continue;
    for (const s of list) {
      const x = scored.get(s)!;
      // |total − mean| > k·sd  ⟺  (total·n − Σ)² > k²·(n·Σ² − Σ·Σ), all in hundredths.
      const dev = x.totalCents * x.n - x.sum;
      const gap = Math.abs(dev) / x.n / 100;
      if (gap < minGap || dev * dev <= k * k * (x.n * x.sumSq - x.sum * x.sum)) continue;
      flags.push({
        kind: 'outlier',
        scorerId: s.scorerId,
        branchId: b.id,
        score: s.total,
        panelMean: mean(x),
        panelSd: sd(x),
        message: `${s.scorerName}给${b.name} ${pts(s.total)} 分，其他评分人平均 ${pts(mean(x))} 分（标准差 ${pts(sd(x))}），相差 ${pts(gap)} 分，超过 ${pts(k)} 个标准差`,
      });
    }
  }
  return flags;
}
