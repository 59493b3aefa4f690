import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemeFromRows } from '../../../src/domain/scoring/scheme-rows.js';
import { requireScheme, schemeFromJson, validateScheme } from '../../../src/domain/scoring/scheme.js';
import type { RawRow } from '../../../src/domain/org/types.js';
import { ValidationError } from '../../../src/errors.js';
import { parseCsvTable } from '../../../src/importers/read-table-file.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/scoring');
const readFixture = (name: string): string => readFileSync(resolve(FIXTURES, name), 'utf8');

/** A valid two-category scheme as JSON; tests break one thing at a time. */
function good(): { name: string; categories: Record<string, unknown>[] } {
  return {
    name: '测试评分表',
    categories: [
      {
        name: '政治型', max: 20, deductionCap: 6,
        items: [
          { name: '理论武装', kind: 'plus', max: 12, required: true },
          { name: '政治建设', kind: '加分', max: 8 },
          { name: '三会一课未按期召开', kind: '扣分', max: 6, description: '每次扣2分，最多扣6分' },
        ],
      },
      { name: '廉洁型', max: 10, items: [{ name: '违纪问题', kind: 'minus', max: 10 }] },
    ],
  };
}

function messages(raw: unknown): string[] {
  const r = validateScheme(raw);
  return r.problems.map((p) => p.message);
}

describe('scheme fixtures (five 型, 16 items, total 100)', () => {
  it('the CSV template and the JSON give the same scheme', () => {
    const table = parseCsvTable(readFixture('scheme-five-types.csv'));
    const fromRows = schemeFromRows(table.rows, { name: '2026年度五型模范机关互观互检评分表', headers: table.headers });
    const fromJson = schemeFromJson(readFixture('scheme-five-types.json'));
    expect(fromRows.problems).toEqual([]);
    expect(fromJson.problems).toEqual([]);
    expect(fromRows).toEqual(fromJson);
    const scheme = requireScheme(fromJson);
    expect(scheme.total).toBe(100);
    expect(scheme.categories.map((c) => [c.name, c.max, c.deductionCap, c.bonusCap, c.items.length])).toEqual([
      ['政治型', 20, 6, null, 4],
      ['学习型', 20, null, null, 3],
      ['实干型', 20, 5, null, 3],
      ['文明型', 20, null, 20, 4],
      ['廉洁型', 20, 20, null, 2],
    ]);
    expect(scheme.categories[0]!.items[3]).toEqual({
      id: '1.4', name: '三会一课未按期召开', kind: 'minus', max: 6, description: '三会一课未按期召开，每次扣2分，最多扣6分', required: true,
    });
  });
});

describe('validateScheme: a good scheme', () => {
  it('derives ids, defaults and the total', () => {
    const r = validateScheme(good());
    expect(r.ok).toBe(true);
    expect(r.scheme).toEqual({
      name: '测试评分表',
      total: 30,
      categories: [
        {
          id: '1', name: '政治型', max: 20, deductionCap: 6, bonusCap: null,
          items: [
            { id: '1.1', name: '理论武装', kind: 'plus', max: 12, description: '', required: true },
            { id: '1.2', name: '政治建设', kind: 'plus', max: 8, description: '', required: false },
            { id: '1.3', name: '三会一课未按期召开', kind: 'minus', max: 6, description: '每次扣2分，最多扣6分', required: false },
          ],
        },
        { id: '2', name: '廉洁型', max: 10, deductionCap: null, bonusCap: null, items: [{ id: '2.1', name: '违纪问题', kind: 'minus', max: 10, description: '', required: false }] },
      ],
    });
  });

  it('reads numbers written as text ("２０分", "0.5") and derives an empty 类别满分', () => {
    const raw = good();
    raw.categories[0] = { name: '政治型', max: '２０分', items: [{ name: 'a', max: '19.5' }, { name: 'b', max: '0.5' }] };
    expect(validateScheme(raw).scheme?.categories[0]?.max).toBe(20);
    raw.categories[0] = { name: '政治型', items: [{ name: 'a', max: 7 }, { name: 'b', max: 5 }] };
    expect(validateScheme(raw).scheme?.categories[0]?.max).toBe(12); // 7 + 5
  });

  it('requireScheme throws a ValidationError carrying every problem', () => {
    const r = validateScheme({ categories: [{ name: '', items: [] }] });
    expect(() => requireScheme(r)).toThrow(ValidationError);
    expect(() => requireScheme(r)).toThrow('计分方案有误（2处）');
  });
});

