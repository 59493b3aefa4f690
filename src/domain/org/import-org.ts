import { ValidationError } from '../../errors.js';
import { planImport } from './plan-import.js';
import type { ImportOptions, OrgImportPlan, OrgImportReport, OrgSnapshot, RawRow, RowError } from './types.js';
import { validateImportRows } from './validate-import-rows.js';

/** Where an import reads the organisation and writes its plan: one implementation over the database. */
export interface OrgImportStore {
  snapshot(): Promise<OrgSnapshot>;
  apply(plan: OrgImportPlan, report: OrgImportReport, actor: string, at: Date): Promise<void>;
}

/** Runs `fn` in one transaction: snapshot and apply see and change the same state, or nothing is written. */
export type OrgImportTransaction = <T>(fn: (store: OrgImportStore) => Promise<T>) => Promise<T>;

export interface ImportOrgOptions extends ImportOptions {
  actor: string;
  at: Date;
  /** Header row of the file; defaults to the union of the rows' keys. */
  headers?: readonly string[];
}

/** How many row errors the exception message spells out (details always carry all of them). */
const MESSAGE_LINES = 20;

/**
 * Imports an organisation table: validates every row, plans against the stored organisation and applies the
 * plan, all or nothing. Throws ValidationError with details [{row, message}] listing every problem.
 */
export async function importOrg(transaction: OrgImportTransaction, rawRows: readonly RawRow[], opts: ImportOrgOptions): Promise<OrgImportReport> {
  const validated = validateImportRows(rawRows, opts.headers);
  if (validated.fatal) throw importError(validated.errors);
  return transaction(async (store) => {
    const snapshot = await store.snapshot();
    const { plan, report, errors } = planImport(snapshot, validated.rows, opts);
    // Row errors and store-dependent errors are reported together, so one round of fixes is enough.
    const all = [...validated.errors, ...errors].sort((a, b) => a.row - b.row);
    if (all.length > 0) throw importError(all);
    if (!opts.dryRun && !report.unchanged) await store.apply(plan, report, opts.actor, opts.at);
    return report;
  });
}

export function importError(errors: readonly RowError[]): ValidationError {
  const shown = errors.slice(0, MESSAGE_LINES).map((e) => e.message);
  if (errors.length > MESSAGE_LINES) shown.push(`……另有 ${errors.length - MESSAGE_LINES} 处`);
  const head = errors.length === 1 ? '组织导入失败' : `组织导入失败，共 ${errors.length} 处错误`;
  return new ValidationError(`${head}：\n${shown.join('\n')}`, errors.map((e) => ({ row: e.row, message: e.message })));
}
