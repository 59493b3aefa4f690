import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseCsvText } from 'csv-parse/sync';
import type { RawRow, RawTable } from '../domain/org/types.js';
import { ValidationError } from '../errors.js';
import { readXlsxGrid } from './read-xlsx.js';

export type { RawRow, RawTable };

export const TABLE_FILE_EXTENSIONS = ['.csv', '.xlsx', '.json'] as const;

/**
 * Reads a table (organisation, plan, scoring scheme…) from .csv, .xlsx or .json into rows keyed by header, with
 * spreadsheet row numbers (header = row 1 unless title rows precede it). Knows nothing about what the columns mean.
 */
export async function readTableFile(path: string): Promise<RawTable> {
  const bytes = await readFile(path);
  return parseTableFile(bytes, basename(path));
}

/** Same as readTableFile for bytes already in memory (an upload); `fileName` picks the format by extension. */
export async function parseTableFile(bytes: Uint8Array, fileName: string): Promise<RawTable> {
  const ext = extname(fileName).toLowerCase();
  switch (ext) {
    case '.csv':
      return parseCsvTable(decodeText(bytes));
    case '.xlsx':
      return tableFromGrid(await readXlsxGrid(bytes));
    case '.json':
      return parseJsonTable(decodeText(bytes));
    case '.xls':
    case '.et':
      throw new ValidationError(`不支持旧版 Excel 文件（${ext}），请在 Excel/WPS 中另存为 .xlsx 或 .csv 后再导入`);
    default:
      throw new ValidationError(`不支持的文件类型“${ext || fileName}”，请使用 ${TABLE_FILE_EXTENSIONS.join('、')} 文件`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text of a CSV/JSON file. Excel and WPS in China save CSV as GBK (GB18030 is its superset) unless told to use
 * UTF-8, so bytes that are not valid UTF-8 are read as GB18030. "Unicode text" exports are UTF-16 with a BOM.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

export function parseCsvTable(text: string): RawTable {
  let records: string[][];
  try {
    records = parseCsvText(text, {
      delimiter: guessDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (e) {
    throw new ValidationError(`CSV 文件格式不正确：${e instanceof Error ? e.message : String(e)}`);
  }
  return tableFromGrid(records);
}

/** Comma normally; a tab- or semicolon-separated export is recognised by its first line. */
function guessDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const count = (ch: string): number => firstLine.split(ch).length - 1;
  const candidates = [',', '\t', ';'].map((d) => [d, count(d)] as const);
  const best = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
}

/** A JSON array of objects; array values become "a、b"; row numbers count as if a header row came first. */
export function parseJsonTable(text: string): RawTable {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`JSON 文件格式不正确：${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(data)) throw new ValidationError('JSON 文件应为对象数组，每个对象是一行');
  const headers: string[] = [];
  const rows: RawRow[] = data.map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new ValidationError(`JSON 文件第${i + 1}项不是对象`);
    }
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      const header = cleanHeader(key);
      if (header === '') continue;
      if (!headers.includes(header)) headers.push(header);
      values[header] = jsonCell(value);
    }
    return { rowNumber: i + 2, values };
  });
  return { headers, rows };
}

function jsonCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(jsonCell).filter((s) => s !== '').join('、');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | boolean);
}

/**
 * Grid (row 1 first) → table. The header is the first row with at least two different non-empty cells, so a
 * title row above it ("某某厅党员名单") is skipped; blank rows are dropped but keep the numbering.
 */
export function tableFromGrid(grid: readonly (readonly string[])[]): RawTable {
  const isBlank = (r: readonly string[]): boolean => r.every((c) => c.trim() === '');
  let headerIndex = grid.findIndex((r) => new Set(r.map((c) => c.trim()).filter((c) => c !== '')).size >= 2);
  if (headerIndex < 0) headerIndex = grid.findIndex((r) => !isBlank(r));
  if (headerIndex < 0) return { headers: [], rows: [] };
  const headerRow = grid[headerIndex] ?? [];
  const columns: { index: number; header: string }[] = [];
  headerRow.forEach((cell, index) => {
    let header = cleanHeader(cell);
    if (header === '') return;
    // Two columns with the same header: keep both, the second named by position, so the caller can complain.
    if (columns.some((c) => c.header === header)) header = `${header}（第${index + 1}列）`;
    columns.push({ index, header });
  });
  const rows: RawRow[] = [];
  for (let i = headerIndex + 1; i < grid.length; i++) {
    const record = grid[i] ?? [];
    if (isBlank(record)) continue;
    const values: Record<string, string> = {};
    for (const c of columns) values[c.header] = record[c.index] ?? '';
    rows.push({ rowNumber: i + 1, values });
  }
  return { headers: columns.map((c) => c.header), rows };
}

function cleanHeader(h: string): string {
  return h.replace(/^[\s\ufeff\u200b]+|[\s\u200b]+$/g, '');
}
