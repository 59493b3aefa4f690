import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RoundSheet } from '../../../src/domain/scoring/aggregate.js';
import { requireScheme, schemeFromJson, validateScheme } from '../../../src/domain/scoring/scheme.js';
import type { Scheme, SheetEntry } from '../../../src/domain/scoring/types.js';

/** The five-型 example scheme (test/fixtures/scoring), total 100. */
export function fiveTypesScheme(): Scheme {
  return requireScheme(schemeFromJson(readFileSync(resolve(import.meta.dirname, '../../fixtures/scoring/scheme-five-types.json'), 'utf8')));
}

/** Full marks on the five-型 scheme (100); `changes` override single items. */
export function fullMarks(changes: Record<string, number | null | [number, string]> = {}): SheetEntry[] {
  const base: Record<string, number> = {
    '1.1': 8, '1.2': 7, '1.3': 5, '1.4': 0, '2.1': 8, '2.2': 6, '2.3': 6, '3.1': 10, '3.2': 10, '3.3': 0,
    '4.1': 8, '4.2': 6, '4.3': 6, '4.4': 0, '5.1': 0, '5.2': 0,
  };
  const entries: SheetEntry[] = [];
  for (const id of Object.keys(base)) {
    const change = id in changes ? changes[id] : base[id];
    if (change === undefined) continue;
    if (Array.isArray(change)) entries.push({ itemId: id, points: change[0], reason: change[1] });
    else entries.push({ itemId: id, points: change });
  }
  return entries;
}

/** One category, one plus item "总体评价" (0..100): a sheet's total is simply the number entered. */
export const ONE_ITEM: Scheme = (() => {
  const r = validateScheme({ name: '总体评价表', categories: [{ name: '综合', items: [{ id: 'all', name: '总体评价', max: 100, required: true }] }] });
  if (!r.ok) throw new Error('bad test scheme');
  return r.scheme;
})();

/** Scorer `s<branch>` (secretary of branch `b<branch>`) gives branch `target` a sheet totalling `total`. */
export function sheet(scorerBranch: number | string, target: string, total: number): RoundSheet {
  const from = typeof scorerBranch === 'number' ? `b${scorerBranch}` : scorerBranch;
  return { scorerId: `s-${from}`, scorerName: `书记${from}`, scorerBranchId: from, targetBranchId: target, entries: [{ itemId: 'all', points: total }] };
}

/** Sheets for `target` from scorers of branches 1.., skipping the target's own secretary (回避). */
export function panel(target: string, totals: number[], skipFrom = 0): RoundSheet[] {
  const out: RoundSheet[] = [];
  let b = 1 + skipFrom;
  for (const t of totals) {
    if (`b${b}` === target) b++;
    out.push(sheet(b, target, t));
    b++;
  }
  return out;
}
