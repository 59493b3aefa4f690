import Router from '@koa/router';
import { completionByBranchBar, byDimensionBar, monthTrendLine, renderChartSvg, type ChartFontOptions } from '../../charts/index.js';
import { digestStore } from '../../db/repositories/digest-store.js';
import { personView } from '../../db/repositories/people-directory.js';
import { isIsoDate } from '../../domain/calendar.js';
import { figuresForPerson } from '../../domain/digest/compute.js';
import type { DigestFigures } from '../../domain/digest/types.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import type { AppDeps } from '../../http/deps.js';
import { plainErrorPages } from '../error-pages.js';
import { html, page, raw, type Raw } from '../html.js';
import { digestResource } from '../link-signer.js';
import { verifyToken } from '../signed-link.js';
import { digestChartImage } from './chart-image.js';

export interface DigestRouteOptions {
  /** The CJK font of the card image; default CHART_FONT_PATH, else the system's (tests pass `{ systemFonts: false }`). */
  chartFont?: ChartFontOptions;
}

/**
 * 今日简报 detail page (the card's "查看详情与图表"): the same figures as the card, recomputed for the link's
 * holder and day, with server-rendered charts (completion by branch, the month's trend, 五型) and the items
 * behind each branch's numbers. The link is signed for one leader and one day. Also the card's chart image,
 * `/h5/digest/chart.png` (chart-image.ts), signed apart.
 */
export function digestH5Routes(deps: AppDeps, opts: DigestRouteOptions = {}): Router {
  const router = new Router({ prefix: '/h5/digest' });
  const db = deps.database.db;
  // Answers in plain text itself (an image URL has no page to show an error on), so it comes before the error pages.
  router.get('/chart.png', digestChartImage(deps, { font: opts.chartFont ?? { fontPath: deps.config.chartFontPath ?? null } }));
  router.use(plainErrorPages('党建助手 · 今日简报'));

  router.get('/', async (ctx) => {
    const date = typeof ctx.query.d === 'string' && isIsoDate(ctx.query.d) ? ctx.query.d : '';
    if (!date) throw new ValidationError('链接不完整。请从党建助手发给您的简报卡片中打开。');
    const res = verifyToken(deps.appSecret, typeof ctx.query.t === 'string' ? ctx.query.t : '', deps.clock.now(), digestResource(date));
    if (!res.ok) throw new ForbiddenError(res.reason === 'expired' ? '链接已过期，请在企业微信/钉钉中打开最新的简报卡片。' : '链接无效。请从党建助手发给您的简报卡片中打开。');
    const person = await personView(db, res.claims.personId);
    if (!person) throw new ForbiddenError('该账号已停用。');
    const figures = await figuresForPerson(digestStore(db, { timezone: deps.config.timezone }), person, { date, now: deps.clock.now() });
    if (!figures) throw new ForbiddenError('今日简报只发给领导和机关党委管理员。');
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = page(`今日简报 ${date.slice(5).replace('-', '月')}日`, `${person.name} · ${figures.scope.kind === 'agency' ? '全机关' : `分管 ${figures.branches.length} 个支部`}`, digestBody(figures));
  });
  return router;
}

const pct = (done: number, total: number): string => (total === 0 ? '—' : `${Math.floor((done * 100) / total)}%`);

function chart(svg: string): Raw {
  return html`<div class="chart">${raw(svg)}</div>`;
}

function digestBody(f: DigestFigures): Raw {
  const t = f.totals;
  const byBranch = renderChartSvg(completionByBranchBar(f.branches.map((b) => ({ branch: b.name, done: b.monthDone, total: b.monthTotal })), { title: '本月完成率（按支部）' }), { width: 640 });
  const trend = renderChartSvg(monthTrendLine(f.trend.map((p) => ({ date: p.date, rate: p.due === 0 ? 0 : Math.min(1, p.done / p.due) })), { title: '本月完成率走势' }), { width: 640, height: 300 });
  const dims = renderChartSvg(byDimensionBar(f.dimensions.map((d) => ({ dimension: d.name, done: d.done, total: d.total })), { title: '全年完成情况（五型）' }), { width: 640, height: 320 });
  const names = new Map(f.branches.map((b) => [b.branchId, b.name]));
  return html`
<style>.chart svg{max-width:100%;height:auto}.num{text-align:right;white-space:nowrap}table{width:100%;border-collapse:collapse;font-size:14px}th,td{padding:4px;border-bottom:1px solid #eee;text-align:left}details{margin:6px 0}</style>
<section id="totals"><h2>概况</h2><ul>
<li>本月事项完成 <strong>${t.monthDone}/${t.monthTotal}</strong>（${pct(t.monthDone, t.monthTotal)}）</li>
<li>逾期 <strong>${t.overdue}</strong> 项，涉及 ${t.overdueBranches} 个支部</li>
<li>${f.dueSoonUntil.slice(5)} 前到期 <strong>${t.dueSoon}</strong> 项</li>
<li>组织生活未按期记录 <strong>${f.cadence.length}</strong> 项；互观互检待交评分表的轮次 <strong>${f.scoring.length}</strong> 个</li></ul></section>
${f.cadence.length ? html`<section><h2>组织生活未按期记录</h2><ul>${f.cadence.map((c) => html`<li>${c.branchName}：${c.meeting}（${c.period}）</li>`)}</ul></section>` : ''}
${f.scoring.length ? html`<section><h2>互观互检</h2><ul>${f.scoring.map((s) => html`<li>${s.title}：已提交 ${s.submitted}/${s.expected}，${s.pendingScorers} 位评分人未交齐</li>`)}</ul></section>` : ''}
<section><h2>图表</h2>${chart(byBranch)}${chart(trend)}${chart(dims)}</section>
<section id="branches"><h2>各支部</h2><table><thead><tr><th>支部</th><th class="num">本月完成</th><th class="num">逾期</th><th class="num">即将到期</th></tr></thead><tbody>
${f.branches.map((b) => html`<tr><td>${b.name}</td><td class="num">${b.monthDone}/${b.monthTotal}</td><td class="num">${b.overdue}</td><td class="num">${b.dueSoon}</td></tr>`)}
</tbody></table></section>
<section id="drill"><h2>事项明细</h2>${f.branches.map((b) => {
    const rows = f.drill.filter((d) => d.branchId === b.branchId);
    if (rows.length === 0) return '';
    return html`<details><summary>${names.get(b.branchId) ?? ''}（${rows.length} 项${b.drillOmitted ? `，另有 ${b.drillOmitted} 项未列出` : ''}）</summary><table><thead><tr><th>事项</th><th class="num">本月完成</th><th class="num">逾期</th><th>截止</th></tr></thead><tbody>
${rows.map((d) => html`<tr><td>${d.title}</td><td class="num">${d.monthDone}/${d.monthTotal}</td><td class="num">${d.overdue}</td><td>${d.due ?? '—'}</td></tr>`)}</tbody></table></details>`;
  })}</section>
<p class="muted">数据截至 ${f.computedAt.slice(0, 16).replace('T', ' ')}（UTC）；只统计数量，不对个人排名。</p>`;
}
