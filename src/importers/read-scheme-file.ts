import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { DbOrTx } from '../db/client.js';
import { saveScheme } from '../db/repositories/scoring-admin.js';
import { schemeFromRows } from '../domain/scoring/scheme-rows.js';
import { schemeFromJson } from '../domain/scoring/scheme.js';
import type { Scheme, SchemeResult } from '../domain/scoring/types.js';
import { AppError } from '../errors.js';
import { decodeText, parseJsonTable, parseTableFile, tableFromGrid } from './read-table-file.js';
import { readXlsxGrid } from './read-xlsx.js';

/**
 * A 互观互检 计分方案 from a file (README "互观互检计分方案模板"):
 *  - `.xlsx` / `.csv`: the template, one row per item (first sheet; CSV in UTF-8, GBK or UTF-16) → schemeFromRows;
 *  - `.json`: the scheme object `{name, total?, categories: [{name, max, items: [...]}]}` → schemeFromJson, or an
 *    array of row objects with the template's column names → schemeFromRows.
 * Reading writes nothing: the result is either a validated scheme or every problem, each row problem starting
 * with "第N行：". A file that cannot be read at all is one problem with row null. storeScheme then saves it.
 *
 * The name is `name` when given, else the JSON's `name` or the title row above an .xlsx header, else the file
 * name without its extension.
 */

export const SCHEME_FILE_EXTENSIONS = ['.xlsx', '.csv', '.json'] as const;

export interface SchemeFileOptions {
  /** The scheme's name (overrides the file's). */
  name?: string;
  /** Fall back to the file name when nothing else names the scheme (default true; false for unnamed uploads). */
  nameFromFileName?: boolean;
}

export async function readSchemeFile(path: string, options: SchemeFileOptions = {}): Promise<SchemeResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? '文件不存在' : code === 'EISDIR' ? '这是一个文件夹' : (e as Error).message;
    return fail(`无法读取计分方案文件 ${path}：${why}`);
  }
  return parseSchemeFile(bytes, basename(path), options);
}

/** Same as readSchemeFile for bytes already in memory (an upload); `fileName` picks the format by extension. */
export async function parseSchemeFile(bytes: Uint8Array, fileName: string, options: SchemeFileOptions = {}): Promise<SchemeResult> {
  const ext = extname(fileName).toLowerCase();
  const name = cleanName(options.name) ?? (options.nameFromFileName === false ? undefined : cleanName(basename(fileName, extname(fileName))));
  if (bytes.length === 0) return fail('计分方案文件是空的');
  try {
    if (ext === '.json') return fromJsonText(decodeText(bytes), cleanName(options.name), name);
    if (ext === '.xlsx') {
      const grid = await readXlsxGrid(bytes);
      const table = tableFromGrid(grid);
      const titled = cleanName(options.name) ?? titleRow(grid) ?? name;
      return schemeFromRows(table.rows, { headers: table.headers, ...(titled !== undefined ? { name: titled } : {}) });
    }
    if (ext === '.csv') {
      const table = await parseTableFile(bytes, fileName);
      return schemeFromRows(table.rows, { headers: table.headers, ...(name !== undefined ? { name } : {}) });
    }
    if (ext === '.xls' || ext === '.et') return fail(`不支持旧版 Excel 文件（${ext}），请在 Excel/WPS 中另存为 .xlsx 或 .csv 后再导入`);
    return fail(`不支持的文件类型“${ext || fileName}”，请使用 ${SCHEME_FILE_EXTENSIONS.join('、')} 文件`);
  } catch (e) {
    // The table readers throw ValidationError for files they cannot read (bad zip, bad CSV quoting).
    if (e instanceof AppError && e.status < 500) return fail(e.message);
    throw e;
  }
}

/**
 * JSON text: a scheme object, or rows. `override` (the --name given) wins over the JSON's own name; the file
 * name is used only when the JSON has none.
 */
function fromJsonText(text: string, override: string | undefined, fileName: string | undefined): SchemeResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(`JSON 格式不正确：${e instanceof Error ? e.message : String(e)}`);
  }
  if (Array.isArray(data)) {
    const table = parseJsonTable(text);
    const name = override ?? fileName;
    return schemeFromRows(table.rows, { headers: table.headers, ...(name !== undefined ? { name } : {}) });
  }
  if (data !== null && typeof data === 'object') {
    const object = data as Record<string, unknown>;
    const own = typeof object.name === 'string' ? cleanName(object.name) : undefined;
    const name = override ?? own ?? fileName;
    return schemeFromJson(name === undefined ? object : { ...object, name });
  }
  return schemeFromJson(data);
}

/**
 * The title above the header ("2026年度五型模范机关互观互检评分表" in a merged first row), if any: the header is the
 * first row with two different non-empty cells (as tableFromGrid finds it); a title is a row above it with one.
 */
function titleRow(grid: readonly (readonly string[])[]): string | undefined {
  for (const row of grid) {
    const cells = [...new Set(row.map((c) => c.trim()).filter((c) => c !== ''))];
    if (cells.length >= 2) return undefined;
    if (cells.length === 1) return cells[0];
  }
  return undefined;
}

function cleanName(value: string | undefined): string | undefined {
  const s = value?.trim();
  return s ? s : undefined;
}

function fail(message: string): SchemeResult {
  return { ok: false, scheme: null, problems: [{ row: null, message }] };
}

export interface StoreSchemeResult {
  dryRun: boolean;
  /** The scheme was not stored before (in a dry run: would be stored). */
  created: boolean;
  /** Its id; null in a dry run of a new scheme. */
  id: number | null;
  scheme: Scheme;
}

class RollBack extends Error {
  constructor(readonly saved: { id: number; created: boolean }) {
    super('roll back');
  }
}

/**
 * Stores a validated scheme (idempotent by content, see saveScheme). A dry run goes through the same saveScheme
 * in a transaction that is rolled back, so it answers "new or already stored" exactly as a real import would.
 */
export async function storeScheme(db: DbOrTx, scheme: Scheme, opts: { dryRun: boolean; actor: string; at: Date }): Promise<StoreSchemeResult> {
  const meta = { actor: opts.actor, at: opts.at };
  if (!opts.dryRun) return { dryRun: false, ...(await saveScheme(db, scheme, meta)), scheme };
  try {
    await db.transaction(async (tx) => {
      throw new RollBack(await saveScheme(tx, scheme, meta));
    });
  } catch (e) {
    if (!(e instanceof RollBack)) throw e;
    return { dryRun: true, created: e.saved.created, id: e.saved.created ? null : e.saved.id, scheme };
  }
  throw new Error('storeScheme: the dry run was not rolled back');
}
