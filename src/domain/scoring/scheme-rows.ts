import { normaliseHeader } from '../org/import-headers.js';
import { cleanText } from '../org/text.js';
import type { RawRow } from '../org/types.js';
import { readPoints, validateScheme } from './scheme.js';
import type { SchemeProblem, SchemeResult } from './types.js';

/**
 * Scheme import from a table (.csv/.xlsx/.json rows read by src/importers). One row per item; the category
 * columns may be filled on the category's first row only (merged cells in Excel leave the rest empty), and a
 * row with an empty 类别 belongs to the category above it.
 *
 * | 列 | 必填 | 含义 |
 * | 类别 | 是 | 类别名称，如“政治型”“组织建设” |
 * | 类别满分 | 否 | 类别最高得分；留空则按加分项目分值合计（或加分上限）计算；只有扣分项目的类别必填（基础分） |
 * | 扣分上限 | 否 | 本类别扣分合计最多扣多少分；无论是否填写，类别得分最低为0（扣完为止） |
 * | 加分上限 | 否 | 本类别加分项目合计最多计多少分（项目分值合计可超过它） |
 * | 编号 | 否 | 项目编号，全表唯一；留空为“类别序号.项目序号” |
 * | 项目 | 是 | 评分项目名称 |
 * | 类型 | 否 | 加分（正向打分，默认）或 扣分（反向扣分） |
 * | 分值上限 | 是 | 加分项目最高得分 / 扣分项目最多扣分 |
 * | 说明 | 否 | 评分标准，如“每次扣2分，最多扣6分” |
 * | 必评 | 否 | 是/否（默认否）：必评项目须逐项打分（可打0分） |
 */
export type SchemeColumn = 'category' | 'categoryMax' | 'deductionCap' | 'bonusCap' | 'code' | 'item' | 'kind' | 'max' | 'description' | 'required';

export const SCHEME_COLUMN_LABELS: Record<SchemeColumn, string> = {
  category: '类别',
  categoryMax: '类别满分',
  deductionCap: '扣分上限',
  bonusCap: '加分上限',
  code: '编号',
  item: '项目',
  kind: '类型',
  max: '分值上限',
  description: '说明',
  required: '必评',
};

const ALIASES: Record<SchemeColumn, string[]> = {
  category: ['类别', '类别名称', '评分类别', '考核类别', '一级指标', '方面'],
  categoryMax: ['类别满分', '类别分值', '类别总分', '一级指标分值'],
  deductionCap: ['扣分上限', '最多扣分', '类别扣分上限'],
  bonusCap: ['加分上限', '最多加分', '类别加分上限'],
  code: ['编号', '项目编号'],
  item: ['项目', '项目名称', '评分项目', '考核项目', '评分内容', '二级指标', '指标'],
  kind: ['类型', '项目类型', '计分方式', '打分方式', '加分/扣分'],
  max: ['分值上限', '分值', '项目分值', '满分', '最高分'],
  description: ['说明', '评分标准', '评分说明', '考核要求', '备注'],
  required: ['必评', '是否必评', '必填'],
};

const ALIAS_INDEX = new Map<string, SchemeColumn>(
  (Object.entries(ALIASES) as [SchemeColumn, string[]][]).flatMap(([col, names]) => names.map((n) => [normaliseHeader(n), col] as const)),
);

const REQUIRED_COLUMNS: readonly SchemeColumn[] = ['category', 'item', 'max'];
const CATEGORY_COLUMNS = [
  ['categoryMax', 'max'],
  ['deductionCap', 'deductionCap'],
  ['bonusCap', 'bonusCap'],
] as const;

interface CategoryDraft {
  name: string;
  rowNumber: number;
  max?: string;
  deductionCap?: string;
  bonusCap?: string;
  /** Where each category cell was first given. */
  givenAt: Partial<Record<string, number>>;
  items: Record<string, unknown>[];
}

/**
 * Rows of the template → a validated scheme. `headers` defaults to the union of the rows' keys. Every problem
 * is reported at once, ordered by row.
 */
export function schemeFromRows(rows: readonly RawRow[], options: { name?: string; headers?: readonly string[] } = {}): SchemeResult {
  const headers = options.headers ?? [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  const dataRows = rows.filter((r) => Object.values(r.values).some((v) => cleanText(v) !== ''));
  const map: Partial<Record<SchemeColumn, string>> = {};
  const problems: SchemeProblem[] = [];
  for (const header of headers) {
    const col = ALIAS_INDEX.get(normaliseHeader(header));
    if (!col) continue;
    const previous = map[col];
    if (previous !== undefined) {
      problems.push({ row: 1, message: `表头中“${previous}”和“${header}”重复，都表示“${SCHEME_COLUMN_LABELS[col]}”，请只保留一列` });
    } else map[col] = header;
  }
  const missing = REQUIRED_COLUMNS.filter((c) => map[c] === undefined).map((c) => SCHEME_COLUMN_LABELS[c]);
  if (missing.length > 0) problems.unshift({ row: 1, message: `表头缺少必填列：${missing.join('、')}` });
  if (problems.length > 0) return { ok: false, scheme: null, problems };
  if (dataRows.length === 0) return { ok: false, scheme: null, problems: [{ row: 1, message: '表格中没有评分项目行' }] };

  const categories = new Map<string, CategoryDraft>();
  let current: CategoryDraft | undefined;
  for (const raw of dataRows) {
    const get = (col: SchemeColumn): string => {
      const header = map[col];
      return header === undefined ? '' : cleanText(raw.values[header]);
    };
    const name = get('category');
    if (name !== '' || current === undefined) {
      current = categories.get(name);
      if (current === undefined) {
        current = { name, rowNumber: raw.rowNumber, givenAt: {}, items: [] };
        categories.set(name, current);
      }
    }
    const category = current;
    for (const [col, field] of CATEGORY_COLUMNS) {
      const value = get(col);
      if (value === '') continue;
      const before = category[field];
      if (before === undefined) {
        category[field] = value;
        category.givenAt[field] = raw.rowNumber;
      } else if (!samePoints(before, value)) {
        const label = SCHEME_COLUMN_LABELS[col];
        problems.push({
          row: raw.rowNumber,
          message: `第${raw.rowNumber}行：类别“${category.name}”的${label}（${value}）与第${category.givenAt[field]}行（${before}）不一致`,
        });
      }
    }
    category.items.push({
      rowNumber: raw.rowNumber,
      id: get('code'),
      name: get('item'),
      kind: get('kind'),
      max: get('max'),
      description: get('description'),
      required: get('required'),
    });
  }

  const result = validateScheme({
    name: options.name,
    categories: [...categories.values()].map((c) => ({
      name: c.name,
      rowNumber: c.rowNumber,
      max: c.max,
      deductionCap: c.deductionCap,
      bonusCap: c.bonusCap,
      items: c.items,
    })),
  });
  if (result.ok && problems.length === 0) return result;
  const all = [...problems, ...result.problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { ok: false, scheme: null, problems: all };
}

/** "20" and "20分" and "２０" are the same value. */
function samePoints(a: string, b: string): boolean {
  if (a === b) return true;
  const x = readPoints(a);
  const y = readPoints(b);
  return x.kind === 'ok' && y.kind === 'ok' && x.cents === y.cents;
}
