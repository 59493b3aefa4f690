import { CENTS } from '../../domain/scoring/numbers.js';
import type { Scheme } from '../../domain/scoring/types.js';

/**
 * The scheme as the sheet page's script needs it (served as data, so the browser computes with the server's
 * rules rather than a copy of them): points in integer hundredths like computeSheet, the label validateSheet
 * uses in its messages, and `index`, the item's position, which names its inputs (item ids are free text).
 */
export interface SheetRules {
  categories: {
    name: string;
    maxCents: number;
    deductionCapCents: number | null;
    bonusCapCents: number | null;
    hasPlus: boolean;
    items: { index: number; id: string; label: string; kind: 'plus' | 'minus'; maxCents: number; required: boolean }[];
  }[];
}

const cents = (points: number): number => Math.round(points * CENTS);

export function sheetRules(scheme: Scheme): SheetRules {
  let index = 0;
  return {
    categories: scheme.categories.map((c) => ({
      name: c.name,
      maxCents: cents(c.max),
      deductionCapCents: c.deductionCap === null ? null : cents(c.deductionCap),
      bonusCapCents: c.bonusCap === null ? null : cents(c.bonusCap),
      hasPlus: c.items.some((i) => i.kind === 'plus'),
      items: c.items.map((i) => ({ index: index++, id: i.id, label: `${c.name}“${i.name}”`, kind: i.kind, maxCents: cents(i.max), required: i.required })),
    })),
  };
}

/** JSON safe inside <script type="application/json">: no "</script>", no "<!--". */
export function rulesJson(rules: SheetRules): string {
  return JSON.stringify(rules).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
