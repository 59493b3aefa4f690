import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { requireScheme, schemeFromJson } from '../../src/domain/scoring/scheme.js';
import type { Scheme } from '../../src/domain/scoring/types.js';
import { parseSchemeFile, readSchemeFile } from '../../src/importers/read-scheme-file.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/scoring');
const fixture = (name: string): string => resolve(FIXTURES, name);
const NAME = '2026年度五型模范机关互观互检评分表';

/** The reference: the JSON fixture through the domain's own validation. */
const reference: Scheme = requireScheme(schemeFromJson(readFileSync(fixture('scheme-five-types.json'), 'utf8')));

describe('readSchemeFile: the five-型 template in every format gives the same scheme', () => {
  it('reads the .xlsx template (title row, merged category cells, numbers as numbers); the title names it', async () => {
    const r = await readSchemeFile(fixture('scheme-five-types.xlsx'));
    expect(r.problems).toEqual([]);
    expect(r.scheme).toEqual(reference);
    expect(r.scheme?.name).toBe(NAME);
  });

  it('reads the .csv template; without a title the file name names it, --name overrides', async () => {
    const plain = await readSchemeFile(fixture('scheme-five-types.csv'));
    expect(plain.problems).toEqual([]);
    expect(plain.scheme).toEqual({ ...reference, name: 'scheme-five-types' });
    const named = await readSchemeFile(fixture('scheme-five-types.csv'), { name: NAME });
    expect(named.scheme).toEqual(reference);
  });

  it('reads the .json scheme object, and the template rows as a JSON array', async () => {
    const object = await readSchemeFile(fixture('scheme-five-types.json'));
    expect(object.scheme).toEqual(reference);
    expect((await readSchemeFile(fixture('scheme-five-types.json'), { name: '改名' })).scheme?.name).toBe('改名');

    const csv = readFileSync(fixture('scheme-five-types.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const [header, ...lines] = csv;
    const array = lines.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ''])));
    const rows = await parseSchemeFile(Buffer.from(JSON.stringify(array)), '方案.json', { name: NAME });
    expect(rows.problems).toEqual([]);
    expect(rows.scheme).toEqual(reference);
  });

  it('reads a CSV saved as UTF-16 ("Unicode text") with a BOM', async () => {
    const text = readFileSync(fixture('scheme-five-types.csv'), 'utf8').replaceAll(',', '\t');
    const r = await parseSchemeFile(Buffer.from(`\ufeff${text}`, 'utf16le'), '评分表.csv', { name: NAME });
    expect(r.problems).toEqual([]);
    expect(r.scheme).toEqual(reference);
  });

  it('an upload without a file name keeps the domain default name unless one is given', async () => {
    const bytes = readFileSync(fixture('scheme-five-types.csv'));
    expect((await parseSchemeFile(bytes, 'upload.csv', { nameFromFileName: false })).scheme?.name).toBe('互观互检评分表');
  });
});

describe('readSchemeFile: problems, row by row, nothing half-read', () => {
  it('lists every problem of the broken CSV with its spreadsheet row', async () => {
    const r = await readSchemeFile(fixture('scheme-bad.csv'));
    expect(r.ok).toBe(false);
    expect(r.scheme).toBeNull();
    expect(r.problems).toEqual([
      { row: 3, message: '第3行：分值上限“七”不是有效的分数' },
      { row: 4, message: '第4行：类型“加减”无法识别（可填：加分、扣分）' },
      { row: 5, message: '第5行：分值上限为空' },
      { row: 6, message: '第6行：必评“也许”无法识别（可填：是、否）' },
      { row: 7, message: '第7行：类别“学习型”的类别满分（25）与第6行（20）不一致' },
      { row: 7, message: '第7行：项目“必学清单完成情况”在类别“学习型”中重复（已在第6行出现）' },
      { row: 8, message: '第8行：项目编号“1.1”与第2行重复' },
      { row: 8, message: '第8行：类别“廉洁型”只有扣分项目，须填写类别满分（扣分前的基础分）' },
    ]);
  });

  it('counts .xlsx rows as Excel shows them (title row included)', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(fixture('scheme-five-types.xlsx'));
    const ws = wb.worksheets[0]!;
    // Row 1 title, row 2 header, row 3 the first item (1.1 理论武装); row 6 is 1.4. Column H is 分值上限.
    expect(ws.getCell('F6').value).toBe('三会一课未按期召开');
    ws.getCell('H6').value = '很多';
    ws.getCell('F9').value = '';
    const r = await parseSchemeFile(Buffer.from(await wb.xlsx.writeBuffer()), '评分表.xlsx');
    expect(r.problems).toEqual([
      { row: 6, message: '第6行：分值上限“很多”不是有效的分数' },
      { row: 9, message: '第9行：项目名称为空' },
    ]);
  });

  it('reports missing columns on the header row', async () => {
    const r = await parseSchemeFile(Buffer.from('类别,说明\n政治型,无\n'), 'a.csv');
    expect(r.problems).toEqual([{ row: 1, message: '表头缺少必填列：项目、分值上限' }]);
  });

  it('a file that cannot be read is one problem, without a row', async () => {
    expect((await readSchemeFile(fixture('no-such-file.xlsx'))).problems).toEqual([
      { row: null, message: `无法读取计分方案文件 ${fixture('no-such-file.xlsx')}：文件不存在` },
    ]);
    const zip = await parseSchemeFile(Buffer.from('this is not a zip'), 'a.xlsx');
    expect(zip.problems).toHaveLength(1);
    expect(zip.problems[0]!.message).toMatch(/^无法读取 Excel 文件（\.xlsx）/);
    expect((await parseSchemeFile(Buffer.from('{"name": '), 'a.json')).problems[0]!.message).toMatch(/^JSON 格式不正确/);
    expect((await parseSchemeFile(Buffer.alloc(0), 'a.csv')).problems).toEqual([{ row: null, message: '计分方案文件是空的' }]);
    expect((await parseSchemeFile(Buffer.from('x'), 'a.xls')).problems[0]!.message).toContain('另存为 .xlsx 或 .csv');
    expect((await parseSchemeFile(Buffer.from('x'), 'a.docx')).problems[0]!.message).toBe('不支持的文件类型“.docx”，请使用 .xlsx、.csv、.json 文件');
  });

  it('a JSON scheme object is checked by the domain rules', async () => {
    const bad = { name: '坏方案', categories: [{ name: '政治型', max: 30, items: [{ name: '理论武装', kind: 'plus', max: 20 }] }] };
    const r = await parseSchemeFile(Buffer.from(JSON.stringify(bad)), 'bad.json');
    expect(r.problems.map((p) => p.message)).toEqual(['第1个类别：类别“政治型”的类别满分30分与加分项目分值合计20分不一致']);
  });
});
