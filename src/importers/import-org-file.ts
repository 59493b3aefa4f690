import type { Database } from '../db/client.js';
import { createOrgImportStore } from '../db/repositories/org-import-store.js';
import type { Clock } from '../domain/clock.js';
import { demoOrgRows, DEMO_HEADERS } from '../domain/org/demo-org.js';
import { importOrg, type OrgImportTransaction } from '../domain/org/import-org.js';
import type { OrgImportReport, RawRow, RawTable } from '../domain/org/types.js';
import { readTableFile } from './read-table-file.js';

export interface ImportOrgFileOptions {
  /** Compute the report, write nothing. */
  dryRun?: boolean;
  /** Deactivate (never delete) active people the file does not mention. */
  deactivateMissing?: boolean;
  /** Recorded in the audit log, e.g. "cli" or "admin:张三". */
  actor: string;
  clock: Clock;
}

/** Imports the organisation from a .csv / .xlsx / .json file; see README "组织导入" for the columns. */
export async function importOrgFromFile(database: Database, path: string, opts: ImportOrgFileOptions): Promise<OrgImportReport> {
  return importOrgFromRows(database, await readTableFile(path), opts);
}

/** Same, from rows already read (an upload parsed with parseTableFile, or rows built in code). */
export async function importOrgFromRows(database: Database, table: RawTable | readonly RawRow[], opts: ImportOrgFileOptions): Promise<OrgImportReport> {
  const { rows, headers } = Array.isArray(table) ? { rows: table as readonly RawRow[], headers: undefined } : (table as RawTable);
  return importOrg(orgTransaction(database), rows, {
    actor: opts.actor,
    at: opts.clock.now(),
    dryRun: opts.dryRun ?? false,
    deactivateMissing: opts.deactivateMissing ?? false,
    ...(headers ? { headers } : {}),
  });
}

/** Loads the demo organisation (某某厅机关党委, five branches, 41 people); a second run reports no change. */
export async function seedDemoOrg(database: Database, opts: { actor: string; clock: Clock }): Promise<OrgImportReport> {
  return importOrgFromRows(database, { headers: [...DEMO_HEADERS], rows: demoOrgRows() }, opts);
}

function orgTransaction(database: Database): OrgImportTransaction {
  return (fn) => database.db.transaction((tx) => fn(createOrgImportStore(tx)));
}
