import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { cellText } from '../../src/importers/read-xlsx.js';
import { decodeText, parseCsvTable, parseTableFile, readTableFile, tableFromGrid } from '../../src/importers/read-table-file.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('readTableFile', () => {
  it('reads GBK-encoded CSV (Excel in China)', async () => {
    expect(readFileSync(fixture('org-import-gbk.csv')).includes(Buffer.from('刘洋'))).toBe(false);
    const table = await readTableFile(fixture('org-import-gbk.csv'));
    expect(table.headers).toEqual(['姓名', '所在单位/支部', '党小组', '角色', '企业微信账号', '钉钉账号', '手机号']);
    expect(table.rows.map((r) => [r.rowNumber, r.values['姓名'], r.values['角色']])).toEqual([
      [2, '刘洋', '党员、党务干部'], [3, '陈静', '党员、支部书记'], [4, '黄磊', '党员'], [5, '欧阳娜娜', '党员、支委'],
    ]);
  });

  it('reads the XLSX fixture like the CSV one: title row skipped, merged cells, numbers, rich text, links', async () => {
    const csv = await readTableFile(fixture('org-import-example.csv'));
    const xlsx = await readTableFile(fixture('org-import-example.xlsx'));
    expect(xlsx.headers).toEqual(csv.headers);
    // The XLSX has a title row, so its data starts one row lower.
    expect(xlsx.rows.map((r) => ({ ...r, rowNumber: r.rowNumber - 1 }))).toEqual(csv.rows);
    expect(xlsx.rows[0]).toMatchObject({ rowNumber: 3, values: { 姓名: '孙立华', 手机号: '13800000001' } });
  });

  it('UTF-8 with BOM, CRLF, quoted newlines and blank rows keep spreadsheet row numbers', () => {
    const bytes = Buffer.from('\ufeff姓名,角色\r\n张三,党员\r\n\r\n"李\n四",书记\r\n', 'utf8');
    expect(parseCsvTable(decodeText(bytes))).toEqual({
      headers: ['姓名', '角色'],
      rows: [{ rowNumber: 2, values: { 姓名: '张三', 角色: '党员' } }, { rowNumber: 4, values: { 姓名: '李\n四', 角色: '书记' } }],
    });
  });

  it('tab-separated text and UTF-16 exports', () => {
    const text = '姓名\t角色\n张三\t党员\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(parseCsvTable(decodeText(utf16)).rows).toEqual([{ rowNumber: 2, values: { 姓名: '张三', 角色: '党员' } }]);
  });

  it('JSON: array of objects, arrays joined, row numbers as if under a header', async () => {
    const json = JSON.stringify([{ 姓名: '张三', 角色: ['党员', '支委'], 手机号: 13800000000 }, { 姓名: '李四', 备注: null }]);
    expect(await parseTableFile(Buffer.from(json), 'people.JSON')).toEqual({
      headers: ['姓名', '角色', '手机号', '备注'],
      rows: [{ rowNumber: 2, values: { 姓名: '张三', 角色: '党员、支委', 手机号: '13800000000' } }, { rowNumber: 3, values: { 姓名: '李四', 备注: '' } }],
    });
    await expect(parseTableFile(Buffer.from('{"a":1}'), 'x.json')).rejects.toThrow('JSON 文件应为对象数组，每个对象是一行');
  });

  it('unknown and legacy formats are refused in Chinese', async () => {
    await expect(parseTableFile(Buffer.from('x'), 'people.docx')).rejects.toThrow(new ValidationError('不支持的文件类型“.docx”，请使用 .csv、.xlsx、.json 文件'));
    await expect(parseTableFile(Buffer.from('x'), 'people.xls')).rejects.toThrow('不支持旧版 Excel 文件（.xls），请在 Excel/WPS 中另存为 .xlsx 或 .csv 后再导入');
    await expect(parseTableFile(Buffer.from('not a zip'), 'people.xlsx')).rejects.toBeInstanceOf(ValidationError);
  });

  it('grid: duplicate headers are kept apart by position; empty input', () => {
    expect(tableFromGrid([['姓名', '角色', '姓名', ''], ['a', 'x', 'b', 'c']])).toEqual({
      headers: ['姓名', '角色', '姓名（第3列）'],
      rows: [{ rowNumber: 2, values: { 姓名: 'a', 角色: 'x', '姓名（第3列）': 'b' } }],
    });
    expect(tableFromGrid([])).toEqual({ headers: [], rows: [] });
  });

  it('cell values to text', () => {
    expect(cellText(13800138000)).toBe('13800138000');
    expect(cellText(0.1 + 0.2)).toBe('0.3');
    expect(cellText(new Date('2026-03-01T00:00:00Z'))).toBe('2026-03-01');
    expect(cellText({ richText: [{ text: '张' }, { text: '三' }] })).toBe('张三');
    expect(cellText({ text: 'zhangsan', hyperlink: 'mailto:z@example.com' })).toBe('zhangsan');
    expect(cellText({ formula: 'A1', result: 42 })).toBe('42');
    expect(cellText({ error: '#N/A' })).toBe('');
    expect(cellText(null)).toBe('');
  });
});
