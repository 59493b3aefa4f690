/**
 * Excel worksheet names: at most 31 characters (UTF-16 units), none of \ / ? * [ ] :, not starting or ending with
 * an apostrophe, not "History", unique ignoring case. Names are made safe and shortened, and a repeated name gets
 * "(2)", "(3)"… within the limit.
 */
export const MAX_SHEET_NAME = 31;

const FORBIDDEN = /[\\/?*[\]:\p{Cc}]/gu;

export function safeSheetName(name: string, fallback = 'Sheet'): string {
  let s = name.replace(FORBIDDEN, '_').trim().replace(/^'+|'+$/g, '').trim();
  if (s === '' || s.toLowerCase() === 'history') s = s === '' ? fallback : `${s}_`;
  return truncate(s, MAX_SHEET_NAME);
}

/** Truncates by code points so a surrogate pair is never split, keeping the UTF-16 length ≤ max. */
function truncate(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

/** Unique safe names for `names`, in order; `reserved` names (e.g. 汇总) are taken already. */
export function uniqueSheetNames(names: readonly string[], reserved: readonly string[] = []): string[] {
  const taken = new Set(reserved.map((r) => r.toLowerCase()));
  return names.map((n) => {
    const base = safeSheetName(n);
    let name = base;
    for (let i = 2; taken.has(name.toLowerCase()); i++) {
      const suffix = `(${i})`;
      name = `${truncate(base, MAX_SHEET_NAME - suffix.length)}${suffix}`;
    }
    taken.add(name.toLowerCase());
    return name;
  });
}
