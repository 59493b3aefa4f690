import { dateRange } from '../reminders/days.js';
import type { DigestRaw } from './raw.js';
import { DIGEST_FIGURES_VERSION, type BranchFigures, type DigestFigures, type DigestScope, type DueSoonItem, type ScoringWait, type TrendPoint } from './types.js';

/**
 * A leader's figures from the per-branch raw figures: only the branches in scope, summed. Pure, so the job
 * computes the raw figures once for all leaders and slices them here, without a query per leader.
 */
export function figuresForScope(raw: DigestRaw, scope: DigestScope, branchIds: readonly number[]): DigestFigures {
  const ids = new Set(branchIds);
  const order = new Map(raw.branches.map((b, i) => [b.branchId, i]));
  const byOrg = (a: number, b: number): number => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  const mine = <T extends { branchId: number }>(rows: readonly T[]): T[] => rows.filter((r) => ids.has(r.branchId));
  const index = <T extends { branchId: number }>(rows: readonly T[]): Map<number, T> => new Map(mine(rows).map((r) => [r.branchId, r]));

  const month = index(raw.monthly);
  const overdue = index(raw.overdue);
  const drillRows = index(raw.drillRows);
  const drill = mine(raw.drill);
  const shown = new Map<number, number>();
  for (const r of drill) shown.set(r.branchId, (shown.get(r.branchId) ?? 0) + 1);
  const dueSoonByBranch = new Map<number, number>();
  for (const r of mine(raw.dueSoon)) dueSoonByBranch.set(r.branchId, (dueSoonByBranch.get(r.branchId) ?? 0) + r.open);

  const branches: BranchFigures[] = raw.branches
    .filter((b) => ids.has(b.branchId))
    .map((b) => {
      const o = overdue.get(b.branchId);
      return {
        branchId: b.branchId,
        name: b.name,
        members: b.members,
        monthTotal: month.get(b.branchId)?.total ?? 0,
        monthDone: month.get(b.branchId)?.done ?? 0,
        overdue: o?.count ?? 0,
        overdueItems: o?.items ?? 0,
        oldestOverdue: o?.oldest ?? null,
        dueSoon: dueSoonByBranch.get(b.branchId) ?? 0,
        drillOmitted: Math.max(0, (drillRows.get(b.branchId)?.rows ?? 0) - (shown.get(b.branchId) ?? 0)),
      };
    });

  const sum = (f: (b: BranchFigures) => number): number => branches.reduce((n, b) => n + f(b), 0);
  return {
    version: DIGEST_FIGURES_VERSION,
    date: raw.date,
    month: raw.month,
    dueSoonUntil: raw.dueSoonUntil,
    computedAt: raw.computedAt,
    scope,
    totals: {
      branches: branches.length,
      members: sum((b) => b.members),
      monthTotal: sum((b) => b.monthTotal),
      monthDone: sum((b) => b.monthDone),
      overdue: sum((b) => b.overdue),
      overdueBranches: branches.filter((b) => b.overdue > 0).length,
      dueSoon: sum((b) => b.dueSoon),
    },
    branches,
    dueSoon: dueSoonItems(mine(raw.dueSoon), byOrg),
    cadence: mine(raw.cadence).sort((a, b) => byOrg(a.branchId, b.branchId) || a.periodEnd.localeCompare(b.periodEnd)),
    scoring: scoringWaits(raw, ids, byOrg),
    trend: trend(raw, mine(raw.dueByDay), mine(raw.doneByDay)),
    dimensions: raw.dimensionNames.map((name) => {
      const rows = mine(raw.dimensions).filter((d) => d.name === name);
      return { name, total: rows.reduce((n, r) => n + r.total, 0), done: rows.reduce((n, r) => n + r.done, 0), overdue: rows.reduce((n, r) => n + r.overdue, 0) };
    }),
    drill: drill.sort((a, b) => byOrg(a.branchId, b.branchId)),
  };
}

function dueSoonItems(rows: DigestRaw['dueSoon'], byOrg: (a: number, b: number) => number): DueSoonItem[] {
  const items = new Map<number, DueSoonItem>();
  for (const r of rows) {
    const it = items.get(r.itemId) ?? { itemId: r.itemId, title: r.title, due: r.due, open: 0, branchIds: [] };
    it.open += r.open;
    if (r.due < it.due) it.due = r.due;
    if (!it.branchIds.includes(r.branchId)) it.branchIds.push(r.branchId);
    items.set(r.itemId, it);
  }
  return [...items.values()]
    .map((it) => ({ ...it, branchIds: it.branchIds.sort(byOrg) }))
    .sort((a, b) => a.due.localeCompare(b.due) || b.open - a.open || a.itemId - b.itemId);
}

function scoringWaits(raw: DigestRaw, ids: Set<number>, byOrg: (a: number, b: number) => number): ScoringWait[] {
  return raw.scoring
    .filter((r) => r.submitted < r.expected && r.branchIds.some((b) => ids.has(b)))
    .map((r) => ({
      roundId: r.roundId,
      title: r.title,
      closesAt: r.closesAt,
      expected: r.expected,
      submitted: r.submitted,
      pendingScorers: r.pending.reduce((n, p) => n + p.scorers, 0),
      pendingScorersInScope: r.pending.filter((p) => p.branchId !== null && ids.has(p.branchId)).reduce((n, p) => n + p.scorers, 0),
      branchIds: r.branchIds.filter((b) => ids.has(b)).sort(byOrg),
    }))
    .sort((a, b) => a.closesAt.localeCompare(b.closesAt) || a.roundId - b.roundId);
}

/** Cumulative month-to-date series; rows dated before the 1st (done last month) count on the 1st. */
function trend(raw: DigestRaw, dueRows: DigestRaw['dueByDay'], doneRows: DigestRaw['doneByDay']): TrendPoint[] {
  const first = `${raw.month}-01`;
  const perDay = (rows: { day: string; n: number }[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of rows) {
      const day = r.day < first ? first : r.day;
      m.set(day, (m.get(day) ?? 0) + r.n);
    }
    return m;
  };
  const due = perDay(dueRows);
  const done = perDay(doneRows);
  let d = 0;
  let c = 0;
  return dateRange(first, raw.date).map((date) => {
    d += due.get(date) ?? 0;
    c += done.get(date) ?? 0;
    return { date, due: d, done: c };
  });
}
