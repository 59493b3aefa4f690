/**
 * An uploaded plan file → everything the preview shows, computed with the import's own code: the reader
 * (parsePlanFile), a dry run of importPlan (the report, with every change and problem) and the item tree it would
 * write (desiredItems, diffPlan). Nothing is written here.
 */
import { basename, extname } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { orgUnits, people, planItems } from '../../../db/schema/index.js';
import { defaultPlanYear, importPlan, loadDimensionConfig, type AssignMode, type PlanImportReport } from '../../../db/repositories/plans.js';
import { desiredItems, type DesiredItem } from '../../../db/repositories/plans-desired.js';
import { diffPlan, type PlanDiff, type StoredItem } from '../../../db/repositories/plans-diff.js';
import { outlineLines } from '../../../domain/plans/parse-outline.js';
import { matchMarker } from '../../../domain/plans/outline-markers.js';
import { AppError, ValidationError } from '../../../errors.js';
import type { AppDeps } from '../../../http/deps.js';
import { docxText, parsePlanFile, plainTextFromMarkdown, PLAN_FILE_EXTENSIONS, type PlanFile } from '../../../importers/read-plan-file.js';
import { decodeText } from '../../../importers/read-table-file.js';
import { readXlsxGrid } from '../../../importers/read-xlsx.js';
import type { UploadedFile } from '../../forms.js';
import { encodePreview, PREVIEW_TTL_MS, reportDigest } from './preview-token.js';

/** One line (document) or row (spreadsheet) as read, with its number as problems cite it. */
export interface SourceLine {
  no: number;
  text: string;
  /** Starts with an outline marker (一、 （一） 1. （1）): an item begins here. */
  marker: boolean;
  /** A warning or error names this line. */
  flagged: boolean;
}

export interface ImportOptions {
  year?: number;
  title?: string;
  assign: AssignMode;
}

export interface PreviewModel {
  fileName: string;
  format: 'text' | 'docx' | 'xlsx' | null;
  source: SourceLine[];
  /** Problems that block saving (any → nothing can be saved). */
  errors: string[];
  /** Odd numbering etc.: worth a look, not blocking. */
  warnings: string[];
  report: PlanImportReport | null;
  items: DesiredItem[];
  diff: PlanDiff | null;
  unitNames: Map<number, string>;
  personNames: Map<number, string>;
  /** The signed "确认保存" token; null when there are errors or nothing would change. */
  token: string | null;
  options: ImportOptions;
}

/** A ValidationError's lines: its details (row errors) when it has any, else its message. */
export function problemLines(e: AppError): string[] {
  const details = Array.isArray(e.details) ? (e.details as unknown[]) : [];
  const lines = details.map((d) => {
    if (typeof d === 'string') return d;
    const o = d as { row?: number; line?: number; message?: string };
    const message = o.message ?? JSON.stringify(d);
    const where = o.row ?? o.line;
    return where !== undefined && where > 0 && !message.startsWith('第') ? `第${where}行：${message}` : message;
  });
  return lines.length > 0 ? lines : [e.message];
}

/** The file's name as recorded (base name only, no control characters, at most 200 characters). */
function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base.slice(0, 200);
}

/** The text exactly as the reader sees it, split into the lines the parser numbers its warnings by. */
async function sourceLines(bytes: Uint8Array, fileName: string): Promise<SourceLine[]> {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.xlsx') {
    const grid = await readXlsxGrid(bytes);
    return grid.flatMap((row, i) => {
      // A merged cell (a title row across the sheet) repeats in every column it covers: shown once.
      const text = row.map((c) => c.trim()).filter((c, j, all) => c !== '' && c !== all[j - 1]).join(' ｜ ');
      return text === '' ? [] : [{ no: i + 1, text, marker: false, flagged: false }];
    });
  }
  const text = ext === '.docx' ? await docxText(bytes) : ext === '.md' ? plainTextFromMarkdown(decodeText(bytes)) : decodeText(bytes);
  return outlineLines(text).flatMap((line, i) => (line === '' ? [] : [{ no: i + 1, text: line, marker: matchMarker(line) !== null, flagged: false }]));
}

