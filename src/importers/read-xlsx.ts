import ExcelJS from 'exceljs';
import type { CellValue } from 'exceljs';
import { ValidationError } from '../errors.js';

/**
 * The first worksheet of an .xlsx file as a grid of strings (index 0 = spreadsheet row 1). Merged cells repeat
 * the merged value in every row they cover (exceljs reports the master cell's value), which is what a
 * vertically merged 所在支部 cell means.
 */
export async function readXlsxGrid(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (e) {
    throw new ValidationError(`无法读取 Excel 文件（.xlsx）：${e instanceof Error ? e.message : String(e)}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
    });
    grid[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
  });
  return Array.from(grid, (r) => r ?? []);
}

/** A cell as the text a person sees: no 1.38e10 for phone numbers, rich text and links as their text. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return cellText(value.text as CellValue);
  if ('formula' in value || 'sharedFormula' in value) return value.result === undefined ? '' : cellText(value.result as CellValue);
  if ('error' in value) return '';
  return '';
}

function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER) return n.toFixed(0);
  // Floating noise from Excel (0.30000000000000004) is not what anybody typed.
  return String(Number(n.toPrecision(15)));
}

/** Excel dates arrive as UTC instants: a date without time becomes YYYY-MM-DD. */
function dateText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
