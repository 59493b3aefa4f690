import { ValidationError } from '../../errors.js';
import { cleanText } from '../org/text.js';
import { CENTS, centsToPoints, formatCents, toCents } from './numbers.js';
import type { ItemKind, Scheme, SchemeCategory, SchemeItem, SchemeProblem, SchemeResult } from './types.js';

/**
 * Scoring schemes (计分方案): validation of the JSON-like form that both importers produce.
 *
 * Shape: { name?, total?, categories: [{ id?, name, max?, deductionCap?, bonusCap?, rowNumber?,
 *          items: [{ id?, name, kind, max, description?, required?, rowNumber? }] }] }
 * Numbers may be numbers or text ("20", "２０分"); kind accepts plus/minus or 加分/扣分 (正向/反向); required
 * accepts booleans or 是/否. Rules for a category (see SchemeCategory):
 *   - with plus items and no 加分上限: Σ plus 分值上限 = 类别满分 (类别满分 may be left empty: derived);
 *   - with 加分上限: 加分上限 ≤ Σ plus 分值上限 and 类别满分 = 加分上限;
 *   - with only minus items (扣分制): 类别满分 is required, it is the starting score.
 * Every problem is reported at once; a problem found on a spreadsheet row starts with "第N行：".
 */

const KIND_WORDS: Record<string, ItemKind> = {
  plus: 'plus', '+': 'plus', 加分: 'plus', 加: 'plus', 得分: 'plus', 正向: 'plus', 正向打分: 'plus', 正向计分: 'plus',
  minus: 'minus', '-': 'minus', 扣分: 'minus', 扣: 'minus', 减分: 'minus', 反向: 'minus', 反向扣分: 'minus', 反向计分: 'minus',
};
const YES = new Set(['是', '必评', '必填', '必须', 'y', 'yes', 'true', '1', '√', '✓', '✔']);
const NO = new Set(['', '否', '选评', '非必评', 'n', 'no', 'false', '0', '×', '✗']);
export const MAX_NAME_LENGTH = 100;

type Num = { kind: 'empty' } | { kind: 'ok'; cents: number } | { kind: 'bad'; text: string; why: string };

/** A score cell: number or text; "20分" and full-width digits are fine; at most two decimals; not negative. */
export function readPoints(value: unknown): Num {
  if (value === null || value === undefined) return { kind: 'empty' };
  const text = typeof value === 'number' ? String(value) : cleanText(String(value as string)).normalize('NFKC').replace(/分$/, '').trim();
  if (text === '') return { kind: 'empty' };
  if (!/^-?\d+(\.\d+)?$/.test(text)) return { kind: 'bad', text, why: '不是有效的分数' };
  const n = Number(text);
  if (n < 0) return { kind: 'bad', text, why: '不能为负数' };
  const cents = toCents(n);
  return cents === null ? { kind: 'bad', text, why: '最多保留两位小数' } : { kind: 'ok', cents };
}

function readKind(value: unknown): ItemKind | null | undefined {
  const text = cleanText(value === undefined || value === null ? '' : String(value as string)).toLowerCase();
  if (text === '') return undefined;
  return KIND_WORDS[text] ?? null;
}

function readRequired(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  const text = cleanText(value === undefined || value === null ? '' : String(value as string)).toLowerCase();
  if (YES.has(text)) return true;
  if (NO.has(text)) return false;
  return null;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const textOf = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? cleanText(String(v)) : '');
