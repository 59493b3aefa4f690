/**
 * Due dates named in a plan item's text. Only explicit deadlines count: "6月底前完成", "2026年12月31日前",
 * "年底前", "上半年", "三季度末". Recurrence ("每月", "每季度") is no deadline; it stays in the text. An item
 * without one is due at the end of the plan year — the importer applies that, not this module.
 */
import { chineseNumeralValue } from './outline-markers.js';

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function iso(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1900 || year > 2999) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function monthEnd(year: number, month: number): string | null {
  return month >= 1 && month <= 12 ? iso(year, month, daysInMonth(year, month)) : null;
}

/** Full-width digits → ASCII; Chinese numerals that name a month or a day ("六月", "三十一日") → digits. */
function normaliseNumbers(text: string): string {
  return text
    .replace(/[０-９]/g, (d) => d.normalize('NFKC'))
    .replace(/[\s\u3000\u00a0]+(?=[0-9年月日号])|(?<=[0-9年月])[\s\u3000\u00a0]+/g, '')
    .replace(/(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,3}(?=月)/g, (n) => String(chineseNumeralValue(n) ?? n))
    .replace(/(?<=[0-9]月)[一二三四五六七八九十]{1,3}(?=[日号])/g, (n) => String(chineseNumeralValue(n) ?? n));
}

// Recurrence words are masked so that "每月底前" or "每季度末" does not read as one deadline.
const RECURRENCE = /每(?:个|一)?(?:年度|半年|季度|季|月|周|星期|旬|天|日)/g;

const YEAR = '(\\d{4}|次年|明年|当年|今年|本年)?年?';
const BEFORE = '(?:前|之前|以前|为止)';
const DEADLINE_PREFIX = '(?:截至|截止(?:到|至)?|不晚于|最迟(?:于|在)?)';

function yearOf(token: string | undefined, planYear: number): number {
  if (token === undefined || token === '' || token === '当年' || token === '今年' || token === '本年') return planYear;
  if (token === '次年' || token === '明年') return planYear + 1;
  return Number(token);
}

const QUARTERS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

/** Every deadline-looking phrase in the (normalised, masked) text. `lenient`: a bare date counts too. */
function candidates(text: string, planYear: number, lenient: boolean): string[] {
  const out: (string | null)[] = [];
  const each = (re: RegExp, f: (m: RegExpExecArray) => string | null): void => {
    for (const m of text.matchAll(re)) out.push(f(m as RegExpExecArray));
  };
  const dateSuffix = lenient ? `${BEFORE}?` : BEFORE;
  // 2026年12月31日前 / 12月31日前 / 截至2026年12月31日
  each(new RegExp(`${YEAR}(\\d{1,2})月(\\d{1,2})[日号]${dateSuffix}`, 'g'), (m) => iso(yearOf(m[1], planYear), Number(m[2]), Number(m[3])));
  each(new RegExp(`${DEADLINE_PREFIX}${YEAR}(\\d{1,2})月(\\d{1,2})[日号]`, 'g'), (m) => iso(yearOf(m[1], planYear), Number(m[2]), Number(m[3])));
  // 6月底前 / 6月末 / 2026年6月底
  each(new RegExp(`${YEAR}(\\d{1,2})月份?(?:底|末|下旬)`, 'g'), (m) => monthEnd(yearOf(m[1], planYear), Number(m[2])));
  each(new RegExp(`${YEAR}(\\d{1,2})月份?上旬`, 'g'), (m) => iso(yearOf(m[1], planYear), Number(m[2]), 10));
  each(new RegExp(`${YEAR}(\\d{1,2})月份?中旬`, 'g'), (m) => iso(yearOf(m[1], planYear), Number(m[2]), 20));
  // "6月前" = before June begins → 5月31日. (A bare "6月" only in a deadline cell, meaning the whole month.)
  each(new RegExp(`${YEAR}(\\d{1,2})月份?${BEFORE}`, 'g'), (m) => {
    const y = yearOf(m[1], planYear);
    const month = Number(m[2]);
    return month === 1 ? iso(y - 1, 12, 31) : monthEnd(y, month - 1);
  });
  if (lenient) {
    each(new RegExp(`${YEAR}(\\d{1,2})月份?(?![0-9底末上中下前之以])`, 'g'), (m) => monthEnd(yearOf(m[1], planYear), Number(m[2])));
    each(/(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/g, (m) => iso(Number(m[1]), Number(m[2]), Number(m[3])));
    each(/^(?:全年|本年度|年内)$/g, () => iso(planYear, 12, 31));
  } else {
    each(new RegExp(`(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})${BEFORE}`, 'g'), (m) => iso(Number(m[1]), Number(m[2]), Number(m[3])));
  }
  // 年底前 / 2026年底 / 年末
  each(/(\d{4}|次年|明年|当年|今年|本年)?年(?:底|末)/g, (m) => iso(yearOf(m[1], planYear), 12, 31));
  // 上半年 / 下半年
  each(/(\d{4}|次年|明年|当年|今年|本年)?年?上半年/g, (m) => iso(yearOf(m[1], planYear), 6, 30));
  each(/(\d{4}|次年|明年|当年|今年|本年)?年?下半年/g, (m) => iso(yearOf(m[1], planYear), 12, 31));
  // 一季度 / 第三季度末 / 前三季度
  each(/(\d{4}|次年|明年|当年|今年|本年)?年?第?([一二三四1-4])季度/g, (m) => {
    const q = QUARTERS[m[2] ?? ''];
    return q === undefined ? null : monthEnd(yearOf(m[1], planYear), q * 3);
  });
  return out.filter((d): d is string => d !== null);
}

/**
 * The due date a text names explicitly (YYYY-MM-DD), or null. When it names several ("6月底前完成方案，
 * 11月底前验收") the latest wins: the item is done when all of it is done. "年底前" → planYear-12-31,
 * "上半年" → planYear-06-30, "6月前" → planYear-05-31; "每月"/"每季度" (recurrence) → null.
 */
export function extractDeadline(text: string, planYear: number): string | null {
  return latest(candidates(normaliseNumbers(text).replace(RECURRENCE, '※'), planYear, false));
}

/**
 * A spreadsheet's 完成时限 cell: also accepts a bare date ("2026-06-30", "2026/6/30", "6月30日", "6月") and
 * "全年". Returns null for what it cannot read ("长期坚持", "每月") — such items are due at the end of the year.
 */
export function parseDeadlineCell(cell: string, planYear: number): string | null {
  const text = normaliseNumbers(cell.trim());
  if (new RegExp(RECURRENCE.source).test(text)) return null;
  return latest(candidates(text, planYear, true));
}

function latest(dates: string[]): string | null {
  return dates.reduce<string | null>((a, b) => (a === null || b > a ? b : a), null);
}
