import { parseInteger } from './numbers.js';

/**
 * Dates as members type them, resolved to a calendar date (YYYY-MM-DD) in the business time zone relative to
 * `now`: 2026-12-05, 2026年12月5日, 12月5日, 12月5号, 12.5, 12/5, 十二月五日, 5号, 今天, 明天, 后天, 大后天,
 * 3天后, 两周后, 一个月后, 周五, 这周五, 本周五, 下周五, 下下周一, 周末, 月底, 本月底, 下月底, 12月底, 年底,
 * 下月5号 — optionally followed by 前/之前/以前/为止. Weeks start on Monday (下周五 is the Friday of next week).
 *
 * `direction` says which way an incomplete date points. `future` (deadlines): a month and day without a year
 * that has already passed this year means next year, a bare weekday is the next one (today counts).
 * `past` (when something happened): 11月30日 seen on 11月22日 means last year, 周五 is the last Friday,
 * and 昨天/前天/上周五/3天前 are understood.
 */
export type DateDirection = 'future' | 'past';

interface Ymd {
  y: number;
  m: number;
  d: number;
}

const DAY_MS = 86_400_000;

/** Today's calendar date in `tz` (throws RangeError for an unknown time zone). */
// Building an Intl.DateTimeFormat costs ~10× formatting with one (measured ~165 µs vs ~15 µs, on every message),
// and formatting costs more than the rest of parsing a short reply: the last answer per zone is kept for the
// same UTC second. That is exact: zone offsets and their changes are whole seconds, so a local date never
// changes within a UTC second.
const FORMATS = new Map<string, { format: Intl.DateTimeFormat; second?: number; ymd?: Ymd }>();

