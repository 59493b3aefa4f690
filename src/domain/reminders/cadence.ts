import { addDays, workdayOnOrAfter, workdayOnOrBefore, workdaysBefore, type IsWorkday } from './days.js';
import { MEETING_KINDS, type Cadence, type MeetingKind, type ReminderSettings } from './settings.js';

/** One period of a meeting cadence: 2026-11 (monthly), 2026-Q4 (quarterly), 2026 (yearly). */
export interface Period {
  key: string;
  start: string;
  end: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const lastDay = (y: number, m: number): string => new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);

export function periodOf(cadence: Exclude<Cadence, 'off'>, date: string): Period {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  if (cadence === 'monthly') return { key: `${y}-${pad(m)}`, start: `${y}-${pad(m)}-01`, end: lastDay(y, m) };
  if (cadence === 'quarterly') {
    const q = Math.ceil(m / 3);
    return { key: `${y}-Q${q}`, start: `${y}-${pad(q * 3 - 2)}-01`, end: lastDay(y, q * 3) };
  }
  return { key: String(y), start: `${y}-01-01`, end: `${y}-12-31` };
}

/** The period before the one containing `date`. */
export function previousPeriod(cadence: Exclude<Cadence, 'off'>, date: string): Period {
  return periodOf(cadence, addDays(periodOf(cadence, date).start, -1));
}

/** 主题党日 of a month: the configured day, moved to the next working day. */
export function themeDayOf(month: string, s: Pick<ReminderSettings, 'themeDay'>, isWorkday: IsWorkday): string {
  return workdayOnOrAfter(isWorkday, `${month}-${pad(s.themeDay)}`);
}

/** The day members get the 主题党日 notice: the working day before it. */
export function themeNoticeDay(month: string, s: Pick<ReminderSettings, 'themeDay'>, isWorkday: IsWorkday): string {
  return workdaysBefore(isWorkday, themeDayOf(month, s, isWorkday), 1);
}

export interface CadenceDue {
  kind: MeetingKind;
  period: Period;
}

/**
 * The meetings whose secretary reminder falls on `today`: `cadenceLeadDays` working days before the period's
 * last working day. 主题党日 has a date of its own, so it is announced the day before instead.
 */
export function cadenceRemindersOn(today: string, s: ReminderSettings, isWorkday: IsWorkday, opts: { hasGroups: boolean }): CadenceDue[] {
  const out: CadenceDue[] = [];
  for (const kind of MEETING_KINDS) {
    const cadence = s.cadence[kind];
    if (cadence === 'off' || kind === 'theme_day' || (kind === 'group_meeting' && !opts.hasGroups)) continue;
    const period = periodOf(cadence, today);
    const lastWorkday = workdayOnOrBefore(isWorkday, period.end);
    if (workdaysBefore(isWorkday, lastWorkday, s.cadenceLeadDays) === today) out.push({ kind, period });
  }
  return out;
}

/** Is a record with this date one for the period? */
export const heldIn = (period: Period, heldOn: string): boolean => heldOn >= period.start && heldOn <= period.end;
