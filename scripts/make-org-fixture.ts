/**
 * Regenerates test/fixtures/org-import-example.xlsx from org-import-example.csv (same people), written the way
 * agencies' spreadsheets look: a merged title row above the header, phone numbers stored as numbers, a name in
 * rich text, an account as a hyperlink, and 所在单位/支部 cells merged down over a branch's rows.
 *
 *   npx tsx scripts/make-org-fixture.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { decodeText, parseCsvTable } from '../src/importers/read-table-file.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const table = parseCsvTable(decodeText(readFileSync(`${fixtures}org-import-example.csv`)));

const workbook = new ExcelJS.Workbook();
workbook.creator = 'dangjian-bot';
// Fixed dates keep the generated file byte-stable apart from the zip container.
workbook.created = new Date('2026-01-01T00:00:00Z');
workbook.modified = new Date('2026-01-01T00:00:00Z');
const sheet = workbook.addWorksheet('党员名册');
sheet.addRow(['某某局党员名册（2026年1月）']);
sheet.mergeCells(1, 1, 1, table.headers.length);
sheet.addRow(table.headers);
const unitColumn = table.headers.indexOf('所在单位/支部') + 1;
const mobileColumn = table.headers.indexOf('手机号') + 1;
const wecomColumn = table.headers.indexOf('企业微信账号') + 1;

table.rows.forEach((raw, i) => {
  const row = sheet.addRow(table.headers.map((h) => raw.values[h] ?? ''));
  const mobile = raw.values['手机号'];
  if (mobile) row.getCell(mobileColumn).value = Number(mobile);
  if (i === 0) row.getCell(1).value = { richText: [{ text: raw.values['姓名']?.slice(0, 1) ?? '', font: { bold: true } }, { text: raw.values['姓名']?.slice(1) ?? '' }] };
  if (i === 1) row.getCell(wecomColumn).value = { text: raw.values['企业微信账号'] ?? '', hyperlink: 'https://work.weixin.qq.com/' };
});

// Merge each run of equal 所在单位/支部 values (data starts on row 3).
let start = 3;
for (let r = 3; r <= table.rows.length + 3; r++) {
  const same = r <= table.rows.length + 2 && sheet.getCell(r, unitColumn).value === sheet.getCell(start, unitColumn).value;
  if (same) continue;
  if (r - 1 > start) sheet.mergeCells(start, unitColumn, r - 1, unitColumn);
  start = r;
}

await workbook.xlsx.writeFile(`${fixtures}org-import-example.xlsx`);
console.log(`wrote ${fixtures}org-import-example.xlsx (${table.rows.length} people)`);
