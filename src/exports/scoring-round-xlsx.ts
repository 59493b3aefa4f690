import ExcelJS from 'exceljs';
import type { DbOrTx } from '../db/client.js';
import type { BranchResult } from '../domain/scoring/aggregate.js';
import type { ScoringFlag } from '../domain/scoring/flags.js';
import { formatNumber } from '../domain/scoring/numbers.js';
import { CLASS_LABELS, describeTieBreak, starLabel, type AggregationPolicy } from '../domain/scoring/policy.js';
import type { SheetView } from '../domain/scoring/ports.js';
import { SCHEME_COLUMN_LABELS } from '../domain/scoring/scheme-rows.js';
import { computeSheet } from '../domain/scoring/sheet.js';
import type { Scheme, SchemeItem } from '../domain/scoring/types.js';
import { loadRoundData, localDateTime, ROUND_STATUS_LABELS, SCORER_ROLE_LABELS, wallClockDate, type RoundData } from './scoring-round-data.js';

/**
 * A 互观互检 round as an Excel workbook for the 机关党委's records (Chinese headers, numbers as numbers, frozen
 * header rows). Sheets:
 *   汇总        per branch: peer scores, trimming, mean, 机关党委点评分, total, stars, class, 名次 (only when the round
 *               shows ranks) and the explanation — or "结果尚未计算" with the progress while there are no results;
 *   评分明细    one row per sheet, one column per scheme item;
 *   分类得分    per sheet and category: the breakdown computeSheet gives (base, plus/deductions entered and counted);
 *   计分规则    the round's policy (version, trimming, weights, star lines and quotas, classes, tie rule);
 *   发布前提示  the flags' messages (left out when `includeFlags` is false: they are for admins only);
 *   计分方案    the scheme in the import template's columns (README "互观互检计分方案模板").
 */

export interface RoundWorkbookOptions {
  /** Business time zone for 提交时间 and the round's dates (default Asia/Shanghai). */
  timezone?: string;
  /** Include the 发布前提示 sheet (default true; false for read-only leader tokens). */
  includeFlags?: boolean;
}

export const ROUND_SHEET_NAMES = {
  summary: '汇总',
  sheets: '评分明细',
  categories: '分类得分',
  policy: '计分规则',
  flags: '发布前提示',
  scheme: '计分方案',
} as const;

export const FLAG_KIND_LABELS: Record<ScoringFlag['kind'], string> = {
  'uniform-scorer': '各支部总分相同',
  'mutual-high': '互评分明显偏高',
  outlier: '评分明显偏离',
};

const SHEET_STATUS_LABELS = { draft: '草稿', submitted: '已提交' } as const;
const NOT_COMPUTED = '结果尚未计算';

export async function exportRoundWorkbook(db: DbOrTx, roundId: number, options: RoundWorkbookOptions = {}): Promise<Buffer> {
  const workbook = buildRoundWorkbook(await loadRoundData(db, roundId), options);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The file name offered for download: "2026年第四季度互观互检-评分结果.xlsx" (characters a file system refuses are replaced). */
export function roundWorkbookFileName(title: string): string {
  const safe = [...title].map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('').trim().slice(0, 80);
  return `${safe || '互观互检'}-评分结果.xlsx`;
}

/** Points shown as in the explanations: two decimals at most, half up. */
const shown = (x: number | null): number | null => (x === null ? null : Number(formatNumber(x)));

/** One value as a number, several as "93、91", none as an empty cell. */
const scoreList = (xs: readonly number[]): number | string | null => (xs.length === 0 ? null : xs.length === 1 ? xs[0]! : xs.map(formatNumber).join('、'));

export function buildRoundWorkbook(data: RoundData, options: RoundWorkbookOptions = {}): ExcelJS.Workbook {
  const tz = options.timezone ?? 'Asia/Shanghai';
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '党建助手';
  workbook.title = data.round.title;
  workbook.created = data.results?.computedAt ?? data.round.opensAt;
  summarySheet(workbook, data);
  detailSheet(workbook, data, tz);
  categorySheet(workbook, data);
  policySheet(workbook, data, tz);
  if (options.includeFlags !== false) flagSheet(workbook, data);
  schemeSheet(workbook, data.round.scheme);
  return workbook;
}

interface Column {
  header: string;
  width: number;
  /** Wrap long text (说明, 计算说明). */
  wrap?: boolean;
  numFmt?: string;
}

/** A sheet with a bold, frozen header row (row `headerRow`). */
function table(workbook: ExcelJS.Workbook, name: string, columns: readonly Column[], headerRow = 1): ExcelJS.Worksheet {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: headerRow }] });
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = c.width;
    if (c.wrap) col.alignment = { wrapText: true, vertical: 'top' };
    if (c.numFmt) col.numFmt = c.numFmt;
  });
  const header = ws.getRow(headerRow);
  header.values = columns.map((c) => c.header);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  return ws;
}

