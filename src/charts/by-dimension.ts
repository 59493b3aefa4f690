import { COLORS, TITLE_HEIGHT, baseOption, checkCounts, emptySpec, labelText, percent } from './spec.js';
import type { BuilderOptions, ChartSpec } from './spec.js';

export interface DimensionCompletion {
  /** A 五型 dimension as configured (政治型, 服务型(学习型), …). */
  dimension: string;
  done: number;
  total: number;
}

/**
 * Completion by 五型 dimension as vertical bars (0–100 %) in the caller's order (the configured order of the
 * dimensions, which readers know); each bar is labelled with its percent, each axis label with done/total.
 */
export function byDimensionBar(rows: readonly DimensionCompletion[], opts: BuilderOptions = {}): ChartSpec {
  const title = opts.title ?? '五型建设完成情况';
  for (const r of rows) checkCounts(`byDimensionBar (${r.dimension})`, r.done, r.total);
  if (rows.every((r) => r.total === 0)) return emptySpec(title, 260);

  const items = rows.map((r) => ({ name: labelText(r.dimension), done: r.done, total: r.total, pct: percent(r.done, r.total) }));

  return {
    height: 260,
    option: ({ width }) => ({
      ...baseOption(title),
      grid: { left: 8, right: 16, top: title ? TITLE_HEIGHT + 16 : 24, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: {
        type: 'category', data: items.map((r) => r.name),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLORS.grid } },
        // Every dimension is labelled; a name wider than its slot ends in "…". The second line is ours.
        axisLabel: {
          interval: 0, overflow: 'truncate', ellipsis: '…', color: COLORS.text, lineHeight: 16,
          width: Math.max(40, Math.floor((width - 72) / Math.max(1, items.length)) - 6),
          formatter: (_name: string, i: number) => {
            const r = items[i]!;
            return `${r.name}\n${r.total === 0 ? '无任务' : `${r.done}/${r.total}`}`;
          },
        },
      },
      yAxis: {
        type: 'value', min: 0, max: 100, interval: 25,
        axisLabel: { formatter: (v: number) => `${v}%`, color: COLORS.muted },
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      series: [{
        type: 'bar',
        data: items.map((r) => r.pct),
        barMaxWidth: 36,
        itemStyle: { color: COLORS.bar, borderRadius: [3, 3, 0, 0] },
        emphasis: { disabled: true },
        silent: true,
        label: {
          show: true, position: 'top', color: COLORS.text,
          formatter: (p: { dataIndex: number }) => (items[p.dataIndex]!.total === 0 ? '' : `${items[p.dataIndex]!.pct}%`),
        },
      }],
    }),
  };
}
