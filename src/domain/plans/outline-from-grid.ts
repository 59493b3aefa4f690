/**
 * A plan spreadsheet (the documented template) → outline tree plus per-node details (pure; the grid comes
 * from read-xlsx). One row per node; the title columns 方面 / 目标 / 任务 give the level (1 / 2 / 3).
 *
 * | 列 | 必填 | 含义 |
 * |---|---|---|
 * | 序号 | 否 | 该行条目的编号，如 一、 (一) 1.；也可只写数字，按层级补成对应格式；不填则自动编号 |
 * | 方面 | 三选一 | 一级条目标题（如“推进政治型机关建设”） |
 * | 目标 | 三选一 | 二级条目标题 |
 * | 任务 | 三选一 | 三级条目（具体任务）标题 |
 * | 工作要求 | 否 | 条目正文 |
 * | 完成时限 | 否 | 日期或“6月底前”“年底前”“上半年”；不填或写“长期坚持”则为当年年底 |
 * | 责任单位 | 否 | |
 * | 责任人 | 否 | |
 * | 清单类型 | 否 | 学习清单 / 工作清单 / 创新清单 |
 * | 五型维度 | 否 | 如“政治型”或“服务型、实干型”；不填则从标题识别 |
 *
 * Each row creates the node of its deepest filled title column. A shallower cell that is filled and differs
 * from the open node at that level opens a new one there (so a ledger that repeats or merges 方面/目标 cells
 * down its rows reads the same as one row per node); an empty one means "same as above". A 任务 row directly
 * under a 方面 skips level 2, like the documents do. Title cells may carry their marker ("一、推进…").
 */
import type { RowError } from '../org/types.js';
import { DEFAULT_DIMENSION_CONFIG, detectDimensions, parseDimensionList } from './dimensions.js';
import type { DimensionConfig } from './dimensions.js';
import { formatMarker, matchMarker, normalizeMarkerCell, trimText } from './outline-markers.js';
import type { MarkerLevel } from './outline-markers.js';
import { splitHeading } from './parse-outline.js';
import type { PlanDetailsMap, PlanNode, PlanNodeDetails, PlanOutline } from './types.js';

type Field = 'marker' | 'level1' | 'level2' | 'level3' | 'text' | 'deadline' | 'unit' | 'person' | 'listKind' | 'dimensions';

/** Accepted headers per field; the first is the template's own. */
export const PLAN_TEMPLATE_HEADERS: Readonly<Record<Field, readonly string[]>> = {
  marker: ['序号', '编号'],
  level1: ['方面', '工作方面', '一级标题'],
  level2: ['目标', '子目标', '二级标题'],
  level3: ['任务', '子任务', '工作任务', '具体任务', '三级标题'],
  text: ['工作要求', '具体要求', '要求', '工作内容', '内容'],
  deadline: ['完成时限', '完成时间', '时限', '截止时间', '截止日期'],
  unit: ['责任单位', '牵头单位', '责任部门', '责任支部'],
  person: ['责任人', '负责人'],
  listKind: ['清单类型', '清单类别', '清单'],
  dimensions: ['五型维度', '所属维度', '维度', '五型'],
};

const TITLE_FIELDS = ['level1', 'level2', 'level3'] as const;

/** "任务*", "任务（必填）", " 任 务 " → "任务". */
function headerKey(cell: string): string {
  return trimText(cell).normalize('NFKC').replace(/\s+/g, '').replace(/[*＊]+$/, '').replace(/\((必填|选填|可选|非必填)\)$/, '');
}

function fieldOf(header: string): Field | undefined {
  const key = headerKey(header);
  for (const [field, names] of Object.entries(PLAN_TEMPLATE_HEADERS) as [Field, readonly string[]][]) {
    if (names.includes(key)) return field;
  }
  return undefined;
}

export interface GridOutline {
  outline: PlanOutline;
  details: PlanDetailsMap;
  /** Rows that could not be read; the caller refuses the file when there are any. */
  errors: RowError[];
}

export interface OutlineFromGridOptions {
  dimensions?: DimensionConfig;
}

