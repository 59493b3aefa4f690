import { describe, expect, it } from 'vitest';
import { buildDigestCard } from '../../../cards/builders/digest.js';
import { diffFigures } from '../../../src/domain/digest/changes.js';
import { digestCard } from '../../../src/domain/digest/compute.js';
import { dayLabel, digestContent, periodLabel } from '../../../src/domain/digest/content.js';
import { branchesInScope, dueSoonUntil, scopeLabel, scopeOf } from '../../../src/domain/digest/scope.js';
import type { DigestUnit } from '../../../src/domain/digest/raw.js';
import { DIGEST_FIGURES_VERSION, type BranchFigures, type DigestFigures } from '../../../src/domain/digest/types.js';

const TZ = 'Asia/Shanghai';

function branch(id: number, over: Partial<BranchFigures> = {}): BranchFigures {
  return { branchId: id, name: `第${id}党支部`, members: 10, monthTotal: 10, monthDone: 10, overdue: 0, overdueItems: 0, oldestOverdue: null, dueSoon: 0, drillOmitted: 0, ...over };
}

function figures(over: Partial<DigestFigures> = {}): DigestFigures {
  const branches = over.branches ?? [branch(1), branch(2)];
  const sum = (f: (b: BranchFigures) => number) => branches.reduce((n, b) => n + f(b), 0);
  return {
    version: DIGEST_FIGURES_VERSION, date: '2026-11-18', month: '2026-11', dueSoonUntil: '2026-11-23', computedAt: '2026-11-18T00:30:00.000Z',
    scope: { kind: 'agency' },
    totals: { branches: branches.length, members: sum((b) => b.members), monthTotal: sum((b) => b.monthTotal), monthDone: sum((b) => b.monthDone), overdue: sum((b) => b.overdue), overdueBranches: branches.filter((b) => b.overdue > 0).length, dueSoon: sum((b) => b.dueSoon) },
    branches, dueSoon: [], cadence: [], scoring: [], trend: [], dimensions: [], drill: [],
    ...over,
  };
}