const rowOf = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/** Validates a scheme object (from JSON or from schemeFromRows). */
export function validateScheme(raw: unknown): SchemeResult {
  const problems: SchemeProblem[] = [];
  if (!isObject(raw)) return fail([{ row: null, message: '计分方案必须是一个对象，包含类别列表 categories' }]);
  const rawCategories = raw.categories;
  if (!Array.isArray(rawCategories) || rawCategories.length === 0) return fail([{ row: null, message: '计分方案没有任何类别' }]);

  const categories: SchemeCategory[] = [];
  const categoryNames = new Map<string, string>();
  const itemIds = new Map<string, string>();
  rawCategories.forEach((rawCategory: unknown, ci) => {
    if (!isObject(rawCategory)) {
      problems.push({ row: null, message: `第${ci + 1}个类别不是对象` });
      return;
    }
    const name = textOf(rawCategory.name);
    const row = rowOf(rawCategory.rowNumber);
    const where = row !== null ? `第${row}行：` : `第${ci + 1}个类别：`;
    const say = (message: string): void => void problems.push({ row, message: `${where}${message}` });
    if (name === '') say('类别名称为空');
    else if ([...name].length > MAX_NAME_LENGTH) say(`类别名称过长（最多${MAX_NAME_LENGTH}个字）`);
    else if (categoryNames.has(name)) say(`类别名称“${name}”重复（已在${categoryNames.get(name)}出现）`);
    else categoryNames.set(name, row !== null ? `第${row}行` : `第${ci + 1}个类别`);
    const label = name || `第${ci + 1}个类别`;

    const id = textOf(rawCategory.id) || String(ci + 1);
    const cap = (field: string, header: string): number | null | undefined => {
      const v = readPoints(rawCategory[field]);
      if (v.kind === 'empty') return null;
      if (v.kind === 'bad') return void say(`${header}“${v.text}”${v.why}`);
      if (v.cents === 0) return void say(`${header}必须大于0`);
      return v.cents;
    };
    const maxCell = cap('max', '类别满分');
    const deductionCap = cap('deductionCap', '扣分上限');
    const bonusCap = cap('bonusCap', '加分上限');

    const rawItems = rawCategory.items;
    const items: SchemeItem[] = [];
    let plusCents = 0;
    let plusCount = 0;
    let minusCount = 0;
    let complete = true;
    if (!Array.isArray(rawItems) || rawItems.length === 0) say(`类别“${label}”没有评分项目`);
    else {
      const itemNames = new Map<string, string>();
      rawItems.forEach((rawItem: unknown, ii) => {
        if (!isObject(rawItem)) return void say(`类别“${label}”的第${ii + 1}个项目不是对象`);
        const itemRow = rowOf(rawItem.rowNumber);
        const itemName = textOf(rawItem.name);
        const itemWhere = itemRow !== null ? `第${itemRow}行：` : `类别“${label}”第${ii + 1}项${itemName ? `“${itemName}”` : ''}：`;
        const sayItem = (message: string): void => void problems.push({ row: itemRow, message: `${itemWhere}${message}` });
        let ok = true;
        if (itemName === '') {
          sayItem('项目名称为空');
          ok = false;
        } else if ([...itemName].length > MAX_NAME_LENGTH) {
          sayItem(`项目名称过长（最多${MAX_NAME_LENGTH}个字）`);
          ok = false;
        } else if (itemNames.has(itemName)) {
          sayItem(`项目“${itemName}”在类别“${label}”中重复（已在${itemNames.get(itemName)}出现）`);
          ok = false;
        } else itemNames.set(itemName, itemRow !== null ? `第${itemRow}行` : `第${ii + 1}项`);

        const readK = readKind(rawItem.kind);
        const kind = readK === undefined ? 'plus' : readK;
        if (kind === null) {
          sayItem(`类型“${textOf(rawItem.kind)}”无法识别（可填：加分、扣分）`);
          ok = false;
        }
        const max = readPoints(rawItem.max);
        if (max.kind === 'empty') sayItem('分值上限为空');
        else if (max.kind === 'bad') sayItem(`分值上限“${max.text}”${max.why}`);
        else if (max.cents === 0) sayItem('分值上限必须大于0');
        if (max.kind !== 'ok' || max.cents === 0) ok = false;
        const required = readRequired(rawItem.required);
        if (required === null) {
          sayItem(`必评“${textOf(rawItem.required)}”无法识别（可填：是、否）`);
          ok = false;
        }

        const itemId = textOf(rawItem.id) || `${id}.${ii + 1}`;
        const seen = itemIds.get(itemId);
        if (seen !== undefined) {
          sayItem(`项目编号“${itemId}”与${seen}重复`);
          ok = false;
        } else itemIds.set(itemId, itemRow !== null ? `第${itemRow}行` : `类别“${label}”第${ii + 1}项`);

        if (kind === 'plus') plusCount++;
        if (kind === 'minus') minusCount++;
        if (kind === 'plus' && max.kind === 'ok') plusCents += max.cents;
        if (kind === null || max.kind !== 'ok') complete = false;
        if (!ok || kind === null || max.kind !== 'ok') return;
        items.push({ id: itemId, name: itemName, kind, max: centsToPoints(max.cents), description: textOf(rawItem.description), required: required ?? false });
      });
    }

    const max = categoryMax({ label, maxCell, deductionCap, bonusCap, plusCents, plusCount, minusCount, complete }, say);
    if (max === undefined || maxCell === undefined || deductionCap === undefined || bonusCap === undefined) return;
    categories.push({
      id,
      name,
      max: centsToPoints(max),
      deductionCap: deductionCap === null ? null : centsToPoints(deductionCap),
      bonusCap: bonusCap === null ? null : centsToPoints(bonusCap),
      items,
    });
  });

  const totalCents = categories.reduce((s, c) => s + Math.round(c.max * CENTS), 0);
  const declared = readPoints(raw.total);
  if (declared.kind === 'bad') problems.push({ row: null, message: `总分“${declared.text}”${declared.why}` });
  if (problems.length === 0 && declared.kind === 'ok' && declared.cents !== totalCents) {
    problems.push({ row: null, message: `计分方案总分应为${formatCents(declared.cents)}分，但各类别满分合计为${formatCents(totalCents)}分` });
  }
  if (problems.length > 0) return fail(problems);
  const name = textOf(raw.name) || '互观互检评分表';
  return { ok: true, scheme: { name, total: centsToPoints(totalCents), categories }, problems: [] };
}

