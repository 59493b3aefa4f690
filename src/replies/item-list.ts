import { NUMBER_SOURCE, parseInteger } from './numbers.js';

/**
 * Item lists as members write them: "1、3", "1,2 3", "1和3", "1及3", "1与3", "1/3", "第二项", "第1、2项",
 * "第1条和第3条", ranges "1-3", "1~3", "1到3", "1至3", "第二至第四项". Numbers must be 1..99.
 */
export const MAX_ITEM = 99;

const UNIT = '(?:项|条|个|题|点)';
const RANGE = '(?:-|~|到|至|—|–)';
const PART_RE = new RegExp(`^第?(${NUMBER_SOURCE})${UNIT}?(?:${RANGE}第?(${NUMBER_SOURCE})${UNIT}?)?$`, 'u');
const SEPARATOR_RE = /\s*(?:以及|还有|[、，,;；/\s和及与跟])\s*|(?<=[项条个题])(?=第)/u;

/**
 * The items an expression names, deduplicated and ascending; null when the text is not (only) an item list,
 * names a number outside 1..99, or a backwards range.
 */
export function parseItemList(text: string): number[] | null {
  const s = text.trim().replace(new RegExp(`\\s*(${RANGE})\\s*`, 'gu'), '$1');
  if (s === '') return null;
  const ordinal = s.startsWith('第');
  const found = new Set<number>();
  for (const part of s.split(SEPARATOR_RE)) {
    if (part === '') return null;
    const m = PART_RE.exec(part);
    if (!m) return null;
    // Without 第, "两项"/"三条"/"2个" count things ("两项都完成了" = both); only "第二项" or "2项" name an item.
    if (!ordinal && !part.startsWith('第') && (/个$/u.test(part) || (/(?:项|条|题|点)$/u.test(part) && !/^\d/u.test(part)))) return null;
    const from = parseInteger(m[1]!);
    const to = m[2] === undefined ? from : parseInteger(m[2]);
    if (from === null || to === null || from < 1 || to > MAX_ITEM || to < from) return null;
    for (let n = from; n <= to; n++) found.add(n);
  }
  return [...found].sort((a, b) => a - b);
}
