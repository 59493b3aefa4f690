/**
 * Regenerates test/fixtures/scoring/scheme-five-types.xlsx from scheme-five-types.csv (the same scheme), laid out
 * the way the documented template looks in Excel: a merged title row, a bold header, the category columns
 * (类别, 类别满分, 扣分上限, 加分上限) merged down over each category's rows, and points stored as numbers.
 *
 *   npx tsx scripts/make-scoring-fixtures.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { decodeText, parseCsvTable } from '../src/importers/read-table-file.js';

const dir = fileURLToPath(new URL('../test/fixtures/scoring/', import.meta.url));
const table = parseCsvTable(decodeText(readFileSync(`${dir}scheme-five-types.csv`)));
const TITLE = '2026年度五型模范机关互观互检评分表';
const NUMERIC = new Set(['类别满分', '扣分上限', '加分上限', '分值上限']);
const CATEGORY_COLUMNS = ['类别', '类别满分', '扣分上限', '加分上限'];

const workbook = new ExcelJS.Workbook();
workbook.creator = 'dangjian-bot';
// Fixed dates keep the generated file stable apart from the zip container.
workbook.created = new Date('2026-01-01T00:00:00Z');
workbook.modified = new Date('2026-01-01T00:00:00Z');
const sheet = workbook.addWorksheet('计分方案');
sheet.addRow([TITLE]);
sheet.mergeCells(1, 1, 1, table.headers.length);
sheet.getCell(1, 1).font = { bold: true, size: 14 };
sheet.getCell(1, 1).alignment = { horizontal: 'center' };
const header = sheet.addRow(table.headers);
header.font = { bold: true };
sheet.views = [{ state: 'frozen', ySplit: 2 }];

for (const raw of table.rows) {
  sheet.addRow(table.headers.map((h) => {
    const v = raw.values[h] ?? '';
    return NUMERIC.has(h) && v !== '' ? Number(v) : v;
  }));
}

// Each category's first row carries its cells; merge them down to its last item (data starts on row 3).
const categoryColumn = table.headers.indexOf('类别') + 1;
const last = table.rows.length + 2;
let start = 3;
for (let r = 4; r <= last + 1; r++) {
  if (r <= last && sheet.getCell(r, categoryColumn).value === '') continue;
  if (r - 1 > start) {
    for (const name of CATEGORY_COLUMNS) {
      const c = table.headers.indexOf(name) + 1;
      sheet.mergeCells(start, c, r - 1, c);
    }
  }
  start = r;
}

const widths: Record<string, number> = { 类别: 10, 项目: 26, 说明: 48 };
table.headers.forEach((h, i) => (sheet.getColumn(i + 1).width = widths[h] ?? 10));
sheet.getColumn(table.headers.indexOf('说明') + 1).alignment = { wrapText: true, vertical: 'top' };

await workbook.xlsx.writeFile(`${dir}scheme-five-types.xlsx`);
console.log(`wrote ${dir}scheme-five-types.xlsx (${table.rows.length} items)`);
