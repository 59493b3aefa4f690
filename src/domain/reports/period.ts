import { addDays } from '../reminders/days.js';

/**
 * 年中查账 looks at January–June, 年底交账 at the whole year; both stop at "today" while the period is still
 * running. Everything is a local calendar date (YYYY-MM-DD) in the business time zone.
 */
export type YearReportKind = 'midyear' | 'yearend';
export type ReportKind = YearReportKind | 'ledger';

export const YEAR_REPORT_KINDS: readonly YearReportKind[] = ['midyear', 'yearend'];
export const REPORT_KINDS: readonly ReportKind[] = ['midyear', 'yearend', 'ledger'];
export const REPORT_KIND_LABELS: Record<ReportKind, string> = { midyear: '年中查账', yearend: '年底交账', ledger: '台账' };

export interface ReportPeriod {
  kind: YearReportKind;
  year: number;
  /** First day of the period: YYYY-01-01. */
  from: string;
  /** Last day of the period: YYYY-06-30 or YYYY-12-31. */
  end: string;
  /**
   * The last day the figures cover: `end`, or today while the period is running (capped), or the day before
   * `from` for a year that has not begun.
   */
  asOf: string;
  /**
   * The day after `asOf`. A record counts when made before this day begins; an open item is overdue when its
   * due date is before it — so an item due today is not overdue yet, one due on the last day of a finished
   * period is.
   */
  cutoff: string;
  /** True while the period is still running (asOf < end). */
  capped: boolean;
  /** True for a year that has not begun. */
  notStarted: boolean;
}

export const MIN_REPORT_YEAR = 2000;
export const MAX_REPORT_YEAR = 2100;

export function reportPeriod(kind: YearReportKind, year: number, today: string): ReportPeriod {
  if (!Number.isInteger(year) || year < MIN_REPORT_YEAR || year > MAX_REPORT_YEAR) throw new RangeError(`年份须为 ${MIN_REPORT_YEAR}–${MAX_REPORT_YEAR} 的整数`);
  const from = `${year}-01-01`;
  const end = kind === 'midyear' ? `${year}-06-30` : `${year}-12-31`;
  const notStarted = today < from;
  const asOf = notStarted ? addDays(from, -1) : today < end ? today : end;
  return { kind, year, from, end, asOf, cutoff: addDays(asOf, 1), capped: asOf < end, notStarted };
}

/** "2026年年中查账" */
export function reportTitle(kind: ReportKind, year: number): string {
  return kind === 'ledger' ? `${year}年度党建工作台账` : `${year}年${REPORT_KIND_LABELS[kind]}`;
}

/** "2026-01-01 至 2026-06-30（统计截至 2026-05-20）" */
export function describePeriod(p: ReportPeriod): string {
  if (p.notStarted) return `${p.from} 至 ${p.end}（尚未开始）`;
  return `${p.from} 至 ${p.end}${p.capped ? `（统计截至 ${p.asOf}）` : ''}`;
}
