/**
 * Server-side charts (infrastructure: ECharts SSR and resvg; the core never imports this folder).
 *
 * Build a chart, render it to SVG for a page, or to PNG for a card image:
 *
 *   const svg = renderChartSvg(completionByBranchBar(rows), { width: 640 });  // height: spec.height unless given
 *   const card = renderChartSvg(completionByBranchBar(rows, { limit: 8 }), { width: 600, height: 320 });
 *   const png = await renderPngOrNull(card, { width: 1200, fontPath });       // null → send a text card
 *
 * `fontPath` is optional (the system's Noto Sans CJK is found without it); if a deployment needs to set it,
 * it comes from configuration (a CHART_FONT_PATH variable would go into src/config.ts, .env.example and the
 * README together), never from a request.
 *
 * Builders (Chinese labels, whole percents rounded down, "暂无数据" when there is nothing to chart; each takes
 * an optional `{ title }`, '' for none):
 * - completionByBranchBar(rows: {branch, done, total}[], {title?, limit?}) — horizontal bars, lowest rate at
 *   the top, branches without tasks last ("无任务"); the natural height grows 26 px per branch; long names end
 *   in "…"; `limit` keeps the N lowest (title "完成率最低的 N 个支部") — for card images.
 * - monthTrendLine(points: {date: 'YYYY-MM-DD', rate: 0–1}[]) — the completion rate over the month.
 * - byDimensionBar(rows: {dimension, done, total}[]) — 五型, in the given order.
 * They throw RangeError on impossible input (done > total, negative counts, rate outside 0–1, bad dates).
 *
 * renderChartSvg(spec, {width, height?}) → string: a standalone <svg> with width/height and a viewBox, safe to
 * inline in an HTML page as is — names are text content, escaped by zrender; do not escape them beforehand.
 * To make it fluid on phones, style it `svg { max-width: 100%; height: auto }`.
 *
 * renderPng(svg, {width, fontPath?, systemFonts?, background?}) → Promise<Buffer>: PNG of that width (height
 * by aspect ratio, white background), rendered off the event loop; a few ms per glyph, so keep card images
 * small. renderPngOrNull(…) → null when cjkFont() finds no CJK font.
 * cjkFont({fontPath?, systemFonts?}) → string | null: `fontPath` if readable, else (unless systemFonts is
 * false) the installed Noto Sans CJK (Debian `fonts-noto-cjk`) or any Chinese outline font fontconfig knows.
 * The system search runs once per process.
 */
export { completionByBranchBar } from './completion-by-branch.js';
export type { BranchBarOptions, BranchCompletion } from './completion-by-branch.js';
export { monthTrendLine } from './month-trend.js';
export type { TrendPoint } from './month-trend.js';
export { byDimensionBar } from './by-dimension.js';
export type { DimensionCompletion } from './by-dimension.js';
export type { BuilderOptions, ChartSpec } from './spec.js';
export { renderChartSvg } from './render-svg.js';
export { renderPng, renderPngOrNull } from './render-png.js';
export type { PngOptions } from './render-png.js';
export { CHART_FONT_FAMILY, cjkFont } from './font.js';
export type { ChartFontOptions } from './font.js';
