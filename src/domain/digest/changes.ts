import type { CadenceGap, DigestChanges, DigestFigures } from './types.js';

const gapKey = (g: CadenceGap): string => `${g.branchId}:${g.kind}:${g.period}`;

/**
 * What changed between two figures of the same scope (the previous stored day and today). Branches that
 * left or joined the scope count as 0 on the side where they are missing.
 */
export function diffFigures(prev: DigestFigures, cur: DigestFigures): DigestChanges {
  const before = new Map(prev.branches.map((b) => [b.branchId, b]));
  const overdueByBranch = cur.branches
    .map((b) => ({ branchId: b.branchId, name: b.name, before: before.get(b.branchId)?.overdue ?? 0, now: b.overdue }))
    .filter((b) => b.before !== b.now)
    .sort((a, b) => Math.abs(b.now - b.before) - Math.abs(a.now - a.before));
  const prevGaps = new Set(prev.cadence.map(gapKey));
  const curGaps = new Set(cur.cadence.map(gapKey));
  const curBranches = new Set(cur.branches.map((b) => b.branchId));
  const prevRounds = new Map(prev.scoring.map((r) => [r.roundId, r]));
  return {
    since: prev.date,
    newlyDone: prev.month === cur.month ? cur.totals.monthDone - prev.totals.monthDone : null,
    overdueBefore: prev.branches.filter((b) => curBranches.has(b.branchId)).reduce((n, b) => n + b.overdue, 0),
    overdueNow: cur.totals.overdue,
    overdueByBranch,
    // Periods roll over only when the month changes; across a month boundary a gap may vanish because its
    // period is no longer the last finished one, which is not a meeting recorded — so none is called closed.
    cadenceClosed: prev.month === cur.month ? prev.cadence.filter((g) => !curGaps.has(gapKey(g)) && curBranches.has(g.branchId)) : [],
    cadenceNew: cur.cadence.filter((g) => !prevGaps.has(gapKey(g))),
    scoringSubmitted: cur.scoring
      .map((r) => ({ roundId: r.roundId, title: r.title, sheets: r.submitted - (prevRounds.get(r.roundId)?.submitted ?? r.submitted) }))
      .filter((r) => r.sheets > 0),
  };
}

