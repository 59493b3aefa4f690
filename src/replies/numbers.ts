/**
 * Numerals as members type them: Arabic digits and Chinese numerals up to 九十九 (一、十二、二十、二十三、两、〇).
 * Full-width and circled digits are turned into Arabic ones by normalizeReply before this runs.
 */
const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A regex source for one number token: 1–3 Arabic digits or 1–3 Chinese numeral characters. */
export const NUMBER_SOURCE = '(?:\\d{1,3}|[零〇一二两三四五六七八九十]{1,3})';

/** 一 → 1, 十二 → 12, 二十 → 20, 二十三 → 23, 两 → 2; null for anything else (一二, 十十, 三百…). */
export function chineseNumber(s: string): number | null {
  if (s.length === 0 || s.length > 3) return null;
  const chars = [...s];
  const tenAt = chars.indexOf('十');
  if (tenAt === -1) {
    if (chars.length !== 1) return null;
    return DIGITS[chars[0]!] ?? null;
  }
  if (chars.lastIndexOf('十') !== tenAt) return null;
  const before = chars.slice(0, tenAt);
  const after = chars.slice(tenAt + 1);
  if (before.length > 1 || after.length > 1) return null;
  const tens = before.length === 0 ? 1 : (DIGITS[before[0]!] ?? null);
  const ones = after.length === 0 ? 0 : (DIGITS[after[0]!] ?? null);
  if (tens === null || ones === null || tens === 0) return null;
  if (before[0] === '两' || after[0] === '两' || after[0] === '零' || after[0] === '〇') return null; // 两十, 十两, 十零 are not numerals
  return tens * 10 + ones;
}

/** A non-negative integer written in Arabic digits or Chinese numerals (≤ 九十九); null otherwise. */
export function parseInteger(s: string): number | null {
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t);
  return chineseNumber(t);
}

/** Points as typed: 85, 85.5, 八十五, 一百 — non-negative, at most 2 decimals; null otherwise. */
export function parsePoints(s: string): number | null {
  const t = s.trim();
  if (/^\d{1,4}(?:\.\d{1,2})?$/.test(t)) return Number(t);
  if (t === '一百') return 100;
  return chineseNumber(t);
}
