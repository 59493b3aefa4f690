import { describe, expect, it } from 'vitest';
import { validateScheme } from '../../../src/domain/scoring/scheme.js';
import { computeSheet, sheetTotal, validateSheet } from '../../../src/domain/scoring/sheet.js';
import type { Scheme, SheetEntry } from '../../../src/domain/scoring/types.js';
import { ValidationError } from '../../../src/errors.js';
import { fiveTypesScheme, fullMarks } from './helpers.js';

const scheme = fiveTypesScheme();

describe('validateSheet: one exact message per problem', () => {
  const cases: { name: string; entries: SheetEntry[]; errors: string[] }[] = [
    { name: 'full marks', entries: fullMarks(), errors: [] },
    { name: 'optional items left empty', entries: fullMarks({ '2.3': null, '4.4': null }), errors: [] },
    { name: 'a zero deduction needs no reason', entries: fullMarks({ '1.4': 0 }), errors: [] },
    { name: 'unknown item', entries: [...fullMarks(), { itemId: '9.9', points: 1 }], errors: ['评分项目“9.9”不在计分方案中'] },
    { name: 'item twice', entries: [...fullMarks(), { itemId: '1.1', points: 1 }], errors: ['政治型“理论武装”填写了多次'] },
    { name: 'not a number', entries: fullMarks({ '1.1': Number.NaN }), errors: ['政治型“理论武装”的得分不是有效数字'] },
    { name: 'three decimals', entries: fullMarks({ '1.1': 7.555 }), errors: ['政治型“理论武装”的得分最多保留两位小数（填写了7.555）'] },
    { name: 'above the item max', entries: fullMarks({ '1.1': 9 }), errors: ['政治型“理论武装”得分须在0到8分之间（填写了9）'] },
    { name: 'negative points', entries: fullMarks({ '1.1': -1 }), errors: ['政治型“理论武装”得分须在0到8分之间（填写了-1）'] },
    { name: 'deduction above its max', entries: fullMarks({ '1.4': [8, '缺两次'] }), errors: ['政治型“三会一课未按期召开”扣分须在0到6分之间（填写了8）'] },
    { name: 'required item missing', entries: fullMarks({ '3.1': null }), errors: ['实干型“工作清单任务完成”为必评项目，尚未打分'] },
    { name: 'required deduction missing', entries: fullMarks({ '5.1': null }), errors: ['廉洁型“违反中央八项规定精神问题”为必评项目，尚未打分'] },
    { name: 'deduction without a reason', entries: fullMarks({ '1.4': 4 }), errors: ['政治型“三会一课未按期召开”扣4分，须填写扣分理由'] },
    { name: 'deduction with a blank reason', entries: fullMarks({ '3.3': [1.5, ' \u3000'] }), errors: ['实干型“任务逾期未完成”扣1.5分，须填写扣分理由'] },
    {
      name: 'every problem at once',
      entries: fullMarks({ '1.1': 9, '1.4': 2, '2.1': null }),
      errors: ['政治型“理论武装”得分须在0到8分之间（填写了9）', '政治型“三会一课未按期召开”扣2分，须填写扣分理由', '学习型“必学清单完成情况”为必评项目，尚未打分'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(validateSheet(scheme, c.entries).map((p) => p.message)).toEqual(c.errors);
    });
  }

  it('sheetTotal refuses an invalid sheet with every problem as details', () => {
    const entries = fullMarks({ '1.1': 9, '1.4': 2 });
    expect(() => sheetTotal(scheme, entries)).toThrow(ValidationError);
    try {
      sheetTotal(scheme, entries);
    } catch (e) {
      expect((e as ValidationError).message).toBe('评分表有误（2处）');
      expect((e as ValidationError).details).toEqual([
        { itemId: '1.1', message: '政治型“理论武装”得分须在0到8分之间（填写了9）' },
        { itemId: '1.4', message: '政治型“三会一课未按期召开”扣2分，须填写扣分理由' },
      ]);
    }
  });
});

