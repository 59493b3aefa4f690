/** A year of the working-day calendar: every day as the bot sees it (holiday data, overridden by admins). */
import type { Db } from '../../../db/client.js';
import { listCalendarOverrides } from '../../../db/repositories/calendar.js';
import { createCalendar, localDate, packageDay, packageKnowsYear, type DayInfo } from '../../../domain/calendar.js';

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

export interface DayRow extends DayInfo {
  weekday: number;
  weekend: boolean;
  /** What the holiday data alone says (before the override). */
  base: DayInfo;
  override: { workday: boolean; note: string | null; updatedBy: string | null; updatedAt: Date } | null;
  /** A day worth listing: a holiday, a 调休 working weekend, or an override. */
  special: boolean;
  kind: 'holiday' | 'adjusted-work' | 'rest' | 'work';
}

export interface YearData {
  year: number;
  /** The holiday package has this year's official schedule. */
  known: boolean;
  days: DayRow[];
}

/** The default year: the coming one from October on (its 放假安排 gets published then), else this one. */
export function defaultYear(now: Date, timezone: string): number {
  const [y, m] = localDate(now, timezone).split('-').map(Number) as [number, number];
  return m >= 10 ? y + 1 : y;
}

function isoDays(year: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * Every day of the year through the domain's own calendar (createCalendar, so the override rule is the bot's),
 * with the year's overrides read once instead of once per day.
 */
export async function yearData(db: Db, timezone: string, year: number): Promise<YearData> {
  const overrides = await listCalendarOverrides(db, `${year}-01-01`, `${year}-12-31`);
  const byDay = new Map(overrides.map((o) => [o.day, o]));
  const calendar = createCalendar(timezone, { find: async (date) => byDay.get(date) });
  const days: DayRow[] = [];
  for (const date of isoDays(year)) {
    const info = await calendar.describe(date);
    const base = packageDay(date);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const o = byDay.get(date);
    const kind: DayRow['kind'] = info.workday ? (weekend ? 'adjusted-work' : 'work') : weekend && !info.name ? 'rest' : 'holiday';
    days.push({
      ...info, weekday, weekend, base,
      override: o ? { workday: o.workday, note: o.note, updatedBy: o.updatedBy, updatedAt: o.updatedAt } : null,
      special: o !== undefined || info.source === 'holiday-package',
      kind,
    });
  }
  return { year, known: packageKnowsYear(year), days };
}
