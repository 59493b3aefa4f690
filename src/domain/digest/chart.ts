import type { DigestFigures } from './types.js';

/**
 * The digest card's chart image: this month's completion by branch, lowest rates first. The card (alt text,
 * aspect ratio) and the image route (what it draws) both take it from here, so they cannot disagree.
 */

/** Width / height of the card image. WeCom frames card_image at 1.3–2.25 (wecom.md §8); 2 is inside. */
export const DIGEST_CHART_ASPECT = 2;

/** Branches on the card image: all of them up to this many, else the ones with the lowest rates. */
export const DIGEST_CHART_BRANCHES = 6;

/** One bar: a branch's assignments due this month and how many are done. */
export interface DigestChartRow {
  branch: string;
  done: number;
  total: number;
}

export function digestChartRows(f: DigestFigures): DigestChartRow[] {
  return f.branches.map((b) => ({ branch: b.name, done: b.monthDone, total: b.monthTotal }));
}

/** The chart's title, also the image's alt text: "完成率最低的 6 个支部（本月）" or "各支部本月完成率". */
export function digestChartTitle(f: DigestFigures): string {
  return f.branches.length > DIGEST_CHART_BRANCHES ? `完成率最低的 ${DIGEST_CHART_BRANCHES} 个支部（本月）` : '各支部本月完成率';
}

/** Whether an image says anything: not when no branch in scope has an assignment due this month ("暂无数据"). */
export function digestHasChart(f: DigestFigures): boolean {
  return f.totals.monthTotal > 0;
}