describe('digest content', () => {
  it('a day with nothing to report is quiet: one line, or no card for a leader who opted out', () => {
    const f = figures();
    const c = digestContent(f, null, TZ);
    expect(c).toMatchObject({ quiet: true, attention: 0, exceptions: [] });
    const { card } = digestCard({ key: 'digest:2026-11-18:7', figures: f, previous: undefined, timezone: TZ, detailUrl: 'https://h5.test/h5/digest?t=x&d=2026-11-18', skipQuietDays: false });
    expect(card!.header.title).toBe('今日简报 11月18日（周三）：一切正常');
    expect(card!.blocks).toEqual([]);
    expect(digestCard({ key: 'k', figures: f, previous: undefined, timezone: TZ, detailUrl: 'https://h5.test/x', skipQuietDays: true }).card).toBeNull();
  });

  it('puts exceptions first: overdue by branch (most first, with the oldest), due soon, cadence, scoring', () => {
    const f = figures({
      branches: [
        branch(1, { overdue: 2, overdueItems: 1, oldestOverdue: { itemId: 5, title: '学习全会公报', due: '2026-10-31' }, monthDone: 8 }),
        branch(2, { overdue: 12, overdueItems: 3, oldestOverdue: { itemId: 6, title: '撰写调研报告', due: '2026-09-30' } }),
      ],
      dueSoon: [{ itemId: 9, title: '观看专题党课', due: '2026-11-20', open: 7, branchIds: [1, 2] }],
      cadence: [
        { branchId: 1, branchName: '第1党支部', kind: 'branch_committee', meeting: '支部委员会', period: '2026-10', periodEnd: '2026-10-31' },
        { branchId: 2, branchName: '第2党支部', kind: 'branch_committee', meeting: '支部委员会', period: '2026-10', periodEnd: '2026-10-31' },
        { branchId: 2, branchName: '第2党支部', kind: 'party_lecture', meeting: '党课', period: '2026-Q3', periodEnd: '2026-09-30' },
      ],
      scoring: [{ roundId: 3, title: '2026年第四季度', closesAt: '2026-11-25T10:00:00.000Z', expected: 90, submitted: 45, pendingScorers: 3, pendingScorersInScope: 0, branchIds: [1, 2] }],
    });
    const c = digestContent(f, null, TZ);
    expect(c.quiet).toBe(false);
    expect(c.attention).toBe(2 + 1 + 3 + 1);
    expect(c.exceptions).toEqual([
      '第2党支部：逾期 12 项（涉及 3 个事项），最早“撰写调研报告”（9月30日到期）',
      '第1党支部：逾期 2 项，最早“学习全会公报”（10月31日到期）',
      '即将到期：“观看专题党课”11月20日到期，尚有 7 项未完成（2 个支部）',
      '组织生活：10月支部委员会未登记召开（第1党支部、第2党支部）',
      '组织生活：2026年第三季度党课未登记召开（第2党支部）',
      '互观互检“2026年第四季度”：已交 45/90 份，3 位评分人未交完（11月25日截止）',
    ]);
    expect(c.branchLines).toEqual(['第1党支部：本月完成 8/10（80%）', '第2党支部：本月完成 10/10（100%）']);
    expect(c.summary).toBe('合计：本月完成 18/20（90%）');
  });

  it('caps long lists for the card and says how many more there are', () => {
    const many = Array.from({ length: 12 }, (_, i) => branch(i + 1, { overdue: i + 1, overdueItems: 1, monthTotal: 10, monthDone: i % 10 }));
    const c = digestContent(figures({ branches: many }), null, TZ);
    expect(c.exceptions).toHaveLength(6);
    expect(c.exceptions[0]).toMatch(/^第12党支部：逾期 12 项/);
    expect(c.exceptions[5]).toBe('另有 7 个支部有逾期事项，见详情');
    // Beyond eight branches, the card lists the ones furthest behind; the page has all of them.
    expect(c.branchHeading).toBe('本月完成率较低的 8 个支部（共 12 个，全部见详情）');
    expect(c.branchLines.slice(0, 3)).toEqual(['第1党支部：本月完成 0/10（0%）', '第11党支部：本月完成 0/10（0%）', '第2党支部：本月完成 1/10（10%）']);
  });

  it('says what changed since the previous figures', () => {
    const prev = figures({
      date: '2026-11-17',
      branches: [branch(1, { overdue: 5, monthDone: 4 }), branch(2, { overdue: 1, monthDone: 6 })],
      cadence: [{ branchId: 2, branchName: '第2党支部', kind: 'branch_committee', meeting: '支部委员会', period: '2026-10', periodEnd: '2026-10-31' }],
      scoring: [{ roundId: 3, title: '第四季度', closesAt: '2026-11-25T10:00:00.000Z', expected: 90, submitted: 40, pendingScorers: 4, pendingScorersInScope: 0, branchIds: [1, 2] }],
    });
    const cur = figures({
      branches: [branch(1, { overdue: 2, monthDone: 9 }), branch(2, { overdue: 1, monthDone: 6 })],
      scoring: [{ roundId: 3, title: '第四季度', closesAt: '2026-11-25T10:00:00.000Z', expected: 90, submitted: 45, pendingScorers: 3, pendingScorersInScope: 0, branchIds: [1, 2] }],
    });
    const d = diffFigures(prev, cur);
    expect(d).toMatchObject({ since: '2026-11-17', newlyDone: 5, overdueBefore: 6, overdueNow: 3, scoringSubmitted: [{ roundId: 3, sheets: 5 }] });
    expect(d.cadenceClosed.map((g) => g.branchName)).toEqual(['第2党支部']);
    expect(digestContent(cur, d, TZ).changes).toEqual(['较11月17日：本月新完成 5 项；逾期 6 → 3 项（第1党支部 −3）', '第2党支部已登记10月支部委员会', '互观互检“第四季度”新交 5 份']);
    // Across a month boundary the month figures are not comparable, and vanished gaps are not "closed".
    const nextMonth = diffFigures(prev, { ...cur, date: '2026-12-01', month: '2026-12' });
    expect(nextMonth.newlyDone).toBeNull();
    expect(nextMonth.cadenceClosed).toEqual([]);
  });

  it('labels dates and periods in Chinese', () => {
    expect(dayLabel('2026-11-22')).toBe('11月22日（周日）');
    expect(periodLabel('2026-10')).toBe('10月');
    expect(periodLabel('2026-Q4')).toBe('2026年第四季度');
    expect(periodLabel('2025')).toBe('2025年度');
  });

  it('the card builder lays content out with the detail link, exceptions first', () => {
    const card = buildDigestCard({
      key: 'digest:2026-11-18:7', date: '11月18日（周三）', scope: '分管：第二党支部', quiet: false, attention: 1,
      exceptions: ['第二党支部：逾期 2 项'], branchHeading: '本月完成情况', branchLines: ['第二党支部：本月完成 3/4（75%）'], summary: '合计：本月完成 3/4（75%）',
      changes: ['较11月17日：逾期 1 → 2 项'], detailUrl: 'https://h5.test/h5/digest?t=abc&d=2026-11-18',
    });
    expect(card.kind).toBe('leader-digest');
    expect(card.fallbackText.split('\n')).toEqual([
      '【机关党委】今日简报 11月18日（周三）', '分管：第二党支部', '1 项需关注', '! 第二党支部：逾期 2 项', '本月完成情况：', '第二党支部：本月完成 3/4（75%）',
      '合计：本月完成 3/4（75%）', '较11月17日：逾期 1 → 2 项', '查看详情与图表：https://h5.test/h5/digest?t=abc&d=2026-11-18',
    ]);
  });
});

