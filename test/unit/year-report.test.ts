import { describe, expect, it } from 'vitest';
import { cadenceLines, cadenceTotals, currentLabel, missingLabel } from '../../src/domain/reports/cadence-kept.js';
import { itemStatus, percent } from '../../src/domain/reports/figures.js';
import { pointsText, sheetTotal } from '../../src/domain/reports/ledger.js';
import { reportPeriod } from '../../src/domain/reports/period.js';
import { MAX_SHEET_NAME, safeSheetName, uniqueSheetNames } from '../../src/domain/reports/sheet-names.js';
import type { ItemFigureRow, YearReportInput } from '../../src/domain/reports/types.js';
import { buildYearReport } from '../../src/domain/reports/year-report.js';
import { DEFAULT_SETTINGS } from '../../src/domain/reminders/settings.js';
import type { Scheme } from '../../src/domain/scoring/types.js';

describe('report periods', () => {
  it.each([
    ['midyear', '2026-11-23', { from: '2026-01-01', end: '2026-06-30', asOf: '2026-06-30', cutoff: '2026-07-01', capped: false, notStarted: false }],
    ['midyear', '2026-03-15', { asOf: '2026-03-15', cutoff: '2026-03-16', capped: true }],
    ['yearend', '2026-11-23', { end: '2026-12-31', asOf: '2026-11-23', cutoff: '2026-11-24', capped: true }],
    ['yearend', '2027-01-05', { asOf: '2026-12-31', cutoff: '2027-01-01', capped: false }],
    ['yearend', '2025-12-01', { asOf: '2025-12-31', cutoff: '2026-01-01', notStarted: true }],
  ] as const)('%s seen on %s', (kind, today, expected) => {
    expect(reportPeriod(kind, 2026, today)).toMatchObject(expected);
  });

  it('refuses years out of range', () => {
    expect(() => reportPeriod('midyear', 1999, '2026-01-01')).toThrow('年份须为 2000–2100 的整数');
  });
});

describe('sheet names', () => {
  it.each([
    ['第一党支部（办公室）', '第一党支部（办公室）'],
    ['财务/审计[联合]党支部: 一*二?', '财务_审计_联合_党支部_ 一_二_'],
    ["'引号'", '引号'],
    ['History', 'History_'],
    ['', 'Sheet'],
    ['某某厅机关党委第一党支部（办公室、政策法规处、规划财务处联合）临时党支部', '某某厅机关党委第一党支部（办公室、政策法规处、规划财务处联合）'],
  ])('%s → %s', (name, safe) => {
    expect(safeSheetName(name)).toBe(safe);
    expect(safeSheetName(name).length).toBeLessThanOrEqual(MAX_SHEET_NAME);
  });

  it('are unique ignoring case, within 31 characters, and never take a reserved name', () => {
    const long = '某'.repeat(40);
    expect(uniqueSheetNames(['汇总', 'a', 'A', long, long, `${long}x`], ['汇总'])).toEqual([
      '汇总(2)', 'a', 'A(2)', '某'.repeat(31), `${'某'.repeat(28)}(2)`, `${'某'.repeat(28)}(3)`,
    ]);
  });
});

