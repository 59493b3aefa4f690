import ExcelJS from 'exceljs';
import type { RawRow } from '../../../domain/org/types.js';
import { formatNumber } from '../../../domain/scoring/numbers.js';
import { SCHEME_COLUMN_LABELS, type SchemeColumn } from '../../../domain/scoring/scheme-rows.js';
import type { Scheme } from '../../../domain/scoring/types.js';

/**
 * A scheme as rows of the import template (README "互观互检计分方案模板"): what the edit form shows, what the
 * template downloads hold, and — going back — the form's rows as the RawRows schemeFromRows validates, so an
 * edit is checked by exactly the rules of a file import.
 */

export const COLUMNS: readonly SchemeColumn[] = ['category', 'categoryMax', 'deductionCap', 'bonusCap', 'code', 'item', 'kind', 'max', 'description', 'required'];

export type TemplateRow = Record<SchemeColumn, string>;

const num = (x: number | null): string => (x === null ? '' : formatNumber(x));

/** One row per item; the category's columns on its first row only (as in the template). */
export function schemeToRows(scheme: Scheme): TemplateRow[] {
  return scheme.categories.flatMap((c) => c.items.map((item, i): TemplateRow => ({
    category: i === 0 ? c.name : '',
    categoryMax: i === 0 ? num(c.max) : '',
    deductionCap: i === 0 ? num(c.deductionCap) : '',
    bonusCap: i === 0 ? num(c.bonusCap) : '',
    code: item.id,
    item: item.name,
    kind: item.kind === 'plus' ? '加分' : '扣分',
    max: num(item.max),
    description: item.description,
    required: item.required ? '是' : '否',
  })));
}

export const emptyRow = (): TemplateRow => ({ category: '', categoryMax: '', deductionCap: '', bonusCap: '', code: '', item: '', kind: '加分', max: '', description: '', required: '否' });

/** A row nobody filled in: every text cell empty (the 类型 and 必评 choices always carry a value). */
export function isBlank(row: TemplateRow): boolean {
  return COLUMNS.every((c) => c === 'kind' || c === 'required' || row[c].trim() === '');
}

/** The form's rows as template rows numbered as the form shows them (第1行 = the first row), blank rows left out. */
export function toRawRows(rows: readonly TemplateRow[]): RawRow[] {
  return rows.flatMap((row, i) => (isBlank(row) ? [] : [{ rowNumber: i + 1, values: Object.fromEntries(COLUMNS.map((c) => [SCHEME_COLUMN_LABELS[c], row[c]])) }]));
}

export const HEADERS: readonly string[] = COLUMNS.map((c) => SCHEME_COLUMN_LABELS[c]);

/** The scheme as a template workbook: a title row (the scheme's name — the import takes it as the name), the header, the rows. */
export async function schemeWorkbook(scheme: Scheme): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '党建助手';
  const ws = workbook.addWorksheet('计分方案');
  ws.addRow([scheme.name]);
  ws.mergeCells(1, 1, 1, COLUMNS.length);
  ws.getRow(1).font = { bold: true, size: 14 };
  ws.addRow([...HEADERS]);
  ws.getRow(2).font = { bold: true };
  for (const r of schemeToRows(scheme)) {
    ws.addRow(COLUMNS.map((c) => {
      const v = r[c];
      return (c === 'categoryMax' || c === 'deductionCap' || c === 'bonusCap' || c === 'max') && v !== '' ? Number(v) : v || null;
    }));
  }
  ws.views = [{ state: 'frozen', ySplit: 2 }];
  [12, 10, 10, 10, 7, 26, 7, 10, 50, 6].forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
  });
  ws.getColumn(9).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The same rows as CSV: UTF-8 with a BOM (Excel in China opens it correctly), the name from the file name. */
export function schemeCsv(scheme: Scheme): Buffer {
  const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [HEADERS.map(cell).join(','), ...schemeToRows(scheme).map((r) => COLUMNS.map((c) => cell(r[c])).join(','))];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** The scheme object as JSON (the `.json` template form). */
export function schemeJson(scheme: Scheme): Buffer {
  return Buffer.from(`${JSON.stringify(scheme, null, 2)}\n`, 'utf8');
}
