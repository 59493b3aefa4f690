import { CENTS, formatRatio, ratio } from '../../domain/scoring/numbers.js';
import type { RoundView, ScorerView, SheetView } from '../../domain/scoring/ports.js';
import { computeSheet } from '../../domain/scoring/sheet.js';

/**
 * Per-category averages of a branch's submitted peer sheets (each sheet through computeSheet, so caps apply
 * per sheet as they did for its total). The 机关党委 secretary's sheet is the 点评分, not a peer sheet.
 */
export interface CategoryAverages {
  sheets: number;
  categories: { name: string; maxText: string; averageText: string | null }[];
}

export function categoryAverages(round: RoundView, scorers: readonly ScorerView[], sheets: readonly SheetView[], branchId: number): CategoryAverages {
  const peers = new Set(scorers.filter((s) => s.role === 'peer' && s.branchId !== branchId).map((s) => s.personId));
  const mine = sheets.filter((s) => s.status === 'submitted' && s.targetUnitId === branchId && peers.has(s.scorerId));
  const sums = round.scheme.categories.map(() => 0);
  for (const s of mine) {
    computeSheet(round.scheme, s.entries).categories.forEach((c, i) => {
      sums[i]! += Math.round(c.score * CENTS);
    });
  }
  return {
    sheets: mine.length,
    categories: round.scheme.categories.map((c, i) => ({
      name: c.name,
      maxText: formatRatio(ratio(Math.round(c.max * CENTS), CENTS)),
      averageText: mine.length === 0 ? null : formatRatio(ratio(sums[i]!, mine.length * CENTS)),
    })),
  };
}