describe('validateScheme: one exact message per problem', () => {
  type Edit = (s: ReturnType<typeof good>) => unknown;
  const cat0 = (s: ReturnType<typeof good>): Record<string, unknown> => s.categories[0]!;
  const item = (s: ReturnType<typeof good>, i: number): Record<string, unknown> => (cat0(s).items as Record<string, unknown>[])[i]!;
  const cases: { name: string; edit: Edit; errors: string[] }[] = [
    { name: 'not an object', edit: () => [], errors: ['计分方案必须是一个对象，包含类别列表 categories'] },
    { name: 'no categories', edit: () => ({ categories: [] }), errors: ['计分方案没有任何类别'] },
    { name: 'category not an object', edit: (s) => ({ categories: [...s.categories, 'x'] }), errors: ['第3个类别不是对象'] },
    { name: 'empty category name', edit: (s) => void (cat0(s).name = ' '), errors: ['第1个类别：类别名称为空'] },
    { name: 'long category name', edit: (s) => void (cat0(s).name = '政'.repeat(101)), errors: ['第1个类别：类别名称过长（最多100个字）'] },
    {
      name: 'duplicate category',
      edit: (s) => void (s.categories[1]!.name = '政治型'),
      errors: ['第2个类别：类别名称“政治型”重复（已在第1个类别出现）'],
    },
    { name: 'bad 类别满分', edit: (s) => void (cat0(s).max = '二十'), errors: ['第1个类别：类别满分“二十”不是有效的分数'] },
    { name: 'negative 类别满分', edit: (s) => void (cat0(s).max = -5), errors: ['第1个类别：类别满分“-5”不能为负数'] },
    { name: 'zero 类别满分', edit: (s) => void (cat0(s).max = 0), errors: ['第1个类别：类别满分必须大于0'] },
    { name: '扣分上限 with 3 decimals', edit: (s) => void (cat0(s).deductionCap = '0.125'), errors: ['第1个类别：扣分上限“0.125”最多保留两位小数'] },
    { name: 'no items', edit: (s) => void (cat0(s).items = []), errors: ['第1个类别：类别“政治型”没有评分项目'] },
    {
      name: '扣分上限 without deductions',
      edit: (s) => void (cat0(s).items = [item(s, 0), item(s, 1)]),
      errors: ['第1个类别：类别“政治型”设置了扣分上限，但没有扣分项目'],
    },
    {
      name: '加分上限 without plus items',
      edit: (s) => void (s.categories[1]!.bonusCap = 5),
      errors: ['第2个类别：类别“廉洁型”设置了加分上限，但没有加分项目'],
    },
    {
      name: 'deduction-only category without 类别满分',
      edit: (s) => void delete s.categories[1]!.max,
      errors: ['第2个类别：类别“廉洁型”只有扣分项目，须填写类别满分（扣分前的基础分）'],
    },
    {
      name: '加分上限 above the plus items',
      edit: (s) => void Object.assign(cat0(s), { bonusCap: 30, max: 30 }),
      errors: ['第1个类别：类别“政治型”的加分上限30分超过了加分项目分值合计20分'],
    },
    {
      name: '类别满分 differs from 加分上限',
      edit: (s) => void Object.assign(cat0(s), { bonusCap: 15 }),
      errors: ['第1个类别：类别“政治型”的类别满分20分应等于加分上限15分'],
    },
    {
      name: '类别满分 differs from the plus items',
      edit: (s) => void (cat0(s).max = 25),
      errors: ['第1个类别：类别“政治型”的类别满分25分与加分项目分值合计20分不一致'],
    },
    { name: 'item not an object', edit: (s) => void (cat0(s).items as unknown[]).push(3), errors: ['第1个类别：类别“政治型”的第4个项目不是对象'] },
    { name: 'empty item name', edit: (s) => void (item(s, 2).name = ''), errors: ['类别“政治型”第3项：项目名称为空'] },
    {
      name: 'duplicate item name',
      edit: (s) => void (item(s, 1).name = '理论武装'),
      errors: ['类别“政治型”第2项“理论武装”：项目“理论武装”在类别“政治型”中重复（已在第1项出现）'],
    },
    { name: 'unknown kind', edit: (s) => void (item(s, 2).kind = '奖励'), errors: ['类别“政治型”第3项“三会一课未按期召开”：类型“奖励”无法识别（可填：加分、扣分）'] },
    { name: 'empty 分值上限', edit: (s) => void (item(s, 2).max = ''), errors: ['类别“政治型”第3项“三会一课未按期召开”：分值上限为空'] },
    { name: 'bad 分值上限', edit: (s) => void (item(s, 2).max = '五分半'), errors: ['类别“政治型”第3项“三会一课未按期召开”：分值上限“五分半”不是有效的分数'] },
    { name: 'zero 分值上限', edit: (s) => void (item(s, 2).max = 0), errors: ['类别“政治型”第3项“三会一课未按期召开”：分值上限必须大于0'] },
    { name: 'bad 必评', edit: (s) => void (item(s, 2).required = '可能'), errors: ['类别“政治型”第3项“三会一课未按期召开”：必评“可能”无法识别（可填：是、否）'] },
    {
      name: 'duplicate 编号',
      edit: (s) => void Object.assign(s.categories[1]!, { items: [{ id: '1.1', name: '违纪问题', kind: 'minus', max: 10 }] }),
      errors: ['类别“廉洁型”第1项“违纪问题”：项目编号“1.1”与类别“政治型”第1项重复'],
    },
    { name: 'declared total differs', edit: (s) => ({ ...s, total: 100 }), errors: ['计分方案总分应为100分，但各类别满分合计为30分'] },
    { name: 'bad declared total', edit: (s) => ({ ...s, total: '一百' }), errors: ['总分“一百”不是有效的分数'] },
    {
      name: 'several problems, all reported (a bad item max does not add a sum mismatch)',
      edit: (s) => {
        item(s, 0).max = 'x';
        item(s, 1).name = '';
        s.categories[1]!.name = '';
      },
      errors: ['类别“政治型”第1项“理论武装”：分值上限“x”不是有效的分数', '类别“政治型”第2项：项目名称为空', '第2个类别：类别名称为空'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = good();
      const edited = c.edit(s);
      expect(messages(edited === undefined ? s : edited)).toEqual(c.errors);
    });
  }

  it('schemeFromJson reports text that is not JSON', () => {
    const r = schemeFromJson('{ categories: ');
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).toMatch(/^JSON 格式不正确：/);
  });
});

