import chineseDays from 'chinese-days';

/**
 * Working days in the business time zone: the State Council's 法定节假日 and 调休 working weekends from the
 * chinese-days package, overridden per date by administrators (the next year's schedule is published in
 * late autumn, before the package catches up; agencies also have local arrangements).
 */
export interface Calendar {
  readonly timezone: string;
  isWorkday(at: Date | string): Promise<boolean>;
  /** Why a day is what it is, for previews and the admin console. */
  describe(at: Date | string): Promise<DayInfo>;
}

export interface DayInfo {
  date: string;
  workday: boolean;
  source: 'override' | 'holiday-package' | 'weekday';
  /** e.g. "国庆节", "国庆节调休上班", or the override's note. */
  name: string | null;
}

/** Port: administrators' overrides, by ISO date. */
export interface CalendarOverrideStore {
  find(date: string): Promise<{ workday: boolean; note: string | null } | undefined>;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isIsoDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The calendar date of an instant in a time zone, as YYYY-MM-DD; a YYYY-MM-DD string is taken as already local. */
export function localDate(at: Date | string, timezone: string): string {
  if (typeof at === 'string') {
    if (!isIsoDate(at)) throw new RangeError(`not a date: ${at}`);
    return at;
  }
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function createCalendar(timezone: string, overrides: CalendarOverrideStore): Calendar {
  const describe = async (at: Date | string): Promise<DayInfo> => {
    const date = localDate(at, timezone);
    const o = await overrides.find(date);
    if (o) return { date, workday: o.workday, source: 'override', name: o.note };
    return packageDay(date);
  };
  return {
    timezone,
    describe,
    isWorkday: async (at) => (await describe(at)).workday,
  };
}

/** What the holiday package says, without overrides. */
export function packageDay(date: string): DayInfo {
  const detail = chineseDays.getDayDetail(date);
  // The package names holidays "English,中文,days" and ordinary days by their weekday in English.
  const parts = detail.name.split(',');
  const festival = parts.length >= 2 ? (parts[1] ?? null) : null;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  if (festival) {
    return { date, workday: detail.work, source: 'holiday-package', name: detail.work ? `${festival}调休上班` : festival };
  }
  return { date, workday: detail.work, source: weekend === !detail.work ? 'weekday' : 'holiday-package', name: null };
}

/** Whether the holiday package has the official schedule for a year (it lists at least one holiday then). */
export function packageKnowsYear(year: number): boolean {
  return chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
}