describe('组织生活 cadence', () => {
  const meetings = [
    { branchId: 1, kind: 'branch_committee', heldOn: '2026-01-12' },
    { branchId: 1, kind: 'branch_committee', heldOn: '2026-01-28' },
    { branchId: 1, kind: 'branch_committee', heldOn: '2026-03-03' },
    { branchId: 1, kind: 'general_assembly', heldOn: '2026-05-10' },
    { branchId: 1, kind: 'group_meeting', heldOn: '2026-02-02' },
    { branchId: 1, kind: 'life_meeting', heldOn: '2026-04-01' },
  ];

  it('counts finished periods with a meeting, lists the missing ones, shows the running period apart', () => {
    const lines = cadenceLines(reportPeriod('midyear', 2026, '2026-04-20'), DEFAULT_SETTINGS.cadence, false, meetings);
    const bc = lines.find((l) => l.kind === 'branch_committee')!;
    expect(bc).toMatchObject({ cadence: 'monthly', expected: 3, kept: 2, held: 3, missing: ['2026-02'], current: { key: '2026-04', held: false } });
    expect(missingLabel(bc)).toBe('2月');
    expect(currentLabel(bc)).toBe('本月尚未召开');
    expect(lines.find((l) => l.kind === 'general_assembly')).toMatchObject({ expected: 1, kept: 0, missing: ['2026-Q1'], current: { key: '2026-Q2', held: false } });
    expect(lines.find((l) => l.kind === 'life_meeting')).toMatchObject({ expected: 0, held: 1, current: { key: '2026', held: true } });
    // No 党小组 in the branch: not required, but a recorded one is still shown.
    expect(lines.find((l) => l.kind === 'group_meeting')).toMatchObject({ cadence: 'off', expected: 0, held: 1 });
    expect(cadenceTotals(lines)).toEqual({ expected: 3 + 1 + 1 + 3, kept: 2 + 0 + 0 + 0, rate: 0.25 });
  });

  it('a meeting kind switched off is left out; a year not begun expects nothing', () => {
    const off = { ...DEFAULT_SETTINGS.cadence, theme_day: 'off' as const };
    expect(cadenceLines(reportPeriod('yearend', 2026, '2026-12-31'), off, true, []).map((l) => l.kind)).not.toContain('theme_day');
    const future = cadenceLines(reportPeriod('yearend', 2027, '2026-12-31'), DEFAULT_SETTINGS.cadence, true, []);
    expect(future.every((l) => l.expected === 0 && l.current === null)).toBe(true);
  });
});

describe('item states', () => {
  const row = (over: Partial<ItemFigureRow>): ItemFigureRow => ({
    branchId: 1, itemId: 1, assignee: 'unit', planned: 1, done: 0, doneLate: 0, overdue: 0, dueByCutoff: 0, extended: 0, withEvidence: 0,
    dueMin: '2026-06-30', dueMax: '2026-06-30', lastDoneAt: null, evidence: null, source: null, ...over,
  });
  it.each([
    ['已完成', row({ done: 1 })],
    ['逾期完成', row({ done: 1, doneLate: 1 })],
    ['逾期未完成', row({ overdue: 1 })],
    ['未到期', row({})],
    ['未到期（已延期）', row({ extended: 1 })],
    ['3/9人完成，逾期完成1人，逾期未完成6人', row({ assignee: 'person', planned: 9, done: 3, doneLate: 1, overdue: 6 })],
  ] as const)('%s', (text, r) => expect(itemStatus(r)).toBe(text));

  it('percentages', () => {
    expect([percent(null), percent(0), percent(0.5), percent(0.0563), percent(1)]).toEqual(['—', '0%', '50%', '5.6%', '100%']);
  });
});

