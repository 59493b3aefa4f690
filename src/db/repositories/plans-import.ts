import { basename, extname } from 'node:path';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '../client.js';
import { assignments, orgUnits, people, planItems, plans } from '../schema/index.js';
import { appendAudit } from './audit.js';
import { chunks } from './org-common.js';
import { desiredItems, treeSummary, type DesiredItem, type OrgNames } from './plans-desired.js';
import { describeDiff, diffPlan, type PlanDiff, type StoredItem } from './plans-diff.js';
import type { Clock } from '../../domain/clock.js';
import { trimText } from '../../domain/plans/outline-markers.js';
import { planYearFromTitle } from '../../domain/plans/plan-items.js';
import type { PlanDetailsMap, PlanOutline } from '../../domain/plans/types.js';
import { ValidationError } from '../../errors.js';

/** Serialises plan imports across instances; taken before the audit lock. */
const PLAN_IMPORT_LOCK = 727_020;

export type AssignMode = 'branches' | 'none';

export interface ImportPlanInput {
  outline: PlanOutline;
  /** Per-node spreadsheet columns (完成时限、责任单位、责任人、清单类型); absent for documents. */
  details?: PlanDetailsMap;
  year: number;
  /** Defaults to the document's title, else the file name without extension. */
  title?: string;
  /** The file the plan came from, e.g. "work-points-2023.txt". */
  sourceName: string;
  /** Compute the report, write nothing. */
  dryRun?: boolean;
  /** branches (default): every active task goes to every active 党支部; none: no assignments. */
  assign?: AssignMode;
  /** The reader's numbering warnings, passed through to the report. */
  warnings?: readonly string[];
  /** Recorded in the audit log, e.g. "cli:alice" or "token:党务办公室". */
  actor: string;
  clock: Clock;
}

export interface PlanTreeSummary {
  marker: string;
  title: string;
  /** Direct children. */
  children: number;
  /** Tasks anywhere below. */
  tasks: number;
}

export interface PlanImportReport {
  dryRun: boolean;
  /** The file matches what is stored: nothing was (or would be) written. */
  unchanged: boolean;
  /** null on a dry run of a plan that does not exist yet. */
  planId: number | null;
  year: number;
  title: string;
  sourceName: string;
  created: { items: number; assignments: number };
  updated: { items: number };
  deactivated: { items: number };
  /** Active 党支部 the tasks fan out to (0 with assign "none"). */
  branches: number;
  /** One Chinese line per change. */
  changes: string[];
  tree: PlanTreeSummary[];
  warnings: string[];
}

/** The year the first title naming one names ("2023年区党建工作要点" → 2023), else the current year in `timeZone`. */
export function defaultPlanYear(titles: readonly (string | undefined)[], timeZone: string, at: Date): number {
  for (const title of titles) {
    const year = title === undefined ? null : planYearFromTitle(title);
    if (year !== null) return year;
  }
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(at));
}

function planTitle(input: ImportPlanInput): string {
  const title = trimText(input.title ?? '') || trimText(input.outline.title) || basename(input.sourceName, extname(input.sourceName)).trim();
  if (title === '') throw new ValidationError('计划没有标题：文档第一行不是标题，请指定标题（--title 或 title 参数）');
  if (title.length > 200) throw new ValidationError(`计划标题过长（${title.length} 字，上限 200 字）`);
  return title;
}

async function orgNames(tx: DbOrTx): Promise<OrgNames> {
  const units = await tx.select({ id: orgUnits.id, name: orgUnits.name }).from(orgUnits).where(eq(orgUnits.active, true));
  const persons = await tx.select({ id: people.id, name: people.name }).from(people).where(eq(people.active, true));
  return { units, people: persons };
}

async function activeBranchIds(tx: DbOrTx): Promise<number[]> {
  const rows = await tx.select({ id: orgUnits.id }).from(orgUnits).where(and(eq(orgUnits.kind, 'branch'), eq(orgUnits.active, true))).orderBy(orgUnits.id);
  return rows.map((r) => r.id);
}

/** The (task, branch) pairs the import adds; a new task (no stored id) gets every branch. */
async function missingAssignments(tx: DbOrTx, desired: readonly DesiredItem[], stored: readonly StoredItem[], branches: readonly number[]): Promise<number> {
  if (branches.length === 0) return 0;
  const idOf = new Map(stored.map((s) => [s.path, s.id]));
  const taskIds = desired.filter((d) => d.level === 'task').map((d) => idOf.get(d.path));
  const storedIds = taskIds.filter((id): id is number => id !== undefined);
  const have = new Set<string>();
  for (const part of chunks(storedIds)) {
    const rows = await tx.select({ itemId: assignments.itemId, unitId: assignments.unitId }).from(assignments)
      .where(and(inArray(assignments.itemId, part), eq(assignments.assigneeKind, 'unit')));
    for (const r of rows) have.add(`${r.itemId}:${r.unitId}`);
  }
  let n = 0;
  for (const id of taskIds) for (const b of branches) if (id === undefined || !have.has(`${id}:${b}`)) n++;
  return n;
}

/**
 * Imports a parsed plan in one transaction: the plan (matched by year and title) and its item tree (matched by
 * path). Changed items are updated in place, new ones created, items the file no longer has deactivated (never
 * deleted); tasks fan out to the active 党支部. Re-importing the same file changes nothing and audits nothing.
 */