interface MaxInput {
  label: string;
  maxCell: number | null | undefined;
  deductionCap: number | null | undefined;
  bonusCap: number | null | undefined;
  plusCents: number;
  plusCount: number;
  minusCount: number;
  /** Every item has a valid kind and 分值上限 (otherwise sums would only add noise to the report). */
  complete: boolean;
}

/** The category's 满分 in cents (derived when the cell is empty), or undefined after reporting a problem. */
function categoryMax(c: MaxInput, say: (message: string) => void): number | undefined {
  if (c.plusCount + c.minusCount === 0 || !c.complete) return undefined;
  if (c.deductionCap != null && c.minusCount === 0) say(`类别“${c.label}”设置了扣分上限，但没有扣分项目`);
  if (c.bonusCap != null && c.plusCount === 0) say(`类别“${c.label}”设置了加分上限，但没有加分项目`);
  if (c.plusCount === 0) {
    if (c.maxCell === null) say(`类别“${c.label}”只有扣分项目，须填写类别满分（扣分前的基础分）`);
    return c.maxCell ?? undefined;
  }
  if (c.bonusCap != null && c.bonusCap > c.plusCents) {
    say(`类别“${c.label}”的加分上限${formatCents(c.bonusCap)}分超过了加分项目分值合计${formatCents(c.plusCents)}分`);
    return undefined;
  }
  const derived = c.bonusCap ?? c.plusCents;
  if (c.maxCell != null && c.maxCell !== derived) {
    say(c.bonusCap != null
      ? `类别“${c.label}”的类别满分${formatCents(c.maxCell)}分应等于加分上限${formatCents(c.bonusCap)}分`
      : `类别“${c.label}”的类别满分${formatCents(c.maxCell)}分与加分项目分值合计${formatCents(c.plusCents)}分不一致`);
    return undefined;
  }
  return derived;
}

function fail(problems: SchemeProblem[]): SchemeResult {
  return { ok: false, scheme: null, problems };
}

/** A scheme from JSON text or an already parsed value (the shape documented above). */
export function schemeFromJson(value: unknown): SchemeResult {
  if (typeof value !== 'string') return validateScheme(value);
  try {
    return validateScheme(JSON.parse(value) as unknown);
  } catch (e) {
    return fail([{ row: null, message: `JSON 格式不正确：${e instanceof Error ? e.message : String(e)}` }]);
  }
}

/** The scheme, or a ValidationError whose details are every problem. */
export function requireScheme(result: SchemeResult): Scheme {
  if (result.ok) return result.scheme;
  throw new ValidationError(`计分方案有误（${result.problems.length}处）`, result.problems);
}