/** Grid (index 0 = spreadsheet row 1) in the plan template → outline, details and row errors. */
export function outlineFromGrid(grid: readonly (readonly string[])[], options: OutlineFromGridOptions = {}): GridOutline {
  const config = options.dimensions ?? DEFAULT_DIMENSION_CONFIG;
  const errors: RowError[] = [];
  const details: PlanDetailsMap = new Map();
  const headerIndex = grid.findIndex((row) => row.some((c) => {
    const f = fieldOf(c);
    return f === 'level1' || f === 'level2' || f === 'level3';
  }));
  if (headerIndex < 0) {
    return { outline: { title: '', nodes: [] }, details, errors: [{ row: 0, message: '表格中没有找到“方面”“目标”“任务”列（表头应为：序号、方面、目标、任务、工作要求、完成时限、责任单位、责任人、清单类型、五型维度）' }] };
  }
  const title = grid.slice(0, headerIndex).flat().map(trimText).find((c) => c !== '') ?? '';
  const columns = new Map<Field, number>();
  (grid[headerIndex] ?? []).forEach((cell, i) => {
    const f = fieldOf(cell);
    if (f !== undefined && !columns.has(f)) columns.set(f, i);
  });

  const nodes: PlanNode[] = [];
  const levelOf = new Map<PlanNode, MarkerLevel>();
  // open[l] = the node currently open at level l (1–3).
  const open: (PlanNode | undefined)[] = [];

  const childrenOf = (level: MarkerLevel): PlanNode[] => {
    for (let l = level - 1; l >= 1; l--) {
      const parent = open[l];
      if (parent) return parent.children;
    }
    return nodes;
  };

  const create = (level: MarkerLevel, cell: string, markerCell: string): PlanNode => {
    const inCell = matchMarker(cell);
    const heading = splitHeading(inCell && inCell.rest !== '' ? inCell.rest : cell);
    const siblings = childrenOf(level);
    let marker = normalizeMarkerCell(markerCell, level);
    if (marker === '' && inCell && inCell.rest !== '') marker = inCell.marker;
    if (marker === '') marker = formatMarker(level, siblings.filter((n) => levelOf.get(n) === level).length + 1);
    const node: PlanNode = { marker, title: heading.title, text: heading.text, dimensions: detectDimensions(heading.title, config), children: [] };
    siblings.push(node);
    levelOf.set(node, level);
    open[level] = node;
    for (let l = level + 1; l <= 3; l++) open[l] = undefined;
    return node;
  };

  const sameTitle = (node: PlanNode | undefined, cell: string): boolean => {
    if (!node) return false;
    const inCell = matchMarker(cell);
    return splitHeading(inCell && inCell.rest !== '' ? inCell.rest : cell).title === node.title;
  };

  for (let r = headerIndex + 1; r < grid.length; r++) {
    const row = grid[r] ?? [];
    const rowNumber = r + 1;
    const get = (f: Field): string => {
      const i = columns.get(f);
      return i === undefined ? '' : trimText(row[i] ?? '');
    };
    if (row.every((c) => trimText(c) === '')) continue;
    const titles = TITLE_FIELDS.map(get);
    const deepest = titles.reduce((d, t, i) => (t !== '' ? i + 1 : d), 0);
    if (deepest === 0) {
      errors.push({ row: rowNumber, message: `第${rowNumber}行：“方面”“目标”“任务”都是空的，每行至少要填其中一项` });
      continue;
    }
    for (let l = 1; l < deepest; l++) {
      const cell = titles[l - 1] ?? '';
      if (cell !== '' && !sameTitle(open[l], cell)) create(l as MarkerLevel, cell, '');
    }
    const node = create(deepest as MarkerLevel, titles[deepest - 1] ?? '', get('marker'));
    const text = get('text');
    if (text !== '') node.text = node.text === '' ? text : `${node.text}\n${text}`;
    const dimCell = get('dimensions');
    if (dimCell !== '') {
      const { dimensions, unknown } = parseDimensionList(dimCell, config);
      if (unknown.length > 0) {
        errors.push({ row: rowNumber, message: `第${rowNumber}行：五型维度“${unknown.join('、')}”不在配置的维度中（${config.names.join('、')}）` });
      }
      node.dimensions = dimensions;
    }
    const d: PlanNodeDetails = { rowNumber };
    const put = (key: 'deadlineText' | 'responsibleUnit' | 'responsiblePerson' | 'listKind', f: Field): void => {
      const v = get(f);
      if (v !== '') d[key] = v;
    };
    put('deadlineText', 'deadline');
    put('responsibleUnit', 'unit');
    put('responsiblePerson', 'person');
    put('listKind', 'listKind');
    details.set(node, d);
  }
  return { outline: { title, nodes }, details, errors };
}
