import { COLORS, TITLE_HEIGHT, baseOption, emptySpec } from './spec.js';
import type { BuilderOptions, ChartSpec } from './spec.js';

export interface TrendPoint {
  /** A calendar day, YYYY-MM-DD. */
  date: string;
  /** Completion rate that day as a fraction, 0–1. */
  rate: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-12-05" → "12月5日". */
function dayLabel(date: string): string {
  const m = DATE.exec(date)!;
  return `${Number(m[2])}月${Number(m[3])}日`;
}

/**
 * The completion rate over the month as a line (0–100 %), one point per given day in date order; the last
 * point is labelled. Throws on a malformed date, a repeated date or a rate outside 0–1 (a percentage passed
 * by mistake would otherwise draw a flat line at the top).
 */
export function monthTrendLine(points: readonly TrendPoint[], opts: BuilderOptions = {}): ChartSpec {
  const title = opts.title ?? '本月完成率走势';
  for (const p of points) {
    const m = DATE.exec(p.date);
    if (!m || Number.isNaN(Date.parse(`${p.date}T00:00:00Z`)) || new Date(`${p.date}T00:00:00Z`).getUTCDate() !== Number(m[3])) {
      throw new RangeError(`monthTrendLine: date must be YYYY-MM-DD (got ${JSON.stringify(p.date)})`);
    }
    if (!Number.isFinite(p.rate) || p.rate < 0 || p.rate > 1) throw new RangeError(`monthTrendLine: rate must be a fraction 0–1 (got ${p.rate} on ${p.date})`);
  }
  if (new Set(points.map((p) => p.date)).size !== points.length) throw new RangeError('monthTrendLine: a date is given twice');
  if (points.length === 0) return emptySpec(title, 240);

  const sorted = [...points].sort((a, b) => a.date.localeCompare(b.date));
  const values = sorted.map((p) => Math.round(p.rate * 1000) / 10); // plotted to a tenth of a percent
  const last = values.length - 1;
  // Labelled rounded down like the bar charts (0.999 is not 100 %); the epsilon keeps 0.29 at 29 %.
  const lastLabel = `${Math.floor(sorted[last]!.rate * 100 + 1e-9)}%`;

  return {
    height: 240,
    option: () => ({
      ...baseOption(title),
      grid: { left: 8, right: 24, top: title ? TITLE_HEIGHT + 8 : 16, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: {
        type: 'category', boundaryGap: false, data: sorted.map((p) => dayLabel(p.date)),
        axisLine: { lineStyle: { color: COLORS.grid } },
        axisLabel: { color: COLORS.muted, hideOverlap: true },
      },
      yAxis: {
        type: 'value', min: 0, max: 100, interval: 25,
        axisLabel: { formatter: (v: number) => `${v}%`, color: COLORS.muted },
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      series: [{
        type: 'line',
        data: values.map((v, i) => (i === last
          ? { value: v, label: { show: true, position: 'top', formatter: () => lastLabel, color: COLORS.text, fontWeight: 'bold' } }
          : v)),
        symbol: 'circle', symbolSize: 5,
        clip: false, // values are 0–100 on a 0–100 axis; a clipPath id could clash with another inline chart's
        lineStyle: { color: COLORS.bar, width: 2 },
        itemStyle: { color: COLORS.bar },
        areaStyle: { color: COLORS.bar, opacity: 0.08 },
        emphasis: { disabled: true },
        silent: true,
      }],
    }),
  };
}
