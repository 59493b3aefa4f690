import { createHash } from 'node:crypto';
import { BarChart, LineChart } from 'echarts/charts';
import { GraphicComponent, GridComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartSpec } from './spec.js';

// Only what the charts use: the full `echarts` bundle would add ~1 MB to parse at start.
echarts.use([BarChart, LineChart, GridComponent, TitleComponent, GraphicComponent, SVGRenderer]);

const MAX_SIDE = 10_000;

function checkSide(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1 || v > MAX_SIDE) throw new RangeError(`renderChartSvg: ${name} must be a whole number of pixels 1–${MAX_SIDE} (got ${v})`);
}

/**
 * Renders a chart to an SVG string with ECharts' server-side renderer (no DOM, no browser). Width is required;
 * height defaults to the chart's natural height (spec.height), and an explicit height is used as given.
 * The string is safe to put inline in an HTML page: every name is text content, which zrender escapes.
 */
export function renderChartSvg(spec: ChartSpec, size: { width: number; height?: number }): string {
  const width = size.width;
  const height = size.height ?? spec.height;
  checkSide('width', width);
  checkSide('height', height);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(spec.option({ width, height }));
    return namespaceIds(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/**
 * zrender names ids and classes "zr<N>-…" with N counting renders in this process (the line chart has a
 * clipPath), so two SVGs inlined in one page — cached, or rendered by different processes — could both say
 * `id="zr0-c0"` and one would clip with the other's path. A prefix derived from the SVG's content cannot
 * clash: SVGs that share it are identical (zrender's class counter is process-wide, so the same chart
 * rendered twice need not give the same string). Only markup positions are rewritten (attribute values start
 * right after `="` or `url(#`, CSS rules start a line); text content cannot contain `"` or a line break.
 */
function namespaceIds(svg: string): string {
  const zr = /\b(?:id|class)="(zr\d+)-/.exec(svg)?.[1];
  if (!zr) return svg;
  const ns = `djc${createHash('sha256').update(svg).digest('hex').slice(0, 12)}`;
  return svg.replace(new RegExp(`(id="|class="|url\\(#|\\n\\.)${zr}-`, 'g'), `$1${ns}-`);
}