function summarySheet(workbook: ExcelJS.Workbook, data: RoundData): void {
  const result = data.results?.result;
  if (!result) {
    const { progress } = data;
    const ws = table(workbook, ROUND_SHEET_NAMES.summary, [
      { header: '支部', width: 28 }, { header: '应收评分表', width: 12 }, { header: '已提交', width: 10 }, { header: '草稿', width: 10 },
    ], 4);
    ws.getCell('A1').value = NOT_COMPUTED;
    ws.getCell('A1').font = { bold: true, size: 13 };
    ws.getCell('A2').value = `“${data.round.title}”${ROUND_STATUS_LABELS[data.round.status]}，已提交评分表 ${progress.submitted} / ${progress.expected} 份（草稿 ${progress.drafts} 份）；评分结束后计算结果。`;
    for (const b of progress.byBranch) ws.addRow([b.name, b.expected, b.submitted, b.drafts]);
    return;
  }
  const columns: Column[] = [
    { header: '支部', width: 26 },
    { header: '互评份数', width: 10 },
    { header: '互评分（高→低）', width: 30, wrap: true },
    { header: '去掉的最高分', width: 11 },
    { header: '去掉的最低分', width: 11 },
    { header: '互评平均', width: 10 },
    { header: '机关党委点评分', width: 12 },
    { header: '总分', width: 10 },
    { header: '星级', width: 8 },
    { header: '等次', width: 8 },
    ...(result.ranksVisible ? [{ header: '名次', width: 7 }] : []),
    { header: '计算说明', width: 80, wrap: true },
  ];
  const ws = table(workbook, ROUND_SHEET_NAMES.summary, columns);
  for (const b of result.branches) ws.addRow(summaryRow(b, result.ranksVisible));
}

/** The 汇总 row of one branch (exported so tests can compare with the stored result). */
export function summaryRow(b: BranchResult, ranksVisible: boolean): (string | number | null)[] {
  return [
    b.branchName,
    b.peerScores.length,
    b.peerScores.length ? b.peerScores.map(formatNumber).join('、') : null,
    scoreList(b.droppedHighest),
    scoreList(b.droppedLowest),
    shown(b.peerMean),
    b.committeeScore,
    b.totalText === null ? null : Number(b.totalText),
    b.starLabel,
    b.classLabel,
    ...(ranksVisible ? [b.rank] : []),
    b.explanation,
  ];
}

function schemeItems(scheme: Scheme): SchemeItem[] {
  return scheme.categories.flatMap((c) => c.items);
}

/** "1.4 三会一课未按期召开（扣分，≤6）". */
function itemHeader(item: SchemeItem): string {
  return `${item.id} ${item.name}（${item.kind === 'minus' ? '扣分，' : ''}≤${formatNumber(item.max)}）`;
}

interface SheetRowContext {
  scorer: string;
  role: string;
  scorerBranch: string;
  target: string;
  sheet: SheetView;
}

