/**
 * Calendar arithmetic on local dates (YYYY-MM-DD) with a synchronous working-day answer: the async Calendar
 * port is asked once for a window of days (dayTable) so the pure rules below can walk days freely.
 */
export type IsWorkday = (date: string) => boolean;

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Monday of the date's week (weeks run Monday–Sunday in China). */
export function weekStart(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

/** The date itself when it is a working day, else the last working day before it (a deadline on a holiday). */
export function workdayOnOrBefore(isWorkday: IsWorkday, date: string): string {
  let d = date;
  for (let i = 0; i < 60 && !isWorkday(d); i++) d = addDays(d, -1);
  return d;
}

export function workdayOnOrAfter(isWorkday: IsWorkday, date: string): string {
  let d = date;
  for (let i = 0; i < 60 && !isWorkday(d); i++) d = addDays(d, 1);
  return d;
}

/** The working day `n` working days before `date` (n = 0: `date` itself). */
export function workdaysBefore(isWorkday: IsWorkday, date: string, n: number): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (isWorkday(d)) left--;
  }
  return d;
}

/** How many working days lie in (from, to]; 0 when to ≤ from. */
export function workdaysBetween(isWorkday: IsWorkday, from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkday(d)) n++;
  return n;
}

/** Local date and minutes after midnight of an instant. */
export function localClock(at: Date, tz: string): { date: string; minutes: number } {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '00';
  return { date: `${g('year')}-${g('month')}-${g('day')}`, minutes: Number(g('hour')) * 60 + Number(g('minute')) };
}

export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The instant of a local date and time in a time zone (offsets read from Intl, so any zone works). */
export function instantAt(date: string, hhmm: string, tz: string): Date {
  const wall = Date.parse(`${date}T${hhmm}:00Z`);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const seen = localClock(new Date(guess), tz);
    const seenWall = Date.parse(`${seen.date}T00:00:00Z`) + seen.minutes * 60_000;
    guess += wall - seenWall;
  }
  return new Date(guess);
}

/** Local dates from..to inclusive. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
