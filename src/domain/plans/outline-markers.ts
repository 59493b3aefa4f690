/**
 * Chinese outline numbering (GB/T 9704 official-document style): level 1 "一、", level 2 "（一）", level 3 "1."
 * (also "1．" and "1、"), level 4 "（1）". A marker counts only at the start of a line; the output form is
 * half-width: "一、", "(一)", "1.", "(1)".
 */
export type MarkerLevel = 1 | 2 | 3 | 4;

export interface MatchedMarker {
  level: MarkerLevel;
  /** Normalised marker, e.g. "(一)". */
  marker: string;
  /** The number it carries (一 → 1, 十二 → 12). */
  ordinal: number;
  /** What follows the marker on the line, trimmed. */
  rest: string;
}

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Value of a Chinese numeral from 一 to 九十九; null for anything else. */
export function chineseNumeralValue(s: string): number | null {
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || s === '') return null;
  const [, tens, ten, units] = m;
  if (ten === undefined) return tens !== undefined && units === undefined ? (CN_DIGITS[tens] ?? null) : null;
  return (tens === undefined ? 1 : (CN_DIGITS[tens] ?? 0)) * 10 + (units === undefined ? 0 : (CN_DIGITS[units] ?? 0));
}

const CN_NAMES = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (1–99). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  if (n < 10) return CN_NAMES[n] ?? '';
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : CN_NAMES[tens]}十${CN_NAMES[n % 10]}`;
}

/** The canonical marker for a level and number: (1, 2) → "二、", (2, 2) → "(二)", (3, 2) → "2.", (4, 2) → "(2)". */
export function formatMarker(level: MarkerLevel, ordinal: number): string {
  switch (level) {
    case 1: return `${chineseNumeral(ordinal)}、`;
    case 2: return `(${chineseNumeral(ordinal)})`;
    case 3: return `${ordinal}.`;
    case 4: return `(${ordinal})`;
  }
}

// Leading space: ASCII, tab, full-width space (U+3000), NBSP, BOM, zero-width characters.
const LEAD = '^[\\s\\u3000\\u00a0\\ufeff\\u200b-\\u200d]*';
const CN = '[一二三四五六七八九十]{1,3}';
const DIGITS = '[0-9０-９]{1,3}';
const OPEN = '[（(]';
const CLOSE = '[）)]';
const SPACE = '[\\s\\u3000\\u00a0]*';

const PATTERNS: readonly { level: MarkerLevel; re: RegExp; numeral: 'cn' | 'digits' }[] = [
  // 一、 (also 一． / 一. as some offices type it); "一是…" has no 、 and is not a marker.
  { level: 1, re: new RegExp(`${LEAD}(${CN})${SPACE}[、.．](?![0-9０-９])`), numeral: 'cn' },
  // （一） or (一), optionally followed by 、
  { level: 2, re: new RegExp(`${LEAD}${OPEN}${SPACE}(${CN})${SPACE}${CLOSE}[、.．]?`), numeral: 'cn' },
  // 1. 1． 1、 — but not 1.5万元, 3.8 or 2023年
  { level: 3, re: new RegExp(`${LEAD}(${DIGITS})${SPACE}[.．、](?![0-9０-９])`), numeral: 'digits' },
  // （1） or (1), optionally followed by 、
  { level: 4, re: new RegExp(`${LEAD}${OPEN}${SPACE}(${DIGITS})${SPACE}${CLOSE}[、.．]?`), numeral: 'digits' },
];

const EDGE = /^[\s\u3000\u00a0\ufeff\u200b-\u200d]+|[\s\u3000\u00a0\ufeff\u200b-\u200d]+$/g;

/** Trims ASCII, full-width, non-breaking and zero-width spaces and a BOM at both ends. */
export function trimText(s: string): string {
  return s.replace(EDGE, '');
}

/** The outline marker a line starts with, or null when the line is an ordinary paragraph. */
export function matchMarker(line: string): MatchedMarker | null {
  for (const { level, re, numeral } of PATTERNS) {
    const m = re.exec(line);
    const num = m?.[1];
    if (!m || num === undefined) continue;
    const ordinal = numeral === 'cn' ? chineseNumeralValue(num) : Number(num.normalize('NFKC'));
    if (ordinal === null || !Number.isInteger(ordinal) || ordinal < 1) continue;
    return { level, marker: formatMarker(level, ordinal), ordinal, rest: trimText(line.slice(m[0].length)) };
  }
  return null;
}

/**
 * A marker typed into a spreadsheet's 序号 cell, for a node of `level`: "（一）" → "(一)", "1．" → "1.", a bare
 * number or numeral ("3", "三") → the level's own form. Anything else is kept as written (trimmed).
 */
export function normalizeMarkerCell(cell: string, level: MarkerLevel): string {
  const s = trimText(cell);
  if (s === '') return '';
  const bare = /^[0-9０-９]{1,3}$/.test(s) ? Number(s.normalize('NFKC')) : chineseNumeralValue(s);
  if (bare !== null && bare >= 1) return formatMarker(level, bare);
  const m = matchMarker(s);
  return m && m.rest === '' ? m.marker : s;
}