/** Sheets in the order a reader looks for them: by 被评支部 (round order), then scorer (committee last). */
function orderedSheets(data: RoundData): SheetRowContext[] {
  const branchName = new Map(data.round.branches.map((b) => [b.id, b.name]));
  const branchOrder = new Map(data.round.branches.map((b, i) => [b.id, i]));
  const scorers = new Map(data.scorers.map((s) => [s.personId, s]));
  return [...data.sheets]
    .sort((a, b) => {
      const byTarget = (branchOrder.get(a.targetUnitId) ?? 1e9) - (branchOrder.get(b.targetUnitId) ?? 1e9);
      if (byTarget !== 0) return byTarget;
      const ra = scorers.get(a.scorerId)?.role === 'committee' ? 1 : 0;
      const rb = scorers.get(b.scorerId)?.role === 'committee' ? 1 : 0;
      return ra - rb || a.scorerId - b.scorerId;
    })
    .map((sheet) => {
      const scorer = scorers.get(sheet.scorerId);
      return {
        sheet,
        scorer: scorer?.name ?? `人员${sheet.scorerId}`,
        role: scorer ? SCORER_ROLE_LABELS[scorer.role] : '',
        scorerBranch: scorer?.branchId == null ? '机关党委' : (branchName.get(scorer.branchId) ?? `单位${scorer.branchId}`),
        target: branchName.get(sheet.targetUnitId) ?? `单位${sheet.targetUnitId}`,
      };
    });
}

/** A sheet's total: the one recorded on submit, else (a draft) what its entries add up to now. */
export function sheetTotalPoints(scheme: Scheme, sheet: SheetView): number {
  return sheet.totalCents !== null ? sheet.totalCents / 100 : computeSheet(scheme, sheet.entries).total;
}

function detailSheet(workbook: ExcelJS.Workbook, data: RoundData, tz: string): void {
  const { scheme } = data.round;
  const items = schemeItems(scheme);
  const ws = table(workbook, ROUND_SHEET_NAMES.sheets, [
    { header: '评分人', width: 10 },
    { header: '角色', width: 12 },
    { header: '评分人所在支部', width: 24 },
    { header: '被评支部', width: 24 },
    { header: '状态', width: 8 },
    { header: '提交时间', width: 17, numFmt: 'yyyy-mm-dd hh:mm' },
    ...items.map((i) => ({ header: itemHeader(i), width: 12 })),
    { header: '扣分理由', width: 40, wrap: true },
    { header: '评语', width: 40, wrap: true },
    { header: '总分', width: 10 },
  ]);
  ws.getRow(1).height = 48;
  const names = new Map(items.map((i) => [i.id, i.name]));
  for (const r of orderedSheets(data)) {
    const points = new Map(r.sheet.entries.map((e) => [e.itemId, e.points ?? null]));
    const reasons = r.sheet.entries
      .filter((e) => (e.reason ?? '').trim() !== '')
      .map((e) => `${names.get(e.itemId) ?? e.itemId}：${(e.reason ?? '').trim()}`);
    ws.addRow([
      r.scorer,
      r.role,
      r.scorerBranch,
      r.target,
      SHEET_STATUS_LABELS[r.sheet.status],
      r.sheet.submittedAt ? wallClockDate(r.sheet.submittedAt, tz) : null,
      ...items.map((i) => points.get(i.id) ?? null),
      reasons.length ? reasons.join('；') : null,
      r.sheet.comment,
      sheetTotalPoints(scheme, r.sheet),
    ]);
  }
}

function categorySheet(workbook: ExcelJS.Workbook, data: RoundData): void {
  const ws = table(workbook, ROUND_SHEET_NAMES.categories, [
    { header: '评分人', width: 10 },
    { header: '被评支部', width: 24 },
    { header: '状态', width: 8 },
    { header: '类别', width: 12 },
    { header: '类别满分', width: 10 },
    { header: '基础分', width: 8 },
    { header: '加分（填写）', width: 11 },
    { header: '加分（计入）', width: 11 },
    { header: '扣分（填写）', width: 11 },
    { header: '扣分（计入）', width: 11 },
    { header: '扣完为止', width: 10 },
    { header: '类别得分', width: 10 },
  ]);
  for (const r of orderedSheets(data)) {
    for (const c of computeSheet(data.round.scheme, r.sheet.entries).categories) {
      ws.addRow([
        r.scorer, r.target, SHEET_STATUS_LABELS[r.sheet.status], c.name, c.max, c.base, c.plusEntered, c.plus, c.deductionEntered, c.deduction,
        c.flooredAtZero ? '是' : null, c.score,
      ]);
    }
  }
}

