import { describe, expect, it } from 'vitest';
import { normaliseHeader, resolveHeaders } from '../../src/domain/org/import-headers.js';
import { roleFromName } from '../../src/domain/org/role-names.js';
import { normalizeMobile, normalizePersonName, splitList } from '../../src/domain/org/text.js';
import type { RawRow } from '../../src/domain/org/types.js';
import { validateImportRows } from '../../src/domain/org/validate-import-rows.js';

const HEADERS = ['姓名', '所在单位/支部', '党小组', '角色', '企业微信账号', '钉钉账号', '手机号', '分管范围'];

/** A row with good defaults; `rowNumber` 2 unless given. */
function row(values: Partial<Record<string, string>>, rowNumber = 2): RawRow {
  const base: Record<string, string> = { 姓名: '张三', '所在单位/支部': '第一党支部', 党小组: '', 角色: '党员', 企业微信账号: 'zhangsan', 钉钉账号: 'dt_zhangsan', 手机号: '', 分管范围: '' };
  const merged: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(values)) if (v !== undefined) merged[k] = v;
  return { rowNumber, values: merged };
}

describe('validateImportRows: one exact message per problem', () => {
  const cases: { name: string; values: Partial<Record<string, string>>; errors: string[] }[] = [
    { name: 'empty unit', values: { '所在单位/支部': '  ' }, errors: ['第2行：所在单位/支部为空'] },
    { name: 'empty name', values: { 姓名: '\u3000' }, errors: ['第2行：姓名为空'] },
    { name: 'long name', values: { 姓名: '张'.repeat(51) }, errors: ['第2行：姓名过长（最多50个字）'] },
    { name: 'unknown role', values: { 角色: '组长' }, errors: ['第2行：角色“组长”无法识别（可用：党员、支部书记、支部委员、管理员、领导）'] },
    {
      name: 'two unknown roles next to a good one',
      values: { 角色: '党员、组长/队长' },
      errors: ['第2行：角色“组长”无法识别（可用：党员、支部书记、支部委员、管理员、领导）', '第2行：角色“队长”无法识别（可用：党员、支部书记、支部委员、管理员、领导）'],
    },
    { name: 'bad mobile', values: { 手机号: '1380000' }, errors: ['第2行：手机号格式不正确'] },
    { name: 'landline is not a mobile', values: { 手机号: '010-12345678' }, errors: ['第2行：手机号格式不正确'] },
    { name: 'no account', values: { 企业微信账号: '', 钉钉账号: ' ' }, errors: ['第2行：企业微信账号和钉钉账号至少填写一个'] },
    {
      name: 'account with a space',
      values: { 企业微信账号: 'zhang san' },
      errors: ['第2行：企业微信账号“zhang san”格式不正确（只能包含字母、数字和 _ - . @，最长64位）'],
    },
    {
      name: 'DingTalk account in Chinese',
      values: { 钉钉账号: '张三' },
      errors: ['第2行：钉钉账号“张三”格式不正确（只能包含字母、数字和 _ - . @，最长64位）'],
    },
    { name: 'scope for a non-leader', values: { 分管范围: '第一党支部' }, errors: ['第2行：分管范围只适用于角色为“领导”的人员'] },
    {
      name: 'several problems in one row, all reported',
      values: { 姓名: '', '所在单位/支部': '', 手机号: 'abc' },
      errors: ['第2行：姓名为空', '第2行：所在单位/支部为空', '第2行：手机号格式不正确'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = validateImportRows([row(c.values)], HEADERS);
      expect(result.errors.map((e) => e.message)).toEqual(c.errors);
      expect(result.errors.every((e) => e.row === 2)).toBe(true);
      expect(result.rows).toEqual([]);
      expect(result.fatal).toBe(false);
    });
  }

  it('reports duplicate accounts against the first row, for every row at once', () => {
    const result = validateImportRows(
      [
        row({}, 3),
        row({ 姓名: '李四', 企业微信账号: 'lisi', 钉钉账号: 'dt_lisi' }, 4),
        row({ 姓名: '王五', 企业微信账号: 'zhangsan', 钉钉账号: 'dt_wangwu' }, 9),
        row({ 姓名: '赵六', 企业微信账号: 'zhaoliu', 钉钉账号: 'dt_lisi', 手机号: '12' }, 10),
      ],
      HEADERS,
    );
    expect(result.errors).toEqual([
      { row: 9, message: '第9行：企业微信账号 zhangsan 与第3行重复' },
      { row: 10, message: '第10行：钉钉账号 dt_lisi 与第4行重复' },
      { row: 10, message: '第10行：手机号格式不正确' },
    ]);
    expect(result.rows.map((r) => r.rowNumber)).toEqual([3, 4]);
  });

  it('names only the account column the file has', () => {
    const headers = ['姓名', '所在单位/支部', '角色', '钉钉账号'];
    const result = validateImportRows([{ rowNumber: 2, values: { 姓名: '张三', '所在单位/支部': '第一党支部', 角色: '党员', 钉钉账号: '' } }], headers);
    expect(result.errors).toEqual([{ row: 2, message: '第2行：钉钉账号为空' }]);
  });
});