function flag(source: SourceLine[], problems: readonly string[]): void {
  const cited = new Set<number>();
  for (const p of problems) for (const m of p.matchAll(/第(\d+)行/g)) cited.add(Number(m[1]));
  for (const l of source) if (cited.has(l.no)) l.flagged = true;
}

/** A preview with nothing in it yet (and, given, the problems that stopped it). */
export function emptyPreview(fileName: string, options: ImportOptions, errors: string[] = []): PreviewModel {
  return {
    fileName: cleanFileName(fileName), format: null, source: [], errors, warnings: [], report: null, items: [], diff: null,
    unitNames: new Map(), personNames: new Map(), token: null, options,
  };
}

/** Reads, dry-runs and describes an upload. Never throws for a bad file: its problems are in `errors`. */
export async function buildPreview(deps: AppDeps, file: UploadedFile | undefined, options: ImportOptions, session: { sessionId: number; actor: string }): Promise<PreviewModel> {
  const db = deps.database.db;
  const model = emptyPreview(file?.filename ?? '', options);
  if (!file || (file.filename === '' && file.data.length === 0)) {
    model.errors.push('请选择要导入的计划文件（.txt、.md、.docx 或 .xlsx）。');
    return model;
  }
  const ext = extname(model.fileName).toLowerCase();
  if (!(PLAN_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    // The reader's own message (it names .doc/.xls and what to do about them).
    try {
      await parsePlanFile(file.data, model.fileName || 'upload');
    } catch (e) {
      model.errors.push(...(e instanceof AppError ? problemLines(e) : [`无法读取文件：${String(e)}`]));
    }
    return model;
  }
  if (file.data.length === 0) {
    model.errors.push(`上传的文件“${model.fileName}”是空的（0 字节），请检查后重新选择。`);
    return model;
  }

  let parsed: PlanFile;
  try {
    model.source = await sourceLines(file.data, model.fileName);
    parsed = await parsePlanFile(file.data, model.fileName, { dimensions: await loadDimensionConfig(db) });
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    model.errors.push(...problemLines(e));
    flag(model.source, model.errors);
    return model;
  }
  model.format = parsed.format;
  model.warnings = [...parsed.warnings];
  const now = deps.clock.now();
  const year = options.year ?? defaultPlanYear([options.title, parsed.outline.title], deps.config.timezone, now);
  try {
    model.report = await importPlan(deps.database, {
      outline: parsed.outline, details: parsed.details, year, ...(options.title ? { title: options.title } : {}), sourceName: model.fileName,
      dryRun: true, assign: options.assign, warnings: parsed.warnings, actor: session.actor, clock: deps.clock,
    });
    const units = await db.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits).where(eq(orgUnits.active, true));
    const persons = await db.select({ id: people.id, name: people.name }).from(people).where(eq(people.active, true));
    model.items = desiredItems(parsed.outline, { year, details: parsed.details, org: { units, people: persons } });
    const stored: StoredItem[] = model.report.planId === null ? [] : await db.select().from(planItems).where(eq(planItems.planId, model.report.planId)).orderBy(planItems.id);
    model.diff = diffPlan(model.items, stored);
    model.unitNames = new Map(units.map((u) => [u.id, u.name]));
    const personIds = [...new Set(model.items.flatMap((i) => (i.responsiblePersonId === null ? [] : [i.responsiblePersonId])))];
    if (personIds.length > 0) {
      const named = await db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, personIds));
      model.personNames = new Map(named.map((p) => [p.id, p.name]));
    }
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    model.errors.push(...problemLines(e));
  }
  flag(model.source, [...model.errors, ...model.warnings]);
  if (model.errors.length === 0 && model.report && !model.report.unchanged) {
    try {
      model.token = encodePreview(deps.appSecret, {
        sessionId: session.sessionId, expiresAt: now.getTime() + PREVIEW_TTL_MS, year, ...(options.title ? { title: options.title } : {}),
        sourceName: model.fileName, assign: options.assign, outline: parsed.outline, details: parsed.details, warnings: parsed.warnings,
        digest: reportDigest(model.report),
      });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      model.errors.push(e.message);
    }
  }
  return model;
}