/** "互评不少于5份时去掉最高分1份、最低分1份后平均；不足5份时直接平均". */
export function describeTrim(policy: AggregationPolicy): string {
  const { minScores, dropHighest, dropLowest } = policy.trim;
  if (dropHighest + dropLowest === 0) return '不去掉最高分和最低分，直接平均';
  const parts = [dropHighest > 0 ? `最高分${dropHighest}份` : '', dropLowest > 0 ? `最低分${dropLowest}份` : ''].filter(Boolean);
  return `互评不少于${minScores}份时去掉${parts.join('、')}后平均；不足${minScores}份时直接平均`;
}

export function describeWeights(policy: AggregationPolicy): string {
  if (policy.weights === 'peers-only') return '只计互评平均分（不计机关党委点评分）';
  return `互评平均分 × ${formatNumber(policy.weights.peers)} ＋ 机关党委点评分 × ${formatNumber(policy.weights.committee)}`;
}

/**
 * The policy the results were computed with. A round copies its policy at start; results record the version
 * they used. When a weighted policy's results carry another version and no branch has a 机关党委点评分, the round
 * was computed on peers only (missing 点评分): the sheet must say so rather than show weights that were not used.
 */
export function effectivePolicy(data: RoundData): { policy: AggregationPolicy; note: string | null } {
  const { round, results } = data;
  if (!results || results.policyVersion === round.policy.version) return { policy: round.policy, note: null };
  const scored = results.result.branches.filter((b) => b.total !== null);
  const peersOnly = round.policy.weights !== 'peers-only' && scored.length > 0 && scored.every((b) => b.committeeScore === null);
  return {
    policy: { ...round.policy, version: results.policyVersion, ...(peersOnly ? { weights: 'peers-only' as const } : {}) },
    note: `本轮开始时的计分规则为 ${round.policy.version}，结果按 ${results.policyVersion} 计算${peersOnly ? '（缺少机关党委点评分，仅以互评计算）' : ''}`,
  };
}

