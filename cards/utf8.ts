/**
 * UTF-8 byte counting and truncation. Platforms count many limits in UTF-8 bytes (a CJK character is 3 bytes,
 * most emoji 4), so `string.length` is the wrong measure. Truncation cuts only between grapheme clusters, so
 * neither a multi-byte character, a surrogate pair nor a ZWJ emoji sequence is ever split.
 */

export const ELLIPSIS = '…';

const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/** Bytes `s` takes in UTF-8. A lone surrogate counts as U+FFFD (3 bytes), as encoders write it. */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Longest prefix of `s` that fits in `maxBytes`, cut at a grapheme boundary. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(s)) {
    const b = utf8Bytes(segment);
    if (used + b > maxBytes) break;
    out += segment;
    used += b;
  }
  return out;
}

/**
 * For text a person reads: unchanged when it fits, else cut and ended with "…" (the whole result fits).
 * Callers must keep the full text reachable (link or fallback text).
 */
export function ellipsizeUtf8(s: string, maxBytes: number): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  const room = maxBytes - utf8Bytes(ELLIPSIS);
  return room <= 0 ? truncateUtf8(ELLIPSIS, maxBytes) : truncateUtf8(s, room).trimEnd() + ELLIPSIS;
}

/** Same as `ellipsizeUtf8` but counting characters (code points), for limits stated in 字. */
export function ellipsizeChars(s: string, maxChars: number): string {
  const chars = [...segmenter.segment(s)].map((x) => x.segment);
  if ([...s].length <= maxChars) return s;
  let out = '';
  let count = 0;
  for (const g of chars) {
    const c = [...g].length;
    if (count + c > maxChars - 1) break;
    out += g;
    count += c;
  }
  return out.trimEnd() + ELLIPSIS;
}