describe('digest scope', () => {
  const units: DigestUnit[] = [
    { id: 1, kind: 'committee', parentId: null, name: '机关党委' },
    { id: 2, kind: 'branch', parentId: 1, name: '第一党支部' },
    { id: 3, kind: 'branch', parentId: 1, name: '第二党支部' },
    { id: 4, kind: 'group', parentId: 3, name: '第一党小组' },
    { id: 5, kind: 'branch', parentId: 1, name: '第三党支部' },
  ];

  it('no 分管范围, a row without a unit or the 机关党委 itself is the whole agency', () => {
    for (const rows of [[], [null], [1], [3, 1]]) expect(scopeOf(rows, units)).toEqual({ kind: 'agency' });
    expect(branchesInScope({ kind: 'agency' }, units)).toEqual([2, 3, 5]);
  });

  it('branches named are the scope; a 党小组 alone opens no branch', () => {
    expect(scopeOf([5, 3, 3], units)).toEqual({ kind: 'units', unitIds: [3, 5] });
    expect(branchesInScope({ kind: 'units', unitIds: [3, 5] }, units)).toEqual([3, 5]);
    expect(branchesInScope({ kind: 'units', unitIds: [4] }, units)).toEqual([]);
    expect(scopeLabel({ kind: 'units', unitIds: [4] }, [])).toBe('分管范围内没有党支部');
    expect(scopeLabel({ kind: 'units', unitIds: [3, 5] }, ['第二党支部', '第三党支部'])).toBe('分管：第二党支部、第三党支部');
  });

  it('"due soon" runs to the third working day after today, over weekends and holidays', () => {
    const weekdays = (d: string) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
    expect(dueSoonUntil('2026-11-18', weekdays)).toBe('2026-11-23'); // Wed → Thu, Fri, Mon
    const holiday = (d: string) => weekdays(d) && !['2026-10-01', '2026-10-02', '2026-10-05'].includes(d);
    expect(dueSoonUntil('2026-09-30', holiday)).toBe('2026-10-08');
  });
});
