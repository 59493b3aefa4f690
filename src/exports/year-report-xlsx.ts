import ExcelJS from 'exceljs';
import { CADENCE_LABELS, currentLabel, missingLabel } from '../domain/reports/cadence-kept.js';
import { LIST_KIND_LABELS, SOURCE_LABELS } from '../domain/reports/figures.js';
import { describePeriod } from '../domain/reports/period.js';
import { uniqueSheetNames } from '../domain/reports/sheet-names.js';
import type { BranchReport, DimensionLine, Figures, ItemLine, YearReport } from '../domain/reports/types.js';
import {
  applyColumns, dateCell, DATE_FMT, DATETIME_FMT, headerRow, localDateTimeCell, PERCENT_FMT, safeFileName, wallClock, wallClockText, type Column,
} from './year-report-style.js';

/**
 * 年中查账 / 年底交账 as an Excel workbook: 汇总 (one row per branch and a 合计 row, then the per-dimension table and
 * the counting rules) and one sheet per branch (its items with state, due date, completion and evidence; 组织生活
 * against the cadence; 互观互检 results; its per-dimension figures). Header rows are frozen; numbers, rates and dates
 * are real cell values.
 */

export const SUMMARY_SHEET = '汇总';
/** The row of the summary's (and each branch sheet's) first header; rows above it are the title. */
export const HEADER_ROW = 4;

export const FIGURE_HEADERS = ['计划任务', '应完成（已到期）', '已完成', '其中逾期完成', '逾期未完成', '未到期', '完成率', '到期完成率'] as const;

export const SUMMARY_COLUMNS: Column[] = [
  { header: '党支部', width: 26 },
  { header: '党员人数', width: 9 },
  { header: '计划任务', width: 9 },
  { header: '应完成（已到期）', width: 11 },
  { header: '已完成', width: 9 },
  { header: '其中逾期完成', width: 10 },
  { header: '逾期未完成', width: 10 },
  { header: '未到期', width: 9 },
  { header: '完成率', width: 9, numFmt: PERCENT_FMT },
  { header: '到期完成率', width: 10, numFmt: PERCENT_FMT },
  { header: '组织生活应开（期）', width: 11 },
  { header: '按期召开（期）', width: 10 },
  { header: '组织生活按期率', width: 11, numFmt: PERCENT_FMT },
];

export const BRANCH_COLUMNS: Column[] = [
  { header: '序号', width: 6 },
  { header: '事项', width: 40, wrap: true },
  { header: '来源', width: 24, wrap: true },
  { header: '清单类型', width: 10 },
  { header: '五型维度', width: 14, wrap: true },
  { header: '承担', width: 8 },
  { header: '截止日期', width: 12 },
  { header: '状态', width: 20, wrap: true },
  { header: '计划', width: 7 },
  { header: '已完成', width: 7 },
  { header: '逾期完成', width: 8 },
  { header: '逾期未完成', width: 9 },
  { header: '完成时间', width: 17 },
  { header: '心得/佐证', width: 40, wrap: true },
  { header: '登记方式', width: 10 },
];

export const CADENCE_HEADERS = ['组织生活', '要求', '应开（期）', '按期召开（期）', '共召开（次）', '当前周期', '未召开的周期'] as const;
export const SCORING_HEADERS = ['互观互检轮次', '发布日期', '总分', '星级', '等次'] as const;
export const DIMENSION_HEADERS = ['五型维度', ...FIGURE_HEADERS] as const;

export interface YearWorkbookOptions {
  timezone: string;
}

/** The file name offered: "2026年年中查账-第一党支部.xlsx" (the scope is named when it is not every branch). */
export function yearReportFileName(report: YearReport): string {
  const scope = report.scopeLabel === '全部党支部' ? '' : `-${report.scopeLabel.slice(0, 40)}`;
  return `${safeFileName(`${report.title}${scope}`)}.xlsx`;
}

export async function yearReportBuffer(report: YearReport, options: YearWorkbookOptions): Promise<Buffer> {
  return Buffer.from(await buildYearWorkbook(report, options).xlsx.writeBuffer());
}