describe('sheetTotal: category caps (five-型 scheme, full marks = 100)', () => {
  const scores = (entries: SheetEntry[]): Record<string, number> =>
    Object.fromEntries(sheetTotal(scheme, entries).categories.map((c) => [c.name, c.score]));
  const cases: { name: string; changes: Parameters<typeof fullMarks>[0]; total: number; category: [string, number] }[] = [
    { name: 'full marks', changes: {}, total: 100, category: ['政治型', 20] },
    { name: 'optional item empty counts 0', changes: { '2.3': null }, total: 94, category: ['学习型', 14] }, // 8 + 6 + 0
    { name: 'a deduction', changes: { '1.4': [6, '三次未开'] }, total: 94, category: ['政治型', 14] }, // 20 − 6
    { name: 'halves', changes: { '1.1': 7.5, '1.4': [0.5, '记录不全'] }, total: 99, category: ['政治型', 19] }, // 7.5+7+5−0.5
    // 实干型: 3 + 1 − 5 = −1 → 扣完为止 → 0; total 100 − 20
    { name: 'deduction floor at 0', changes: { '3.1': 3, '3.2': 1, '3.3': [5, '逾期5项'] }, total: 80, category: ['实干型', 0] },
    // 文明型: 8 + 6 + 6 + 4 = 24 → 加分上限 20
    { name: 'bonus cap', changes: { '4.4': 4 }, total: 100, category: ['文明型', 20] },
    // 文明型: 2 + 6 + 6 + 4 = 18, under the cap
    { name: 'bonus item under the cap', changes: { '4.1': 2, '4.4': 4 }, total: 98, category: ['文明型', 18] },
    // 廉洁型 (扣分制, starts at 20): 20 + 4 = 24 → 扣分上限 20 → 0
    { name: 'deduction-only category from its base, capped', changes: { '5.1': [20, '两起'], '5.2': [4, '全年未开展'] }, total: 80, category: ['廉洁型', 0] },
    { name: 'deduction-only category, one deduction', changes: { '5.2': [1, '一季度未开展'] }, total: 99, category: ['廉洁型', 19] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const entries = fullMarks(c.changes);
      expect(sheetTotal(scheme, entries).total).toBe(c.total);
      expect(scores(entries)[c.category[0]]).toBe(c.category[1]);
    });
  }

  it('gives the whole breakdown', () => {
    const result = sheetTotal(scheme, fullMarks({ '3.1': 3, '3.2': 1, '3.3': [5, '逾期5项'], '4.4': 4, '5.2': [1, '一季度未开展'] }));
    expect(result.total).toBe(79); // 20 + 20 + 0 + 20 + 19
    expect(result.totalCents).toBe(7900);
    expect(result.categories).toEqual([
      { categoryId: '1', name: '政治型', max: 20, base: 0, plusEntered: 20, plus: 20, deductionEntered: 0, deduction: 0, flooredAtZero: false, score: 20 },
      { categoryId: '2', name: '学习型', max: 20, base: 0, plusEntered: 20, plus: 20, deductionEntered: 0, deduction: 0, flooredAtZero: false, score: 20 },
      { categoryId: '3', name: '实干型', max: 20, base: 0, plusEntered: 4, plus: 4, deductionEntered: 5, deduction: 5, flooredAtZero: true, score: 0 },
      { categoryId: '4', name: '文明型', max: 20, base: 0, plusEntered: 24, plus: 20, deductionEntered: 0, deduction: 0, flooredAtZero: false, score: 20 },
      { categoryId: '5', name: '廉洁型', max: 20, base: 20, plusEntered: 0, plus: 0, deductionEntered: 1, deduction: 1, flooredAtZero: false, score: 19 },
    ]);
  });

  it('a deduction cap below the deductions, and the floor without a cap', () => {
    const r = validateScheme({
      categories: [
        { name: '组织建设', deductionCap: 5, items: [{ id: 'a', name: '班子', max: 10 }, { id: 'b', name: '缺会', kind: '扣分', max: 4 }, { id: 'c', name: '缺台账', kind: '扣分', max: 4 }] },
        { name: '三会一课', items: [{ id: 'd', name: '按期召开', max: 5 }, { id: 'e', name: '未开', kind: '扣分', max: 10 }] },
      ],
    });
    const custom: Scheme = r.scheme!;
    const total = computeSheet(custom, [
      { itemId: 'a', points: 10 },
      { itemId: 'b', points: 4, reason: 'x' },
      { itemId: 'c', points: 4, reason: 'y' },
      { itemId: 'd', points: 2 },
      { itemId: 'e', points: 6, reason: 'z' },
    ]);
    // 组织建设: 10 − min(8, 5) = 5; 三会一课: 2 − 6 = −4 → 0
    expect(total.categories.map((c) => [c.deduction, c.score, c.flooredAtZero])).toEqual([[5, 5, false], [6, 0, true]]);
    expect(total.total).toBe(5);
  });
});