describe('building the report', () => {
  const input = (): YearReportInput => ({
    period: reportPeriod('yearend', 2026, '2026-11-23'),
    generatedAt: '2026-11-23T02:00:00.000Z',
    agency: '某某厅机关党委',
    scopeLabel: '全部党支部',
    branches: [
      { id: 1, name: '第一党支部', active: true, hasGroups: false, members: 3 },
      { id: 2, name: '第二党支部', active: false, hasGroups: false, members: 0 },
      { id: 3, name: '第三党支部', active: false, hasGroups: false, members: 0 },
    ],
    dimensionNames: ['政治型', '服务型'],
    items: [
      { id: 10, title: '甲', path: '一、/1.', listKind: 'work', dimensions: ['政治型', '服务型'], dueDate: '2026-06-30', source: '要点' },
      { id: 11, title: '乙', path: '必学1', listKind: 'must_study', dimensions: [], dueDate: '2026-01-31', source: '主题' },
    ],
    figures: [
      { branchId: 1, itemId: 11, assignee: 'person', planned: 3, done: 2, doneLate: 1, overdue: 1, dueByCutoff: 3, extended: 0, withEvidence: 1, dueMin: '2026-01-31', dueMax: '2026-01-31', lastDoneAt: null, evidence: null, source: null },
      { branchId: 1, itemId: 10, assignee: 'unit', planned: 1, done: 1, doneLate: 0, overdue: 0, dueByCutoff: 1, extended: 0, withEvidence: 1, dueMin: '2026-06-30', dueMax: '2026-06-30', lastDoneAt: '2026-06-01T10:00:00', evidence: '材料', source: 'text' },
      { branchId: 2, itemId: 10, assignee: 'unit', planned: 1, done: 0, doneLate: 0, overdue: 1, dueByCutoff: 1, extended: 0, withEvidence: 0, dueMin: '2026-06-30', dueMax: '2026-06-30', lastDoneAt: null, evidence: null, source: null },
    ],
    meetings: [],
    cadenceOf: () => DEFAULT_SETTINGS.cadence,
    rounds: [{ id: 7, title: '上半年', opensOn: '2026-04-01', publishedOn: '2026-04-20', branches: [{ branchId: 1, total: 91.5, totalText: '91.5', stars: 4, starLabel: '四星', classLabel: '先进' }] }],
  });

  it('orders items as the plan does, sums branches and dimensions, keeps inactive branches only with data', () => {
    const r = buildYearReport(input());
    expect(r.title).toBe('2026年年底交账');
    expect(r.branches.map((b) => b.name)).toEqual(['第一党支部', '第二党支部']);
    expect(r.branches[0]!.items.map((l) => l.item.title)).toEqual(['甲', '乙']);
    expect(r.totals).toEqual({ planned: 5, dueByNow: 5, done: 3, doneLate: 1, overdue: 2, openNotDue: 0, completionRate: 0.6, dueCompletionRate: 0.6 });
    expect(r.dimensions.map((d) => [d.name, d.figures.planned, d.figures.done])).toEqual([['政治型', 2, 1], ['服务型', 2, 1], ['未标注维度', 3, 2]]);
    expect(r.branches[0]!.scoring).toEqual([expect.objectContaining({ roundId: 7, title: '上半年', starLabel: '四星', classLabel: '先进', totalText: '91.5' })]);
    expect(r.branches[1]!.scoring).toEqual([]);
    expect(r.members).toBe(3);
  });
});

describe('ledger points text', () => {
  const scheme: Scheme = {
    name: '简表', total: 20,
    categories: [{ id: '1', name: '政治型', max: 20, deductionCap: null, bonusCap: null, items: [
      { id: '1.1', name: '理论武装', kind: 'plus', max: 10, description: '', required: true },
      { id: '1.2', name: '三会一课', kind: 'minus', max: 6, description: '', required: false },
      { id: '1.3', name: '品牌', kind: 'plus', max: 10, description: '', required: false },
    ] }],
  };
  it('scheme order, deductions signed, empty items left out, unknown items kept', () => {
    expect(pointsText(scheme, [{ itemId: '1.2', points: 2, reason: ' 10月未开 ' }, { itemId: '1.1', points: 8.5 }, { itemId: '1.3', points: null }, { itemId: '9.9', points: 1 }]))
      .toBe('1.1:8.5；1.2:-2（10月未开）；9.9:1');
    expect(pointsText(null, [])).toBe('');
  });
  it('a draft totals what it holds; a submitted sheet its recorded total', () => {
    expect(sheetTotal(scheme, null, [{ itemId: '1.1', points: 8 }, { itemId: '1.3', points: 5 }, { itemId: '1.2', points: 2 }])).toBe(11);
    expect(sheetTotal(scheme, 1234, [])).toBe(12.34);
    expect(sheetTotal(null, null, [])).toBeNull();
  });
});