/** The figures' eight cells: counts, then the two rates (null → empty cell). */
export function figureCells(f: Figures): (number | null)[] {
  return [f.planned, f.dueByNow, f.done, f.doneLate, f.overdue, f.openNotDue, f.completionRate, f.dueCompletionRate];
}

export function buildYearWorkbook(report: YearReport, options: YearWorkbookOptions): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '党建助手';
  workbook.title = report.title;
  workbook.created = new Date(report.generatedAt);
  const names = uniqueSheetNames(report.branches.map((b) => b.name), [SUMMARY_SHEET]);
  summarySheet(workbook, report, names, options);
  report.branches.forEach((b, i) => branchSheet(workbook, report, b, names[i]!));
  return workbook;
}

/** Writes `values` into row `rowNumber` from column `fromCol` on (null leaves a cell empty). */
function putRow(ws: ExcelJS.Worksheet, rowNumber: number, values: readonly unknown[], fromCol = 1): ExcelJS.Row {
  const row = ws.getRow(rowNumber);
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) row.getCell(fromCol + i).value = v as ExcelJS.CellValue;
  });
  return row;
}

function titleRows(ws: ExcelJS.Worksheet, title: string, subtitle: string): void {
  ws.getCell('A1').value = title;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = subtitle;
  ws.getCell('A2').font = { color: { argb: 'FF555555' } };
}

function summarySheet(workbook: ExcelJS.Workbook, report: YearReport, sheetNames: string[], options: YearWorkbookOptions): void {
  const ws = workbook.addWorksheet(SUMMARY_SHEET, { views: [{ state: 'frozen', xSplit: 1, ySplit: HEADER_ROW }] });
  const roundColumns: Column[] = report.rounds.flatMap((r) => [
    { header: `${r.title}\n总分`, width: 12 },
    { header: '星级', width: 9 },
    { header: '等次', width: 7 },
  ]);
  const columns = [...SUMMARY_COLUMNS, ...roundColumns];
  applyColumns(ws, columns);
  const generated = wallClockText(wallClock(new Date(report.generatedAt), options.timezone));
  titleRows(ws, `${report.agency} ${report.title}`, `统计期间：${describePeriod(report.period)}；范围：${report.scopeLabel}；导出时间：${generated}`);
  headerRow(ws, HEADER_ROW, columns.map((c) => c.header)).height = 36;

  let r = HEADER_ROW + 1;
  report.branches.forEach((b, i) => {
    const row = putRow(ws, r++, summaryCells(b, report));
    row.getCell(1).value = { text: branchLabel(b), hyperlink: `#'${sheetNames[i]!.replace(/'/g, "''")}'!A1` };
    row.getCell(1).font = { color: { argb: 'FF1565C0' }, underline: true };
  });
  const total = putRow(ws, r++, ['合计', report.members, ...figureCells(report.totals), report.cadenceTotals.expected, report.cadenceTotals.kept, report.cadenceTotals.rate]);
  total.font = { bold: true };

  r++;
  ws.getCell(r++, 1).value = '按五型维度';
  ws.getCell(r - 1, 1).font = { bold: true, size: 12 };
  // Same columns as the branch table (维度 in 党支部's column, 党员人数 left empty) so the widths fit both.
  headerRow(ws, r++, ['五型维度', '', ...FIGURE_HEADERS]);
  for (const d of report.dimensions) putRow(ws, r++, [d.name, null, ...figureCells(d.figures)]);
  r++;
  ws.getCell(r++, 1).value = '说明';
  ws.getCell(r - 1, 1).font = { bold: true };
  for (const note of report.notes) ws.getCell(r++, 1).value = note;
  if (report.branches.length === 0) ws.getCell(r, 1).value = '范围内没有党支部。';
}

function branchLabel(b: BranchReport): string {
  return b.active ? b.name : `${b.name}（已撤销）`;
}

