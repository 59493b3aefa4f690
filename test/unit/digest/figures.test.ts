import { describe, expect, it } from 'vitest';
import { figuresForScope } from '../../../src/domain/digest/figures.js';
import type { DigestRaw } from '../../../src/domain/digest/raw.js';

/** Three branches; the leader's scope is the first and the third. */
function raw(over: Partial<DigestRaw> = {}): DigestRaw {
  return {
    date: '2026-11-04',
    month: '2026-11',
    dueSoonUntil: '2026-11-09',
    computedAt: '2026-11-04T00:30:00.000Z',
    branches: [
      { branchId: 11, name: '第一党支部', members: 10 },
      { branchId: 12, name: '第二党支部', members: 8 },
      { branchId: 13, name: '第三党支部', members: 6 },
    ],
    monthly: [
      { branchId: 11, total: 30, done: 12 },
      { branchId: 12, total: 24, done: 24 },
      { branchId: 13, total: 18, done: 3 },
    ],
    dueByDay: [
      { branchId: 11, day: '2026-11-03', n: 10 },
      { branchId: 11, day: '2026-11-30', n: 20 },
      { branchId: 12, day: '2026-11-02', n: 24 },
      { branchId: 13, day: '2026-11-04', n: 18 },
    ],
    doneByDay: [
      { branchId: 11, day: '2026-10-28', n: 4 },
      { branchId: 11, day: '2026-11-03', n: 8 },
      { branchId: 12, day: '2026-11-02', n: 24 },
      { branchId: 13, day: '2026-11-01', n: 1 },
      { branchId: 13, day: '2026-11-04', n: 2 },
    ],
    overdue: [
      { branchId: 11, count: 5, items: 2, oldest: { itemId: 7, title: '学习全会公报', due: '2026-10-31' } },
      { branchId: 12, count: 1, items: 1, oldest: { itemId: 8, title: '调研报告', due: '2026-11-03' } },
    ],
    dueSoon: [
      { branchId: 11, itemId: 20, title: '观看党课', due: '2026-11-06', open: 4 },
      { branchId: 12, itemId: 20, title: '观看党课', due: '2026-11-06', open: 9 },
      { branchId: 13, itemId: 20, title: '观看党课', due: '2026-11-05', open: 2 },
      { branchId: 13, itemId: 21, title: '主题党日方案', due: '2026-11-09', open: 1 },
    ],
    dimensionNames: ['政治型', '服务型'],
    dimensions: [
      { branchId: 11, name: '政治型', total: 4, done: 2, overdue: 1 },
      { branchId: 12, name: '政治型', total: 4, done: 4, overdue: 0 },
      { branchId: 13, name: '服务型', total: 3, done: 1, overdue: 2 },
    ],
    drill: [
      { branchId: 11, itemId: 7, title: '学习全会公报', listKind: 'must_study', due: '2026-10-31', dimensions: [], monthTotal: 0, monthDone: 0, overdue: 4, dueSoon: 0, oldestOverdue: '2026-10-31' },
      { branchId: 13, itemId: 21, title: '主题党日方案', listKind: 'work', due: '2026-11-09', dimensions: ['服务型'], monthTotal: 1, monthDone: 0, overdue: 0, dueSoon: 1, oldestOverdue: null },
    ],
    drillRows: [
      { branchId: 11, rows: 3 },
      { branchId: 13, rows: 1 },
    ],
    cadence: [
      { branchId: 12, branchName: '第二党支部', kind: 'branch_committee', meeting: '支部委员会', period: '2026-10', periodEnd: '2026-10-31' },
      { branchId: 13, branchName: '第三党支部', kind: 'party_lecture', meeting: '党课', period: '2026-Q3', periodEnd: '2026-09-30' },
    ],
    scoring: [
      { roundId: 1, title: '2026年第四季度', closesAt: '2026-11-10T10:00:00.000Z', expected: 6, submitted: 3, pending: [{ branchId: 11, scorers: 1 }, { branchId: 12, scorers: 1 }, { branchId: null, scorers: 1 }], branchIds: [11, 12, 13] },
      { roundId: 2, title: '只有第二支部', closesAt: '2026-11-10T10:00:00.000Z', expected: 2, submitted: 0, pending: [{ branchId: 12, scorers: 1 }], branchIds: [12] },
      { roundId: 3, title: '已交齐', closesAt: '2026-11-10T10:00:00.000Z', expected: 2, submitted: 2, pending: [], branchIds: [11, 13] },
    ],
    ...over,
  };
}

describe('figuresForScope', () => {
  const f = figuresForScope(raw(), { kind: 'units', unitIds: [11, 13] }, [11, 13]);

  it('keeps only the branches in scope, in organisation order, with their counts', () => {
    expect(f.branches.map((b) => [b.name, b.monthTotal, b.monthDone, b.overdue, b.dueSoon, b.drillOmitted])).toEqual([
      ['第一党支部', 30, 12, 5, 4, 2],
      ['第三党支部', 18, 3, 0, 3, 0],
    ]);
    expect(f.branches[0]!.oldestOverdue).toEqual({ itemId: 7, title: '学习全会公报', due: '2026-10-31' });
    expect(f.totals).toEqual({ branches: 2, members: 16, monthTotal: 48, monthDone: 15, overdue: 5, overdueBranches: 1, dueSoon: 7 });
  });

  it('sums due-soon items over the branches in scope, soonest first', () => {
    expect(f.dueSoon).toEqual([
      { itemId: 20, title: '观看党课', due: '2026-11-05', open: 6, branchIds: [11, 13] },
      { itemId: 21, title: '主题党日方案', due: '2026-11-09', open: 1, branchIds: [13] },
    ]);
  });

  it('shows rounds touching the scope that still wait for sheets, with the scorers of the scope', () => {
    expect(f.scoring).toEqual([
      { roundId: 1, title: '2026年第四季度', closesAt: '2026-11-10T10:00:00.000Z', expected: 6, submitted: 3, pendingScorers: 3, pendingScorersInScope: 1, branchIds: [11, 13] },
    ]);
    expect(f.cadence.map((c) => c.branchName)).toEqual(['第三党支部']);
  });

  it('builds the month trend cumulatively, counting work done before the 1st on the 1st', () => {
    expect(f.trend).toEqual([
      { date: '2026-11-01', due: 0, done: 5 },
      { date: '2026-11-02', due: 0, done: 5 },
      { date: '2026-11-03', due: 10, done: 13 },
      { date: '2026-11-04', due: 28, done: 15 },
    ]);
    expect(f.trend.at(-1)!.done).toBe(f.totals.monthDone);
  });

  it('sums dimensions in configured order, zero where nothing is tagged', () => {
    expect(f.dimensions).toEqual([
      { name: '政治型', total: 4, done: 2, overdue: 1 },
      { name: '服务型', total: 3, done: 1, overdue: 2 },
    ]);
    expect(f.drill.map((d) => [d.branchId, d.itemId])).toEqual([[11, 7], [13, 21]]);
  });

  it('the whole agency sees every branch', () => {
    const all = figuresForScope(raw(), { kind: 'agency' }, [11, 12, 13]);
    expect(all.totals).toMatchObject({ branches: 3, monthTotal: 72, monthDone: 39, overdue: 6, overdueBranches: 2 });
    expect(all.scoring.map((s) => s.roundId)).toEqual([1, 2]);
  });
});