export function todayIn(now: Date, tz: string): Ymd {
  let entry = FORMATS.get(tz);
  if (!entry) {
    entry = { format: new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }) };
    FORMATS.set(tz, entry);
  }
  const second = Math.floor(now.getTime() / 1000);
  if (entry.second === second && entry.ymd) return { ...entry.ymd };
  const parts = entry.format.formatToParts(now);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const ymd = { y: get('year'), m: get('month'), d: get('day') };
  entry.second = second;
  entry.ymd = ymd;
  return { ...ymd };
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function valid(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function toMs(x: Ymd): number {
  return Date.UTC(x.y, x.m - 1, x.d);
}

function fromMs(ms: number): Ymd {
  const d = new Date(ms);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

function addDays(x: Ymd, n: number): Ymd {
  return fromMs(toMs(x) + n * DAY_MS);
}

function addMonths(x: Ymd, n: number): Ymd {
  const total = x.y * 12 + (x.m - 1) + n;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return { y, m, d: Math.min(x.d, daysInMonth(y, m)) };
}

function endOfMonth(y: number, m: number): Ymd {
  return { y, m, d: daysInMonth(y, m) };
}

export function formatYmd(x: Ymd): string {
  return `${String(x.y).padStart(4, '0')}-${String(x.m).padStart(2, '0')}-${String(x.d).padStart(2, '0')}`;
}

/** 1 = Monday … 7 = Sunday. */
function isoWeekday(x: Ymd): number {
  return ((new Date(toMs(x)).getUTCDay() + 6) % 7) + 1;
}

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };
const N = '(\\d{1,4}|[零〇一二两三四五六七八九十]{1,3})';
const re = (src: string): RegExp => new RegExp(`^${src}$`, 'u');

const FULL_DATE = re('(\\d{4})\\s*(?:[-/.]|年)\\s*(\\d{1,2})\\s*(?:[-/.]|月)\\s*(\\d{1,2})\\s*(?:日|号)?');
const MONTH_DAY = re(`${N}\\s*月\\s*${N}\\s*(?:日|号)?`);
const MONTH_DAY_NUMERIC = re('(\\d{1,2})\\s*[./]\\s*(\\d{1,2})');
const MONTH_END = re(`(?:(\\d{4})年)?${N}\\s*月(?:底|末|份?结束)`);
const DAY_ONLY = re(`${N}\\s*(?:日|号)`);
const NEXT_MONTH_DAY = re(`(下个?月|本月|这个?月)\\s*${N}\\s*(?:日|号)`);
const RELATIVE = re(`${N}\\s*(天|日|周|个星期|星期|个礼拜|礼拜|个月)\\s*(后|之后|以后|前|之前|以前)`);
const WEEKDAY_RE = re('(这个?|本|下下个?|下个?|上上个?|上个?)?\\s*(?:周|星期|礼拜)([一二三四五六日天七1-7])');
const WEEKEND_RE = re('(这个?|本|下个?|上个?)?\\s*(?:周末|礼拜天)');

const NAMED: Record<string, (t: Ymd) => Ymd> = {
  今天: (t) => t,
  今日: (t) => t,
  明天: (t) => addDays(t, 1),
  明日: (t) => addDays(t, 1),
  后天: (t) => addDays(t, 2),
  大后天: (t) => addDays(t, 3),
  昨天: (t) => addDays(t, -1),
  昨日: (t) => addDays(t, -1),
  前天: (t) => addDays(t, -2),
  大前天: (t) => addDays(t, -3),
  月底: (t) => endOfMonth(t.y, t.m),
  月末: (t) => endOfMonth(t.y, t.m),
  本月底: (t) => endOfMonth(t.y, t.m),
  本月末: (t) => endOfMonth(t.y, t.m),
  这个月底: (t) => endOfMonth(t.y, t.m),
  这月底: (t) => endOfMonth(t.y, t.m),
  下月底: (t) => endOfMonth(addMonths({ ...t, d: 1 }, 1).y, addMonths({ ...t, d: 1 }, 1).m),
  下个月底: (t) => endOfMonth(addMonths({ ...t, d: 1 }, 1).y, addMonths({ ...t, d: 1 }, 1).m),
  下月末: (t) => endOfMonth(addMonths({ ...t, d: 1 }, 1).y, addMonths({ ...t, d: 1 }, 1).m),
  下个月末: (t) => endOfMonth(addMonths({ ...t, d: 1 }, 1).y, addMonths({ ...t, d: 1 }, 1).m),
  下月初: (t) => addMonths({ ...t, d: 1 }, 1),
  下个月初: (t) => addMonths({ ...t, d: 1 }, 1),
  年底: (t) => ({ y: t.y, m: 12, d: 31 }),
  年末: (t) => ({ y: t.y, m: 12, d: 31 }),
  今年底: (t) => ({ y: t.y, m: 12, d: 31 }),
  今年年底: (t) => ({ y: t.y, m: 12, d: 31 }),
};
const PAST_ONLY = new Set(['昨天', '昨日', '前天', '大前天']);

/** Month and day without a year: this year, or the next (future) / previous (past) one when that fits. */
function withYear(m: number, d: number, today: Ymd, direction: DateDirection): Ymd | null {
  let y = today.y;
  if (direction === 'future' && (m < today.m || (m === today.m && d < today.d))) y += 1;
  if (direction === 'past' && (m > today.m || (m === today.m && d > today.d))) y -= 1;
  return valid(y, m, d) ? { y, m, d } : null;
}

function resolve(s: string, today: Ymd, direction: DateDirection): Ymd | null {
  const named = NAMED[s];
  if (named) return direction === 'future' && PAST_ONLY.has(s) ? null : named(today);
  let m: RegExpExecArray | null;
  if ((m = FULL_DATE.exec(s))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return valid(y, mo, d) ? { y, m: mo, d } : null;
  }
  if ((m = MONTH_END.exec(s))) {
    const mo = parseInteger(m[2]!);
    if (mo === null || mo < 1 || mo > 12) return null;
    const y = m[1] ? Number(m[1]) : (withYear(mo, daysInMonth(today.y, mo), today, direction)?.y ?? null);
    return y === null ? null : endOfMonth(y, mo);
  }
  if ((m = MONTH_DAY.exec(s)) || (m = MONTH_DAY_NUMERIC.exec(s))) {
    const mo = parseInteger(m[1]!);
    const d = parseInteger(m[2]!);
    return mo === null || d === null ? null : withYear(mo, d, today, direction);
  }
  if ((m = NEXT_MONTH_DAY.exec(s))) {
    const d = parseInteger(m[2]!);
    const base = m[1]!.startsWith('下') ? addMonths({ ...today, d: 1 }, 1) : { ...today, d: 1 };
    return d !== null && valid(base.y, base.m, d) ? { ...base, d } : null;
  }
  if ((m = DAY_ONLY.exec(s))) {
    const d = parseInteger(m[1]!);
    if (d === null || d < 1 || d > 31) return null;
    let base = { ...today, d: 1 };
    if (direction === 'future' && d < today.d) base = addMonths(base, 1);
    if (direction === 'past' && d > today.d) base = addMonths(base, -1);
    return valid(base.y, base.m, d) ? { ...base, d } : null;
  }
  if ((m = RELATIVE.exec(s))) {
    const n = parseInteger(m[1]!);
    if (n === null || n > 366) return null;
    const sign = m[3]!.endsWith('后') ? 1 : -1;
    if ((sign > 0) !== (direction === 'future')) return null;
    const unit = m[2]!;
    if (unit === '个月') return addMonths(today, sign * n);
    return addDays(today, sign * n * (unit === '天' || unit === '日' ? 1 : 7));
  }
  if ((m = WEEKDAY_RE.exec(s))) {
    return weekday(m[1] ?? '', WEEKDAY[m[2]!]!, today, direction);
  }
  if ((m = WEEKEND_RE.exec(s))) {
    return weekday(m[1] ?? '', 7, today, direction);
  }
  return null;
}

function weekday(prefix: string, wd: number, today: Ymd, direction: DateDirection): Ymd | null {
  const monday = addDays(today, 1 - isoWeekday(today));
  const p = prefix.replace(/个/g, '');
  if (p === '') {
    const diff = wd - isoWeekday(today);
    if (direction === 'future') return addDays(today, diff >= 0 ? diff : diff + 7);
    return addDays(today, diff <= 0 ? diff : diff - 7);
  }
  const weeks = { 这: 0, 本: 0, 下: 1, 下下: 2, 上: -1, 上上: -2 }[p];
  if (weeks === undefined) return null;
  return addDays(monday, weeks * 7 + wd - 1);
}

/**
 * The date a phrase names, YYYY-MM-DD, or null when the whole phrase is not a date. Leading 到/至/在 and
 * trailing 前/之前/以前/为止/截止 are allowed.
 */
export function parseDate(text: string, now: Date, tz: string, direction: DateDirection = 'future'): string | null {
  const today = todayIn(now, tz);
  const s = text
    .trim()
    .replace(/^(?:延期至|延期到|延长至|延长到|延至|延到|推迟到|推迟至|截止到|截止至|截至|截止|到|至|于|在)\s*/u, '')
    .trim();
  if (s === '') return null;
  // "3天前" is a date in itself; "12月5日前" is 12月5日 (前 = by then).
  const found = resolve(s, today, direction) ?? resolve(s.replace(/\s*(?:之前|以前|前|为止|截止|当天|那天|吧)$/u, '').trim(), today, direction);
  return found ? formatYmd(found) : null;
}
