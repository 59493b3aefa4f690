import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import mammoth from 'mammoth';
import type { DimensionConfig } from '../domain/plans/dimensions.js';
import { outlineFromGrid } from '../domain/plans/outline-from-grid.js';
import { parseOutlineDetailed } from '../domain/plans/parse-outline.js';
import { EMPTY_OUTLINE_MESSAGE } from '../domain/plans/types.js';
import type { PlanDetailsMap, PlanOutline } from '../domain/plans/types.js';
import { ValidationError } from '../errors.js';
import { decodeText } from './read-table-file.js';
import { readXlsxGrid } from './read-xlsx.js';

export const PLAN_FILE_EXTENSIONS = ['.txt', '.md', '.docx', '.xlsx'] as const;

export type PlanFileFormat = 'text' | 'docx' | 'xlsx';

export interface PlanFile {
  format: PlanFileFormat;
  /** Exactly what `import-plan --json` prints. */
  outline: PlanOutline;
  /** Per-node 完成时限 / 责任单位 / 责任人 / 清单类型 from a spreadsheet; empty for documents. */
  details: PlanDetailsMap;
  /** Paragraphs before the first marker that are not the title (documents only). */
  preamble: string[];
  /** Odd numbering worth a look; never fatal. */
  warnings: string[];
}

export interface ReadPlanOptions {
  dimensions?: DimensionConfig;
}

/** Reads a plan (工作要点 / 实施方案) from .txt, .md, .docx or an .xlsx in the plan template. */
export async function readPlanFile(path: string, options: ReadPlanOptions = {}): Promise<PlanFile> {
  const ext = extname(path).toLowerCase();
  if (!(PLAN_FILE_EXTENSIONS as readonly string[]).includes(ext)) unsupported(ext, basename(path));
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ValidationError(`无法读取文件“${basename(path)}”：${e instanceof Error ? e.message : String(e)}`);
  }
  return parsePlanFile(bytes, basename(path), options);
}

/** Same as readPlanFile for bytes already in memory (an upload); `fileName` picks the format by extension. */
export async function parsePlanFile(bytes: Uint8Array, fileName: string, options: ReadPlanOptions = {}): Promise<PlanFile> {
  const ext = extname(fileName).toLowerCase();
  switch (ext) {
    case '.txt':
      return fromText('text', decodeText(bytes), options);
    case '.md':
      return fromText('text', plainTextFromMarkdown(decodeText(bytes)), options);
    case '.docx':
      return fromText('docx', await docxText(bytes), options);
    case '.xlsx':
      return fromGrid(await readXlsxGrid(bytes), options);
    default:
      return unsupported(ext, fileName);
  }
}

/**
 * Markdown → the plain lines the outline parser reads: "## 一、总体要求" → "一、总体要求", "**（一）…**" → "（一）…",
 * "> 引文" → "引文". A markdown list item "1. …" already reads as a level-3 item.
 */
export function plainTextFromMarkdown(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line
      .replace(/^\s*#{1,6}\s+/, '')
      .replace(/^\s*>\s?/, '')
      .replace(/(\*\*|__)(.+?)\1/g, '$2')
      .replace(/\\([.()（）\\*_#>-])/g, '$1'))
    .join('\n');
}

function unsupported(ext: string, fileName: string): never {
  if (ext === '.doc' || ext === '.wps') {
    throw new ValidationError(`不支持旧版 Word 文件（${ext}），请在 Word/WPS 中另存为 .docx 后再导入`);
  }
  if (ext === '.xls' || ext === '.et') {
    throw new ValidationError(`不支持旧版 Excel 文件（${ext}），请在 Excel/WPS 中另存为 .xlsx 后再导入`);
  }
  throw new ValidationError(`不支持的文件类型“${ext || fileName}”，请使用 ${PLAN_FILE_EXTENSIONS.join('、')} 文件`);
}

/** The text of a .docx, one paragraph per line (mammoth's extractRawText; Word's automatic numbering is lost). */
export async function docxText(bytes: Uint8Array): Promise<string> {
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    return result.value;
  } catch (e) {
    throw new ValidationError(`无法读取 Word 文件（.docx）：${e instanceof Error ? e.message : String(e)}`);
  }
}

function fromText(format: PlanFileFormat, text: string, options: ReadPlanOptions): PlanFile {
  const parsed = parseOutlineDetailed(text, options);
  if (parsed.outline.nodes.length === 0) throw new ValidationError(EMPTY_OUTLINE_MESSAGE);
  return { format, outline: parsed.outline, details: new Map(), preamble: parsed.preamble, warnings: parsed.warnings };
}

function fromGrid(grid: string[][], options: ReadPlanOptions): PlanFile {
  const parsed = outlineFromGrid(grid, options);
  if (parsed.errors.length > 0) {
    throw new ValidationError(`计划表格有${parsed.errors.length}处问题：${parsed.errors.map((e) => e.message).join('；')}`, parsed.errors);
  }
  if (parsed.outline.nodes.length === 0) throw new ValidationError(EMPTY_OUTLINE_MESSAGE);
  return { format: 'xlsx', outline: parsed.outline, details: parsed.details, preamble: [], warnings: [] };
}
