/**
 * Normalises what people type in messengers before matching.
 *
 * - full-width letters, digits and the operators that matter in replies (－ ～ ／ ． ＠ ＋ ％) become ASCII;
 *   Chinese punctuation (，：？！。；) is kept, so a note keeps its punctuation — the grammar accepts both forms;
 * - circled and similar digits (①..⑳, ㉑..㉟, ⑴, ⒈, ❶, ➀) become plain numbers, with a 、 when glued to a
 *   digit before them, so "①③" reads as the list "1、3" and never as 13;
 * - @mentions are removed ("@党建助手 ", WeCom's "@name\u2005", a bare "@党建助手" glued to the text);
 * - zero-width characters go, every kind of space becomes one ASCII space;
 * - punctuation, emoji and messenger emoticon codes ("[强]") at the ends are dropped — except the tick marks
 *   ✅ ✔ ☑ √, which mean "done", and ? / ？, which mark a question.
 */
export const BOT_NAMES = ['党建助手'];

const CIRCLED: Array<[number, number, number]> = [
  // [first code point, last code point, value of the first]
  [0x2460, 0x2473, 1], // ① .. ⑳
  [0x2474, 0x2487, 1], // ⑴ .. ⒇
  [0x2488, 0x249b, 1], // ⒈ .. ⒛
  [0x24f5, 0x24fe, 1], // ⓵ .. ⓾
  [0x2776, 0x277f, 1], // ❶ .. ❿
  [0x2780, 0x2789, 1], // ➀ .. ➉
  [0x278a, 0x2793, 1], // ➊ .. ➓
  [0x24eb, 0x24f4, 11], // ⓫ .. ⓴
  [0x3251, 0x325f, 21], // ㉑ .. ㉟
  [0x32b1, 0x32bf, 36], // ㊱ .. ㊿
];

/** The number a circled (or parenthesised, dotted, negative-circled) digit stands for, or null. */
export function circledValue(ch: string): number | null {
  const cp = ch.codePointAt(0);
  if (cp === undefined) return null;
  for (const [first, last, base] of CIRCLED) if (cp >= first && cp <= last) return base + cp - first;
  return null;
}

const CIRCLED_RE = /[\u2460-\u249b\u24eb-\u24fe\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]/gu;
const FULL_WIDTH_KEEP = new Set(['，', '：', '？', '！', '；', '（', '）']);
const TICKS = '\u2705\u2714\u2611\u221a'; // ✅ ✔ ☑ √
const END_NOISE = new RegExp(
  `^(?:[\\s,.，。!！~、;；:：…—\\-·'"“”‘’()（）【】]|\\[[\\u4e00-\\u9fa5A-Za-z]{1,4}\\]|(?![${TICKS}])\\p{Extended_Pictographic}|\\uFE0F)+|(?:[\\s,.，。!！~、;；:：…—\\-·'"“”‘’()（）【】]|\\[[\\u4e00-\\u9fa5A-Za-z]{1,4}\\]|(?![${TICKS}])\\p{Extended_Pictographic}|\\uFE0F|[\\u{1F3FB}-\\u{1F3FF}])+$`,
  'gu',
);

export function normalizeReply(text: string): string {
  let s = text.replace(/[\u200b-\u200d\u2060\ufeff]/g, '');
  s = s.replace(/[\uFF01-\uFF5E]/g, (c) => (FULL_WIDTH_KEEP.has(c) ? c : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
  // A circled digit right after a digit or another circled digit starts a new list element: "①③" → "1、3".
  s = s.replace(CIRCLED_RE, (c: string, offset: number, all: string) => {
    const prev = all.slice(Math.max(0, offset - 1), offset);
    return `${/^[\d\u2460-\u249b\u24eb-\u24fe\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]$/u.test(prev) ? '、' : ''}${circledValue(c) ?? ''}`;
  });
  s = s.replace(/[\s\u3000\u00a0\u2000-\u200a\u202f\u205f]+/gu, ' ');
  for (const name of BOT_NAMES) s = s.split(`@${name}`).join(' ');
  s = s.replace(/(^|\s)@\S*(?=\s|$)/gu, ' ');
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(END_NOISE, '');
  return s.replace(/\s+/g, ' ').trim();
}