function policySheet(workbook: ExcelJS.Workbook, data: RoundData, tz: string): void {
  const { round, results } = data;
  const { policy, note } = effectivePolicy(data);
  const ws = table(workbook, ROUND_SHEET_NAMES.policy, [
    { header: '项目', width: 26 },
    { header: '内容', width: 60, wrap: true },
    { header: '说明', width: 50, wrap: true },
  ]);
  const row = (label: string, value: string | number | null, note: string | null = null, numFmt?: string): void => {
    const r = ws.addRow([label, value, note]);
    if (numFmt) r.getCell(2).numFmt = numFmt;
    r.getCell(2).alignment = { horizontal: 'left', wrapText: true, vertical: 'top' };
  };
  const itemCount = schemeItems(round.scheme).length;
  row('轮次', round.title);
  row('状态', ROUND_STATUS_LABELS[round.status]);
  row('评分时间', `${localDateTime(round.opensAt, tz)} 至 ${localDateTime(round.closesAt, tz)}`);
  row('计分方案', round.scheme.name, `总分 ${formatNumber(round.scheme.total)} 分，${round.scheme.categories.length} 个类别 ${itemCount} 个项目（见“计分方案”表）`);
  row('计分规则版本', policy.version, note ?? '结果记录计算时的规则版本');
  row('结果计算时间', results ? localDateTime(results.computedAt, tz) : NOT_COMPUTED);
  row('去掉最高/最低分', describeTrim(policy));
  row('  去掉最高/最低分所需最少互评份数', policy.trim.minScores);
  row('  去掉最高分份数', policy.trim.dropHighest);
  row('  去掉最低分份数', policy.trim.dropLowest);
  row('权重', describeWeights(policy));
  if (policy.weights !== 'peers-only') {
    row('  互评权重', policy.weights.peers);
    row('  机关党委点评权重', policy.weights.committee);
  }
  const levels = [...policy.stars].sort((a, b) => b.stars - a.stars);
  for (const s of levels) row(`${starLabel(s.stars)}分数线`, s.min, `总分 ≥ ${formatNumber(s.min)} 分`);
  row('未定级', null, levels.length ? `总分低于 ${formatNumber(Math.min(...levels.map((s) => s.min)))} 分，或没有互评分` : '没有互评分');
  for (const s of levels) {
    const share = policy.starQuotas?.[s.stars];
    if (share === undefined) continue;
    row(`${starLabel(s.stars)}名额比例`, share, `至多占参评支部的 ${formatNumber(share * 100)}%（向下取整）；超出的按名次依次降为下一星级`, '0%');
  }
  const { advanced, lagging } = policy.classes;
  const adv = [advanced.minScore !== undefined ? `总分 ≥ ${formatNumber(advanced.minScore)} 分` : '', advanced.maxShare !== undefined ? `至多占参评支部的 ${formatNumber(advanced.maxShare * 100)}%（按名次，向下取整）` : ''].filter(Boolean);
  const lag = [lagging.belowScore !== undefined ? `总分 < ${formatNumber(lagging.belowScore)} 分` : '', lagging.minShare !== undefined ? `至少占参评支部的 ${formatNumber(lagging.minShare * 100)}%（按名次从后往前，向上取整；达到先进分数线的支部除外）` : ''].filter(Boolean);
  row(CLASS_LABELS.advanced, adv.length ? adv.join('，且') : '不评定');
  row(CLASS_LABELS.lagging, lag.length ? lag.join('；') : '不评定');
  row(CLASS_LABELS.middle, '其余参评支部');
  row('并列规则', describeTieBreak(policy));
  const ranksVisible = results ? results.result.ranksVisible : round.showRanks;
  row('名次', ranksVisible ? '公开' : '不公开（只用于星级名额和等次，不显示）');
}

function flagSheet(workbook: ExcelJS.Workbook, data: RoundData): void {
  const ws = table(workbook, ROUND_SHEET_NAMES.flags, [
    { header: '序号', width: 6 },
    { header: '类型', width: 16 },
    { header: '提示', width: 110, wrap: true },
  ]);
  if (!data.results) {
    ws.addRow([null, null, `${NOT_COMPUTED}；评分结束后生成发布前提示。`]);
    return;
  }
  if (data.results.flags.length === 0) {
    ws.addRow([null, null, '没有需要注意的情况。']);
    return;
  }
  data.results.flags.forEach((f, i) => ws.addRow([i + 1, FLAG_KIND_LABELS[f.kind] ?? f.kind, f.message]));
}

/** The scheme in the import template's columns, so the sheet can be copied out and imported again. */
function schemeSheet(workbook: ExcelJS.Workbook, scheme: Scheme): void {
  const L = SCHEME_COLUMN_LABELS;
  const ws = table(workbook, ROUND_SHEET_NAMES.scheme, [
    { header: L.category, width: 12 },
    { header: L.categoryMax, width: 10 },
    { header: L.deductionCap, width: 10 },
    { header: L.bonusCap, width: 10 },
    { header: L.code, width: 7 },
    { header: L.item, width: 26 },
    { header: L.kind, width: 7 },
    { header: L.max, width: 10 },
    { header: L.description, width: 50, wrap: true },
    { header: L.required, width: 6 },
  ]);
  for (const c of scheme.categories) {
    c.items.forEach((item, i) => {
      const first = i === 0;
      ws.addRow([
        first ? c.name : null,
        first ? c.max : null,
        first ? c.deductionCap : null,
        first ? c.bonusCap : null,
        item.id,
        item.name,
        item.kind === 'plus' ? '加分' : '扣分',
        item.max,
        item.description || null,
        item.required ? '是' : '否',
      ]);
    });
  }
}