describe('validateImportRows: file-level problems', () => {
  it('names every missing required header in one error', () => {
    const result = validateImportRows([{ rowNumber: 2, values: { 姓名: '张三', 手机号: '13800000000' } }], ['姓名', '手机号']);
    expect(result).toEqual({ rows: [], fatal: true, errors: [{ row: 1, message: '表头缺少必填列：所在单位/支部、角色、企业微信账号或钉钉账号' }] });
  });

  it('refuses a column given twice under two aliases', () => {
    const result = validateImportRows([], ['姓名', '所在单位', '所在支部', '角色', '企业微信']);
    expect(result.errors).toEqual([{ row: 1, message: '表头中“所在单位”和“所在支部”重复，都表示“所在单位/支部”，请只保留一列' }]);
  });

  it('empty file and header-only file', () => {
    expect(validateImportRows([], []).errors).toEqual([{ row: 1, message: '文件为空，没有表头也没有数据' }]);
    const blank = [{ rowNumber: 2, values: Object.fromEntries(HEADERS.map((h) => [h, ' '])) }];
    expect(validateImportRows(blank, HEADERS).errors).toEqual([{ row: 1, message: '文件中只有表头，没有数据行' }]);
  });
});

describe('validateImportRows: normalisation', () => {
  it('accepts header aliases, with spaces, required marks and remarks', () => {
    const headers = [' 姓名 ', '*所在支部', '所在党小组', '角色（可多选）', '企业微信UserID', '钉钉 UserID', '手机', '分管单位', '备注'];
    const values = { ' 姓名 ': '张\u3000三', '*所在支部': ' 第一党支部 ', 所在党小组: '第一党小组', '角色（可多选）': '支部书记，党员', 企业微信UserID: 'ＺhangSan', '钉钉 UserID': '', 手机: '+86 138-0000-0000', 分管单位: '', 备注: '随便写' };
    const result = validateImportRows([{ rowNumber: 7, values }], headers);
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      { rowNumber: 7, name: '张三', unitName: '第一党支部', groupName: '第一党小组', roles: ['member', 'secretary'], accounts: { wecom: 'ZhangSan', dingtalk: null }, mobile: '13800000000', leaderScope: [] },
    ]);
  });

  it('derives headers from the rows when none are given (JSON input)', () => {
    const result = validateImportRows([{ rowNumber: 2, values: { 姓名: '李四', 所在单位: '某某厅机关党委', 角色: '领导', 钉钉: 'dt_lisi', 分管范围: '第一党支部（办公室、后勤）；第二党支部' } }]);
    expect(result.errors).toEqual([]);
    expect(result.rows[0]).toMatchObject({ unitName: '某某厅机关党委', roles: ['leader'], accounts: { wecom: null, dingtalk: 'dt_lisi' }, leaderScope: ['第一党支部（办公室、后勤）', '第二党支部'] });
  });

  it('an empty role cell means 党员; duplicates collapse; blank rows are skipped', () => {
    const result = validateImportRows([row({ 角色: '' }, 2), { rowNumber: 3, values: { 姓名: ' ' } }, row({ 姓名: '李四', 角色: '委员 支委 党员', 企业微信账号: 'lisi', 钉钉账号: '' }, 4)], HEADERS);
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => [r.rowNumber, r.roles])).toEqual([[2, ['member']], [4, ['member', 'committee_member']]]);
  });
});

describe('role names', () => {
  const table: [string, string | undefined][] = [
    ['党员', 'member'], ['预备党员', 'member'], ['支部书记', 'secretary'], ['书记', 'secretary'], ['党支部书记', 'secretary'],
    ['支部委员', 'committee_member'], ['支委', 'committee_member'], ['委员', 'committee_member'],
    ['管理员', 'admin'], ['党务干部', 'admin'], ['领导', 'leader'], ['分管领导', 'leader'], ['Leader', 'leader'],
    ['组长', undefined], ['', undefined], ['toString', undefined],
  ];
  for (const [name, role] of table) it(`${name || '(empty)'} → ${role ?? 'unknown'}`, () => expect(roleFromName(name)).toBe(role));
});

describe('text helpers', () => {
  it('header normalisation and resolution', () => {
    expect(normaliseHeader(' * 手机号（选填） ')).toBe('手机号');
    expect(normaliseHeader('企业微信UserID')).toBe('企业微信userid');
    expect(resolveHeaders(['姓名', '支部', '角色', '钉钉']).map).toEqual({ name: '姓名', unit: '支部', roles: '角色', dingtalk: '钉钉' });
  });
  it('names, mobiles, lists', () => {
    expect(normalizePersonName(' 张  三 ')).toBe('张三');
    expect(normalizePersonName('阿卜杜拉·买买提')).toBe('阿卜杜拉·买买提');
    expect(normalizePersonName(' Anna  Li ')).toBe('Anna Li');
    expect(normalizeMobile('８６13912345678')).toBe('13912345678');
    expect(normalizeMobile('12912345678')).toBeUndefined();
    expect(splitList('第一党支部（办公室、后勤）、第二党支部,，第三党支部', /[、，,;；]/)).toEqual(['第一党支部（办公室、后勤）', '第二党支部', '第三党支部']);
  });
});
