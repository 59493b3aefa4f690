/** Text clean-up shared by the importer and the admin operations (pure). */

// \s covers the full-width space (U+3000), NBSP and the BOM; zero-width characters come from copy-paste.
const EDGE_SPACE = /^[\s\u200b-\u200d\u2060]+|[\s\u200b-\u200d\u2060]+$/g;

/** Trims ASCII, full-width and zero-width spaces at both ends. */
export function cleanText(value: string | null | undefined): string {
  return (value ?? '').replace(EDGE_SPACE, '');
}

const CJK_NAME = /^[\p{Script=Han}·•\s]+$/u;

/**
 * A person's name: spreadsheets pad two-character names for alignment ("张  三"), so spaces inside a name
 * written in Chinese characters are dropped; other names keep single spaces.
 */
export function normalizePersonName(value: string | null | undefined): string {
  const s = cleanText(value);
  if (CJK_NAME.test(s)) return s.replace(/\s+/g, '');
  return s.replace(/\s+/g, ' ');
}

/** Unit names keep their spelling, but "（办公室）" and "(办公室)" or stray spaces must not make two units. */
export function unitMatchKey(name: string): string {
  return cleanText(name).normalize('NFKC').replace(/\s+/g, '');
}

/** Values ending like this name the 机关党委 itself, not a branch. */
export function isCommitteeName(name: string): boolean {
  return /(机关党委|机关委员会)$/.test(unitMatchKey(name));
}

/**
 * Mainland mobile number: full-width digits, spaces, dashes and a +86 prefix are accepted and removed.
 * Returns the 11 digits, or undefined when it is not a mobile number.
 */
export function normalizeMobile(value: string): string | undefined {
  let s = cleanText(value).normalize('NFKC').replace(/[\s-]/g, '');
  s = s.replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(s) ? s : undefined;
}

/** WeCom userid / DingTalk userId: letters, digits and _ - . @, at most 64 characters. */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

export function normalizeAccountId(value: string): string {
  return cleanText(value).normalize('NFKC');
}

/**
 * Splits a list cell on the given separators, but not inside brackets: "第一党支部（办公室、财务）" stays one item.
 */
export function splitList(value: string, separators: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of cleanText(value)) {
    if (ch === '(' || ch === '（') depth++;
    if ((ch === ')' || ch === '）') && depth > 0) depth--;
    if (depth === 0 && separators.test(ch)) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out.map(cleanText).filter((s) => s.length > 0);
}