/** One branch's 汇总 row (without the link), exported so tests can compare it with the database. */
export function summaryCells(b: BranchReport, report: YearReport): (string | number | null)[] {
  const cells: (string | number | null)[] = [branchLabel(b), b.members, ...figureCells(b.figures), b.cadenceTotals.expected, b.cadenceTotals.kept, b.cadenceTotals.rate];
  for (const round of report.rounds) {
    const s = b.scoring.find((x) => x.roundId === round.id);
    cells.push(s?.totalText ? Number(s.totalText) : null, s ? s.starLabel || null : null, s?.classLabel ?? null);
  }
  return cells;
}

function branchSheet(workbook: ExcelJS.Workbook, report: YearReport, b: BranchReport, name: string): void {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: HEADER_ROW }] });
  applyColumns(ws, BRANCH_COLUMNS);
  const f = b.figures;
  const rate = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  titleRows(
    ws,
    `${branchLabel(b)} · ${report.title}`,
    `统计期间：${describePeriod(report.period)}；党员 ${b.members} 人；计划任务 ${f.planned}，已完成 ${f.done}（逾期完成 ${f.doneLate}），逾期未完成 ${f.overdue}，完成率 ${rate(f.completionRate)}；组织生活按期 ${b.cadenceTotals.kept}/${b.cadenceTotals.expected} 期`,
  );
  headerRow(ws, HEADER_ROW, BRANCH_COLUMNS.map((c) => c.header));

  // Formats are set per cell: the tables below the items share these columns with other meanings.
  let r = HEADER_ROW + 1;
  b.items.forEach((line, i) => {
    const row = putRow(ws, r++, itemCells(line, i + 1));
    row.getCell(7).numFmt = DATE_FMT;
    row.getCell(13).numFmt = DATETIME_FMT;
  });
  if (b.items.length === 0) ws.getCell(r++, 2).value = '本期没有分派给本支部的任务。';

  r++;
  headerRow(ws, r++, CADENCE_HEADERS, 2);
  for (const c of b.cadence) {
    putRow(ws, r++, [c.name, CADENCE_LABELS[c.cadence], c.expected, c.kept, c.held, currentLabel(c), missingLabel(c)], 2);
  }

  r++;
  headerRow(ws, r++, SCORING_HEADERS, 2);
  for (const s of b.scoring) {
    const row = putRow(ws, r++, [s.title, dateCell(s.publishedOn), s.totalText ? Number(s.totalText) : null, s.starLabel || null, s.classLabel], 2);
    row.getCell(3).numFmt = DATE_FMT;
  }
  if (b.scoring.length === 0) ws.getCell(r++, 2).value = '本期没有已发布的互观互检结果。';

  r++;
  headerRow(ws, r++, DIMENSION_HEADERS, 2);
  for (const d of b.dimensions) {
    const row = putRow(ws, r++, dimensionCells(d), 2);
    row.getCell(9).numFmt = PERCENT_FMT;
    row.getCell(10).numFmt = PERCENT_FMT;
  }
}

export function dimensionCells(d: DimensionLine): (string | number | null)[] {
  return [d.name, ...figureCells(d.figures)];
}

/** One item row of a branch sheet (exported for the tests). */
export function itemCells(line: ItemLine, no: number): (string | number | Date | null)[] {
  const single = line.assignee === 'unit' && line.figures.planned === 1;
  const due = line.dueMin === line.dueMax ? dateCell(line.dueMin) : `${line.dueMin ?? ''} 至 ${line.dueMax ?? ''}`;
  const evidence = single ? line.evidence : line.withEvidence > 0 ? `${line.withEvidence}人填写了心得` : null;
  return [
    no,
    line.item.title,
    line.item.source,
    line.item.listKind ? LIST_KIND_LABELS[line.item.listKind] : null,
    line.item.dimensions.join('、') || null,
    line.assignee === 'unit' ? '支部' : '党员',
    due,
    line.status,
    line.figures.planned,
    line.figures.done,
    line.figures.doneLate,
    line.figures.overdue,
    localDateTimeCell(line.lastDoneAt),
    evidence,
    single && line.source ? SOURCE_LABELS[line.source] : null,
  ];
}