export async function importPlan(database: Database, input: ImportPlanInput): Promise<PlanImportReport> {
  const { year } = input;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new ValidationError(`计划年份“${year}”不合法，应为 2000–2100 之间的四位年份`);
  const title = planTitle(input);
  const dryRun = input.dryRun ?? false;
  const at = input.clock.now();
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PLAN_IMPORT_LOCK})`);
    const desired = desiredItems(input.outline, { year, org: await orgNames(tx), ...(input.details ? { details: input.details } : {}) });
    const [plan] = await tx.select().from(plans).where(and(eq(plans.year, year), eq(plans.title, title)));
    const stored = plan ? await tx.select().from(planItems).where(eq(planItems.planId, plan.id)).orderBy(planItems.id) : [];
    const diff = diffPlan(desired, stored);
    const branches = (input.assign ?? 'branches') === 'branches' ? await activeBranchIds(tx) : [];
    const newAssignments = await missingAssignments(tx, desired, stored, branches);
    const changes = [
      ...(plan ? [] : [`新建计划：${year}年《${title}》`]),
      ...describeDiff(diff),
      ...(newAssignments > 0 ? [`分派任务 ${newAssignments} 条（${branches.length} 个党支部）`] : []),
    ];
    const report: PlanImportReport = {
      dryRun, unchanged: plan !== undefined && changes.length === 0, planId: plan?.id ?? null, year, title, sourceName: input.sourceName,
      created: { items: diff.create.length, assignments: newAssignments }, updated: { items: diff.update.length },
      deactivated: { items: diff.deactivate.length }, branches: branches.length, changes, tree: treeSummary(desired),
      warnings: [...(input.warnings ?? [])],
    };
    if (dryRun || report.unchanged) return report;

    let planId = plan?.id;
    if (planId === undefined) {
      const [row] = await tx.insert(plans).values({ year, title, sourceName: input.sourceName, createdAt: at, createdBy: input.actor }).returning({ id: plans.id });
      if (!row) throw new Error('insert returned no row');
      planId = row.id;
    }
    const itemIds = await writeItems(tx, planId, desired, stored, diff, at);
    const tasks = desired.filter((d) => d.level === 'task').map((d) => ({ itemId: itemIds.get(d.path) ?? -1, dueDate: d.dueDate }));
    const created = await fanOut(tx, tasks, branches, at);
    if (created !== newAssignments) throw new Error(`assignment count drifted: planned ${newAssignments}, inserted ${created}`);
    await appendAudit(tx, at, {
      actor: input.actor, action: 'plan.import', subjectType: 'plan', subjectId: planId,
      data: { year, title, sourceName: input.sourceName, created: report.created, updated: report.updated, deactivated: report.deactivated, changes },
    });
    return { ...report, planId };
  });
}

/** Applies the diff, parents before children; returns every path's id. */
async function writeItems(tx: DbOrTx, planId: number, desired: readonly DesiredItem[], stored: readonly StoredItem[], diff: PlanDiff, at: Date): Promise<Map<string, number>> {
  const idOf = new Map(stored.map((s) => [s.path, s.id]));
  const changeOf = new Map([...diff.create, ...diff.update].map((c) => [c.desired.path, c]));
  for (const d of desired) {
    const change = changeOf.get(d.path);
    if (!change) continue;
    const values = {
      parentId: d.parentPath === null ? null : (idOf.get(d.parentPath) ?? null), position: d.position, level: d.level, marker: d.marker,
      title: d.title, text: d.text, dueDate: d.dueDate, dimensions: d.dimensions, listKind: d.listKind, responsibleUnitId: d.responsibleUnitId,
      responsiblePersonId: d.responsiblePersonId, responsibleText: d.responsibleText, active: true,
    };
    const existing = change.existing;
    if (existing) {
      await tx.update(planItems).set(values).where(eq(planItems.id, existing.id));
      if (existing.dueDate !== d.dueDate) {
        // Assignments still on the old date follow the plan; ones moved by an approved extension keep theirs.
        await tx.update(assignments).set({ dueDate: d.dueDate }).where(and(
          eq(assignments.itemId, existing.id),
          existing.dueDate === null ? isNull(assignments.dueDate) : eq(assignments.dueDate, existing.dueDate),
        ));
      }
    } else {
      const [row] = await tx.insert(planItems).values({ ...values, planId, path: d.path, createdAt: at }).returning({ id: planItems.id });
      if (!row) throw new Error('insert returned no row');
      idOf.set(d.path, row.id);
    }
  }
  for (const part of chunks(diff.deactivate.map((s) => s.id))) {
    await tx.update(planItems).set({ active: false }).where(inArray(planItems.id, part));
  }
  return idOf;
}

/** Every task to every branch (due when the task is); existing rows are left alone. Returns how many were inserted. */
async function fanOut(tx: DbOrTx, tasks: readonly { itemId: number; dueDate: string }[], branches: readonly number[], at: Date): Promise<number> {
  const rows = tasks.flatMap(({ itemId, dueDate }) => branches.map((unitId) => ({ itemId, assigneeKind: 'unit' as const, unitId, dueDate, createdAt: at })));
  let inserted = 0;
  for (const part of chunks(rows)) {
    inserted += (await tx.insert(assignments).values(part).onConflictDoNothing().returning({ id: assignments.id })).length;
  }
  return inserted;
}
