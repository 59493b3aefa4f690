/**
 * Who may see which branches in the 报表 pages, and the query parameters they share. The scope is the console's
 * (admins every branch, leaders the branches under their 分管范围), turned into the exports' ReportScope the way
 * the admin API does it (scopeOfUnits, narrowScope for one branch).
 */
import { asc, eq } from 'drizzle-orm';
import type { Context } from 'koa';
import type { DbOrTx } from '../../../db/client.js';
import { orgUnits } from '../../../db/schema/index.js';
import { localDate } from '../../../domain/calendar.js';
import { MAX_REPORT_YEAR, MIN_REPORT_YEAR, YEAR_REPORT_KINDS, type YearReportKind } from '../../../domain/reports/period.js';
import { narrowScope, scopeOfUnits, type ReportScope } from '../../../exports/year-report-data.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../errors.js';
import type { AppDeps } from '../../../http/deps.js';
import { canSeeUnit, type ConsoleUser } from '../../console-user.js';

/** The report scope of a console user, optionally narrowed to one branch (`unit`: its id) they may see. */
export async function consoleReportScope(db: DbOrTx, user: ConsoleUser, unit?: string): Promise<ReportScope> {
  const visible = await scopeOfUnits(db, user.visible);
  if (visible.branchIds !== 'all' && visible.branchIds.length === 0) throw new ForbiddenError('您的查看范围内没有党支部。');
  if (unit !== undefined && unit !== '' && !/^\d{1,9}$/.test(unit)) throw new ValidationError('党支部编号无效。');
  return narrowScope(db, visible, unit === '' ? undefined : unit);
}

/** Branches (also 已撤销 ones: a past year's report may cover them) the user may pick for a one-branch export. */
export async function scopeBranches(db: DbOrTx, user: ConsoleUser): Promise<{ id: number; name: string; active: boolean }[]> {
  const list = await db.select({ id: orgUnits.id, name: orgUnits.name, active: orgUnits.active }).from(orgUnits).where(eq(orgUnits.kind, 'branch')).orderBy(asc(orgUnits.id));
  return list.filter((b) => canSeeUnit(user, b.id));
}

export function thisYear(deps: AppDeps): number {
  return Number(localDate(deps.clock.now(), deps.config.timezone).slice(0, 4));
}

/** `?year=` (default this year). */
export function yearOf(ctx: Context, deps: AppDeps): number {
  const raw = ctx.query.year;
  if (raw === undefined || raw === '') return thisYear(deps);
  const year = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : NaN;
  if (!(year >= MIN_REPORT_YEAR && year <= MAX_REPORT_YEAR)) throw new ValidationError(`年份须为 ${MIN_REPORT_YEAR}–${MAX_REPORT_YEAR} 之间的四位数。`);
  return year;
}

export function unitOf(ctx: Context): string | undefined {
  return typeof ctx.query.unit === 'string' ? ctx.query.unit.trim() : undefined;
}

export function yearKindOf(value: string | undefined): YearReportKind {
  if (!(YEAR_REPORT_KINDS as readonly string[]).includes(value ?? '')) throw new NotFoundError('没有这种报表。');
  return value as YearReportKind;
}

/** Years offered in the selector: this year and the five before it, plus the chosen one. */
export function yearChoices(current: number, chosen: number): number[] {
  const list = new Set<number>([chosen]);
  for (let y = current - 5; y <= current; y++) list.add(y);
  return [...list].filter((y) => y >= MIN_REPORT_YEAR && y <= MAX_REPORT_YEAR).sort((a, b) => b - a);
}
