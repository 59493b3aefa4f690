/**
 * 互观互检 scoring model (pure). A scheme is a tree of categories and items; a sheet is one scorer's points for
 * one branch. Points have at most two decimals.
 */

/** `plus` = 正向打分 (0..max points earned); `minus` = 反向扣分 (a deduction of 0..max points). */
export type ItemKind = 'plus' | 'minus';

export interface SchemeItem {
  /** Stable key used by sheets: the 编号 given, else "类别序号.项目序号" ("1.3"). */
  id: string;
  name: string;
  kind: ItemKind;
  /** 分值上限: the most points this item gives (plus) or takes (minus). */
  max: number;
  /** 说明 / 评分标准, e.g. "每次扣2分，最多扣6分". */
  description: string;
  /** 必评: the scorer must enter a number (0 allowed); otherwise an empty item counts as 0. */
  required: boolean;
}

/**
 * How a category is scored (documented in README-style terms in scheme.ts):
 *   plus points   = Σ plus items, at most `bonusCap` when set (加分上限)
 *   base          = `max` when the category has no plus items (扣分制: starts full), else 0
 *   deduction     = Σ minus items, at most `deductionCap` when set (扣分上限)
 *   score         = max(0, base + plus points − deduction)      (扣完为止: never below zero)
 */
export interface SchemeCategory {
  id: string;
  name: string;
  /** 类别满分: the most the category can give; Σ category max = scheme total. */
  max: number;
  /** 扣分上限 (null = deductions limited only by the zero floor). */
  deductionCap: number | null;
  /** 加分上限: plus items together count at most this (their 分值上限 may add up to more). */
  bonusCap: number | null;
  items: SchemeItem[];
}

export interface Scheme {
  name: string;
  /** 总分 = Σ category max. */
  total: number;
  categories: SchemeCategory[];
}

/** One problem with a scheme. `row` is the spreadsheet row when the scheme came from a table, else null. */
export interface SchemeProblem {
  row: number | null;
  message: string;
}

export type SchemeResult = { ok: true; scheme: Scheme; problems: [] } | { ok: false; scheme: null; problems: SchemeProblem[] };

/** A scorer's number for one item. `points` null or absent item = not filled in. */
export interface SheetEntry {
  itemId: string;
  points: number | null;
  /** 扣分理由: required for any non-zero deduction. */
  reason?: string | null;
}

export interface SheetProblem {
  itemId: string | null;
  message: string;
}

export interface CategoryBreakdown {
  categoryId: string;
  name: string;
  max: number;
  /** Starting points (类别满分 for a deduction-only category, else 0). */
  base: number;
  /** Plus points entered, before the bonus cap. */
  plusEntered: number;
  /** Plus points counted (after 加分上限). */
  plus: number;
  /** Deductions entered, before the deduction cap. */
  deductionEntered: number;
  /** Deductions counted (after 扣分上限). */
  deduction: number;
  /** base + plus − deduction fell below zero and was raised to 0 (扣完为止). */
  flooredAtZero: boolean;
  score: number;
}

export interface SheetTotal {
  total: number;
  /** The total in hundredths of a point (exact). */
  totalCents: number;
  categories: CategoryBreakdown[];
}
