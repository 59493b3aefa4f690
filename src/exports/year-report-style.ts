import type ExcelJS from 'exceljs';

/**
 * The house style of the report workbooks (年中查账, 年底交账, 台账), as the 互观互检 export has it: bold shaded
 * header rows that stay frozen, widths that fit Chinese text, numbers and dates as real cell values (dates are
 * local wall-clock times carried in the Date's UTC fields — Excel has no time zones).
 */

export interface Column {
  header: string;
  width: number;
  wrap?: boolean;
  numFmt?: string;
}

export const DATE_FMT = 'yyyy-mm-dd';
export const DATETIME_FMT = 'yyyy-mm-dd hh:mm';
export const PERCENT_FMT = '0.0%';

export function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    c.border = { bottom: { style: 'thin', color: { argb: 'FFBFBFBF' } } };
  });
}

/** Column widths and formats (wrap, number format) for a sheet whose first table uses `columns`. */
export function applyColumns(ws: ExcelJS.Worksheet, columns: readonly Column[]): void {
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = c.width;
    if (c.wrap) col.alignment = { wrapText: true, vertical: 'top' };
    if (c.numFmt) col.numFmt = c.numFmt;
  });
}

/** A header row at `rowNumber` starting in column `fromCol`. */
export function headerRow(ws: ExcelJS.Worksheet, rowNumber: number, headers: readonly string[], fromCol = 1): ExcelJS.Row {
  const row = ws.getRow(rowNumber);
  headers.forEach((h, i) => (row.getCell(fromCol + i).value = h));
  styleHeader(row);
  return row;
}

/** "2026-06-30" → a date cell value. */
export function dateCell(d: string | null): Date | null {
  if (!d) return null;
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, day));
}

/** "2026-06-30T14:05:00" (local wall-clock) → a date-time cell value. */
export function localDateTimeCell(s: string | null): Date | null {
  return s ? new Date(`${s}Z`) : null;
}

/** A wall-clock Date (UTC fields = local time) from an instant, for the sheets' time cells. */
export function wallClock(at: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return new Date(Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')));
}

/** "2026-11-23 09:05" from a wall-clock Date. */
export function wallClockText(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** The file name offered for download (characters a file system refuses are replaced). */
export function safeFileName(name: string): string {
  return [...name].map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('').trim().slice(0, 100);
}
