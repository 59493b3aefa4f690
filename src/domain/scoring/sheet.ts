import { ValidationError } from '../../errors.js';
import { cleanText } from '../org/text.js';
import { CENTS, centsToPoints, formatCents, toCents } from './numbers.js';
import type { CategoryBreakdown, Scheme, SchemeCategory, SchemeItem, SheetEntry, SheetProblem, SheetTotal } from './types.js';

/** A scorer's sheet (评分表) for one branch: validation and the total with category caps applied. */

interface IndexedItem {
  item: SchemeItem;
  category: SchemeCategory;
  categoryIndex: number;
  maxCents: number;
  /** 政治型“理论武装”, as messages name it. */
  label: string;
}

interface SchemeIndex {
  items: Map<string, IndexedItem>;
  required: IndexedItem[];
  categories: { category: SchemeCategory; maxCents: number; deductionCapCents: number | null; bonusCapCents: number | null; hasPlus: boolean }[];
}

// A scheme is immutable once validated; rounds score hundreds of sheets against the same object.
const indexes = new WeakMap<Scheme, SchemeIndex>();

const cents = (points: number): number => Math.round(points * CENTS);

function indexOf(scheme: Scheme): SchemeIndex {
  const cached = indexes.get(scheme);
  if (cached) return cached;
  const items = new Map<string, IndexedItem>();
  const required: IndexedItem[] = [];
  const categories = scheme.categories.map((category, categoryIndex) => {
    for (const item of category.items) {
      const entry = { item, category, categoryIndex, maxCents: cents(item.max), label: `${category.name}“${item.name}”` };
      items.set(item.id, entry);
      if (item.required) required.push(entry);
    }
    return {
      category,
      maxCents: cents(category.max),
      deductionCapCents: category.deductionCap === null ? null : cents(category.deductionCap),
      bonusCapCents: category.bonusCap === null ? null : cents(category.bonusCap),
      hasPlus: category.items.some((i) => i.kind === 'plus'),
    };
  });
  const index = { items, required, categories };
  indexes.set(scheme, index);
  return index;
}

/**
 * Every problem with a sheet, in scheme order: unknown or repeated items, numbers out of range (得分/扣分 0..分值上限,
 * at most two decimals), required items left empty (必评), and non-zero deductions without a reason.
 */
export function validateSheet(scheme: Scheme, entries: readonly SheetEntry[]): SheetProblem[] {
  const index = indexOf(scheme);
  const problems: SheetProblem[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const found = index.items.get(entry.itemId);
    if (!found) {
      problems.push({ itemId: entry.itemId, message: `评分项目“${entry.itemId}”不在计分方案中` });
      continue;
    }
    if (seen.has(entry.itemId)) {
      problems.push({ itemId: entry.itemId, message: `${found.label}填写了多次` });
      continue;
    }
    seen.add(entry.itemId);
    const { points } = entry;
    if (points === null || points === undefined) continue;
    const word = found.item.kind === 'plus' ? '得分' : '扣分';
    if (typeof points !== 'number' || !Number.isFinite(points)) {
      problems.push({ itemId: entry.itemId, message: `${found.label}的${word}不是有效数字` });
      continue;
    }
    const c = toCents(points);
    if (c === null) {
      problems.push({ itemId: entry.itemId, message: `${found.label}的${word}最多保留两位小数（填写了${points}）` });
      continue;
    }
    if (c < 0 || c > found.maxCents) {
      const given = formatCents(c);
      problems.push({ itemId: entry.itemId, message: `${found.label}${word}须在0到${formatCents(found.maxCents)}分之间（填写了${given}）` });
      continue;
    }
    if (found.item.kind === 'minus' && c > 0 && cleanText(entry.reason) === '') {
      problems.push({ itemId: entry.itemId, message: `${found.label}扣${formatCents(c)}分，须填写扣分理由` });
    }
  }
  for (const r of index.required) {
    const entry = entries.find((e) => e.itemId === r.item.id && e.points !== null && e.points !== undefined);
    if (!entry) problems.push({ itemId: r.item.id, message: `${r.label}为必评项目，尚未打分` });
  }
  return problems;
}

/**
 * The sheet's total with each category's caps applied: plus points counted up to 加分上限, deductions up to
 * 扣分上限, a deduction-only category starting from its 满分, and no category below zero (扣完为止).
 * Throws a ValidationError (details = every problem) when the sheet is not valid.
 */
export function sheetTotal(scheme: Scheme, entries: readonly SheetEntry[]): SheetTotal {
  const problems = validateSheet(scheme, entries);
  if (problems.length > 0) throw new ValidationError(`评分表有误（${problems.length}处）`, problems);
  return computeSheet(scheme, entries);
}

/** sheetTotal without validation, for entries already checked with validateSheet. */
export function computeSheet(scheme: Scheme, entries: readonly SheetEntry[]): SheetTotal {
  const index = indexOf(scheme);
  const plus = new Array<number>(index.categories.length).fill(0);
  const minus = new Array<number>(index.categories.length).fill(0);
  for (const entry of entries) {
    const found = index.items.get(entry.itemId);
    if (!found || entry.points === null || entry.points === undefined) continue;
    const c = Math.round(entry.points * CENTS);
    if (found.item.kind === 'plus') plus[found.categoryIndex]! += c;
    else minus[found.categoryIndex]! += c;
  }
  let totalCents = 0;
  const categories = index.categories.map((ic, i): CategoryBreakdown => {
    const plusEntered = plus[i]!;
    const deductionEntered = minus[i]!;
    const plusCounted = ic.bonusCapCents === null ? plusEntered : Math.min(plusEntered, ic.bonusCapCents);
    const deduction = ic.deductionCapCents === null ? deductionEntered : Math.min(deductionEntered, ic.deductionCapCents);
    const base = ic.hasPlus ? 0 : ic.maxCents;
    const raw = base + plusCounted - deduction;
    const score = Math.max(0, raw);
    totalCents += score;
    return {
      categoryId: ic.category.id,
      name: ic.category.name,
      max: ic.category.max,
      base: centsToPoints(base),
      plusEntered: centsToPoints(plusEntered),
      plus: centsToPoints(plusCounted),
      deductionEntered: centsToPoints(deductionEntered),
      deduction: centsToPoints(deduction),
      flooredAtZero: raw < 0,
      score: centsToPoints(score),
    };
  });
  return { total: centsToPoints(totalCents), totalCents, categories };
}