const HEADERS = ['类别', '类别满分', '扣分上限', '加分上限', '编号', '项目', '类型(加分/扣分)', '分值上限', '说明', '必评'];

function rows(lines: string[][], first = 2): RawRow[] {
  return lines.map((cells, i) => ({ rowNumber: first + i, values: Object.fromEntries(HEADERS.map((h, j) => [h, cells[j] ?? ''])) }));
}

describe('schemeFromRows: the template', () => {
  const GOOD = [
    ['政治型', '20', '6', '', '', '理论武装', '加分', '12', '', '是'],
    ['', '', '', '', '', '政治建设', '', '8', '', ''],
    ['', '', '', '', '', '三会一课未按期召开', '扣分', '6', '每次扣2分，最多扣6分', '否'],
    ['廉洁型', '10', '', '', 'L1', '违纪问题', '反向扣分', '10', '', '√'],
  ];

  it('reads merged category cells, defaults and an own 编号', () => {
    const r = schemeFromRows(rows(GOOD), { headers: HEADERS });
    expect(r.problems).toEqual([]);
    expect(r.scheme?.name).toBe('互观互检评分表');
    expect(r.scheme?.categories.map((c) => ({ name: c.name, max: c.max, cap: c.deductionCap, items: c.items.map((i) => [i.id, i.kind, i.max, i.required]) }))).toEqual([
      { name: '政治型', max: 20, cap: 6, items: [['1.1', 'plus', 12, true], ['1.2', 'plus', 8, false], ['1.3', 'minus', 6, false]] },
      { name: '廉洁型', max: 10, cap: null, items: [['L1', 'minus', 10, true]] },
    ]);
  });

  it('accepts header aliases and a category repeated on every row ("20" = "20分")', () => {
    const values = (c: string, m: string, item: string, max: string): Record<string, string> => ({ 评分类别: c, 类别分值: m, 评分项目: item, 分值: max, 评分标准: '', 是否必评: '' });
    const r = schemeFromRows([
      { rowNumber: 2, values: values('学习型', '20', '必学清单', '12') },
      { rowNumber: 3, values: values('学习型', '20分', '自学', '8') },
    ]);
    expect(r.problems).toEqual([]);
    expect(r.scheme?.total).toBe(20);
  });

  const cases: { name: string; input: RawRow[]; headers?: string[]; errors: [number | null, string][] }[] = [
    { name: 'missing columns', input: [], headers: ['类别', '项目', '说明'], errors: [[1, '表头缺少必填列：分值上限']] },
    {
      name: 'a column twice',
      input: [],
      headers: [...HEADERS, '评分项目'],
      errors: [[1, '表头中“项目”和“评分项目”重复，都表示“项目”，请只保留一列']],
    },
    { name: 'only the header', input: rows([['', '', '', '', '', '', '', '', '', '']]), errors: [[1, '表格中没有评分项目行']] },
    {
      name: 'category cells that disagree',
      input: rows([GOOD[0]!, ['政治型', '25', '', '', '', '政治建设', '', '8', '', ''], GOOD[2]!]),
      errors: [[3, '第3行：类别“政治型”的类别满分（25）与第2行（20）不一致']],
    },
    { name: 'first row without a category', input: rows([['', '', '', '', '', '理论武装', '', '20', '', '']]), errors: [[2, '第2行：类别名称为空']] },
    {
      name: 'problems on several rows, in row order',
      input: rows([GOOD[0]!, ['', '', '', '', '', '政治建设', '奖励', 'abc', '', '可能'], ['', '', '', '', '', '', '', '8', '', ''], GOOD[3]!]),
      errors: [
        [3, '第3行：类型“奖励”无法识别（可填：加分、扣分）'],
        [3, '第3行：分值上限“abc”不是有效的分数'],
        [3, '第3行：必评“可能”无法识别（可填：是、否）'],
        [4, '第4行：项目名称为空'],
      ],
    },
    {
      name: 'sum mismatch reported on the category row',
      input: rows([['政治型', '20', '', '', '', '理论武装', '', '12', '', ''], ['', '', '', '', '', '政治建设', '', '7', '', '']]),
      errors: [[2, '第2行：类别“政治型”的类别满分20分与加分项目分值合计19分不一致']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = schemeFromRows(c.input, { headers: c.headers ?? HEADERS });
      expect(r.ok).toBe(false);
      expect(r.problems.map((p) => [p.row, p.message])).toEqual(c.errors);
    });
  }
});
