import { COLORS, TITLE_HEIGHT, baseOption, checkCounts, emptySpec, labelText, percent } from './spec.js';
import type { BuilderOptions, ChartSpec } from './spec.js';

export interface BranchBarOptions extends BuilderOptions {
  /** Show only this many branches, lowest rates first (a card image); the default title then says so. */
  limit?: number;
}

export interface BranchCompletion {
  branch: string;
  done: number;
  total: number;
}

const ROW_HEIGHT = 26;
const AXIS_HEIGHT = 32;
const MIN_HEIGHT = 200;

/**
 * Completion by branch as horizontal bars (0–100 %), lowest rate at the top — the digest shows what needs
 * attention first; equal rates keep the caller's order; branches without tasks come last as "无任务".
 * The natural height grows by 26 px per branch, so 100 branches stay readable; long names end in "…".
 */
export function completionByBranchBar(rows: readonly BranchCompletion[], opts: BranchBarOptions = {}): ChartSpec {
  const { limit } = opts;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new RangeError(`completionByBranchBar: limit must be a whole number ≥ 1 (got ${limit})`);
  const limited = limit !== undefined && rows.length > limit;
  const title = opts.title ?? (limited ? `完成率最低的 ${limit} 个支部` : '各支部完成率');
  for (const r of rows) checkCounts(`completionByBranchBar (${r.branch})`, r.done, r.total);
  if (rows.every((r) => r.total === 0)) return emptySpec(title);

  const sorted = rows
    .map((r) => ({ name: labelText(r.branch), done: r.done, total: r.total, pct: percent(r.done, r.total) }))
    .sort((a, b) => Number(a.total === 0) - Number(b.total === 0) || a.pct - b.pct)
    .slice(0, limited ? limit : undefined);
  const top = title ? TITLE_HEIGHT + 8 : 12;

  return {
    height: Math.max(MIN_HEIGHT, top + AXIS_HEIGHT + sorted.length * ROW_HEIGHT),
    option: ({ width }) => ({
      ...baseOption(title),
      grid: { left: 8, right: 120, top, bottom: AXIS_HEIGHT - 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: {
        type: 'value', min: 0, max: 100, interval: 25,
        axisLabel: { formatter: (v: number) => `${v}%`, color: COLORS.muted },
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      yAxis: {
        type: 'category', inverse: true, data: sorted.map((r) => r.name),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLORS.grid } },
        // interval 0: every branch gets its label (rows are tall enough); names longer than the width end in "…".
        axisLabel: { interval: 0, width: Math.round(Math.min(160, Math.max(64, width * 0.3))), overflow: 'truncate', ellipsis: '…', color: COLORS.text },
      },
      series: [{
        type: 'bar',
        data: sorted.map((r) => r.pct),
        barMaxWidth: 16,
        itemStyle: { color: COLORS.bar, borderRadius: [0, 3, 3, 0] },
        showBackground: true,
        backgroundStyle: { color: COLORS.track },
        emphasis: { disabled: true },
        silent: true,
        label: {
          show: true, position: 'right', color: COLORS.text,
          formatter: (p: { dataIndex: number }) => {
            const r = sorted[p.dataIndex]!;
            return r.total === 0 ? '无任务' : `${r.pct}%（${r.done}/${r.total}）`;
          },
        },
      }],
    }),
  };
}
