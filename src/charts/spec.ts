import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GraphicComponentOption, GridComponentOption, TitleComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { CHART_FONT_FAMILY } from './font.js';

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TitleComponentOption | GraphicComponentOption
>;

export interface ChartSize {
  width: number;
  height: number;
}

/**
 * A chart ready to render: built only by this folder's builders. The option is computed for the size it is
 * rendered at (label widths depend on it); `height` is the height the chart needs at its natural size.
 */
export interface ChartSpec {
  readonly height: number;
  readonly option: (size: ChartSize) => ChartOption;
}

export const COLORS = { bar: '#c62828', track: '#f1f2f5', text: '#1f2328', muted: '#6b7280', grid: '#e5e7eb' };

/** Options the builders share. */
export interface BuilderOptions {
  /** Title drawn in the chart (default: a Chinese title per chart); '' for none, e.g. when the page has a heading. */
  title?: string;
}

export const TITLE_HEIGHT = 40;

/** The parts every chart has: no animation, no hover styles (nothing is interactive), our fonts, the title. */
export function baseOption(title: string): ChartOption {
  return {
    animation: false,
    aria: { enabled: false }, // aria-label would carry names in an attribute, which zrender does not escape
    textStyle: { fontFamily: CHART_FONT_FAMILY, color: COLORS.text },
    title: title ? { text: title, left: 'center', top: 8, textStyle: { fontSize: 15, fontWeight: 'bold', fontFamily: CHART_FONT_FAMILY } } : { show: false },
  };
}

/** An empty chart that says so: the title and "暂无数据" in the middle. */
export function emptySpec(title: string, height = 200): ChartSpec {
  return {
    height,
    option: () => ({
      ...baseOption(title),
      graphic: [{
        type: 'text', left: 'center', top: 'middle', silent: true,
        style: { text: '暂无数据', fontSize: 14, fontFamily: CHART_FONT_FAMILY, fill: COLORS.muted },
      }],
    }),
  };
}

/**
 * A label as the chart shows it. Names arrive unescaped and stay so (zrender escapes text content); only
 * whitespace is normalised, because a newline would start a second label line.
 */
export function labelText(name: string): string {
  return name.replace(/\s+/g, ' ').trim() || '（未命名）';
}

/** done/total as a whole percent, rounded down so that 199 of 200 never shows as 100%. */
export function percent(done: number, total: number): number {
  // done * 100 is an exact integer, so an exact quotient (29 of 100) is never floored to one less.
  return total === 0 ? 0 : Math.floor((done * 100) / total);
}

/** Rejects impossible counts: a chart is the wrong place to quietly repair upstream data. */
export function checkCounts(what: string, done: number, total: number): void {
  if (!Number.isInteger(done) || !Number.isInteger(total) || done < 0 || total < 0 || done > total) {
    throw new RangeError(`${what}: done and total must be whole numbers with 0 ≤ done ≤ total (got ${done}/${total})`);
  }
}
