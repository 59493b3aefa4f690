import { cadenceLines, cadenceTotals } from './cadence-kept.js';
import { addCounts, countsOf, itemStatus, sumFigures, UNTAGGED, withRates, ZERO, type Counts } from './figures.js';
import { reportTitle } from './period.js';
import type { BranchReport, DimensionLine, ItemFigureRow, ItemLine, ReportItem, YearReport, YearReportInput } from './types.js';

/**
 * Shapes the database's per-branch, per-item figures into the 年中查账 / 年底交账 report: per branch (items,
 * dimensions, 组织生活, 互观互检), per dimension over all branches, and totals. Pure: the same input always gives
 * the same report, so the sheet, the page and the API agree.
 */
export function buildYearReport(input: YearReportInput): YearReport {
  const { period } = input;
  const items = new Map(input.items.map((i) => [i.id, i]));
  const itemOrder = new Map(input.items.map((i, n) => [i.id, n]));
  const byBranch = groupBy(input.figures, (f) => f.branchId);
  const meetingsByBranch = groupBy(input.meetings, (m) => m.branchId);

  // Inactive branches appear only when they have something to show for the period.
  const branches = input.branches.filter((b) => b.active || byBranch.has(b.id) || meetingsByBranch.has(b.id));
  const dimensionOrder = dimensionNamesOf(input.dimensionNames, input.items);

  const reports: BranchReport[] = branches.map((b) => {
    const rows = [...(byBranch.get(b.id) ?? [])].sort(
      (x, y) => (itemOrder.get(x.itemId) ?? 1e9) - (itemOrder.get(y.itemId) ?? 1e9) || (x.assignee === y.assignee ? 0 : x.assignee === 'unit' ? -1 : 1),
    );
    const lines = rows.flatMap((r): ItemLine[] => {
      const item = items.get(r.itemId);
      return item ? [itemLine(item, r)] : [];
    });
    const cadence = cadenceLines(period, input.cadenceOf(b.id), b.hasGroups, meetingsByBranch.get(b.id) ?? []);
    return {
      id: b.id,
      name: b.name,
      active: b.active,
      members: b.members,
      figures: sumFigures(rows.map(countsOf)),
      dimensions: dimensionLines(dimensionOrder, rows, items),
      items: lines,
      cadence,
      cadenceTotals: cadenceTotals(cadence),
      scoring: input.rounds.flatMap((r) =>
        r.branches.filter((x) => x.branchId === b.id).map((x) => ({ ...x, roundId: r.id, title: r.title, publishedOn: r.publishedOn })),
      ),
    };
  });

  const included = new Set(reports.map((b) => b.id));
  const scopedRows = input.figures.filter((f) => included.has(f.branchId));
  return {
    period,
    title: reportTitle(period.kind, period.year),
    generatedAt: input.generatedAt,
    agency: input.agency,
    scopeLabel: input.scopeLabel,
    totals: sumFigures(reports.map((b) => b.figures)),
    cadenceTotals: cadenceTotals(reports.map((b) => b.cadenceTotals)),
    members: reports.reduce((n, b) => n + b.members, 0),
    branches: reports,
    dimensions: dimensionLines(dimensionOrder, scopedRows, items),
    rounds: input.rounds.map((r) => ({ id: r.id, title: r.title, opensOn: r.opensOn, publishedOn: r.publishedOn })),
    notes: reportNotes(input),
  };
}

function itemLine(item: ReportItem, r: ItemFigureRow): ItemLine {
  return {
    item,
    assignee: r.assignee,
    figures: withRates(countsOf(r)),
    status: itemStatus(r),
    dueMin: r.dueMin,
    dueMax: r.dueMax,
    extended: r.extended,
    lastDoneAt: r.lastDoneAt,
    evidence: r.evidence,
    withEvidence: r.withEvidence,
    source: r.source,
  };
}

/** Configured dimensions first (in their order), then names found on items only, then 未标注维度. */
function dimensionNamesOf(configured: readonly string[], items: readonly ReportItem[]): string[] {
  const names = [...configured];
  for (const i of items) for (const d of i.dimensions) if (!names.includes(d)) names.push(d);
  return [...names, UNTAGGED];
}

/** Only dimensions with items appear; an item tagged twice counts under both. */
function dimensionLines(order: readonly string[], rows: readonly ItemFigureRow[], items: Map<number, ReportItem>): DimensionLine[] {
  const acc = new Map<string, Counts>();
  for (const r of rows) {
    const dims = items.get(r.itemId)?.dimensions ?? [];
    for (const d of dims.length ? dims : [UNTAGGED]) acc.set(d, addCounts(acc.get(d) ?? ZERO, countsOf(r)));
  }
  return order.filter((n) => acc.has(n)).map((name) => ({ name, figures: withRates(acc.get(name)!) }));
}

function groupBy<T>(list: readonly T[], key: (t: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const t of list) {
    const k = key(t);
    const l = out.get(k);
    if (l) l.push(t);
    else out.set(k, [t]);
  }
  return out;
}

function reportNotes(input: YearReportInput): string[] {
  const p = input.period;
  return [
    `统计范围：${p.year}年计划中的任务和${p.year}年各月主题的必学内容；党支部的任务计入该支部，党员个人的学习任务计入其现在所在的党支部（党小组计入所属支部），已停用的人员和事项不计。`,
    `统计截至 ${p.asOf}：此后登记的完成、撤销和批准的延期不计入，所以同一期报告任何时候导出结果相同。`,
    '截止日期：已批准延期的按延期后的日期，否则为任务自己的截止日期。完成以最后一条记录为准（撤销后视为未完成）；完成日期晚于截止日期的为“逾期完成”。',
    '完成率＝已完成÷计划任务；到期完成率＝截止日期已到的任务中已完成的比例。一个事项标注多个五型维度时，在每个维度中都计入。',
    '组织生活：按提醒设置中各支部的会议周期（默认支委会、党小组会、主题党日每月，党员大会、党课每季度，组织生活会、民主评议每年），统计截至当日已结束的周期中有召开记录的周期数；尚未结束的周期单独列出。',
    '互观互检：本期内开始并已发布的轮次中各支部的总分、星级和等次（不列名次）。',
  ];
}
