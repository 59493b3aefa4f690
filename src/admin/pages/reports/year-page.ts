/**
 * 年中查账 / 年底交账 summary in the console (/admin/reports/year/:kind?year=): the workbook's 汇总 — totals, one
 * line per branch, the 五型 dimensions, organisational life — from loadYearReport with the user's scope, plus the
 * Excel download and the signed H5 report page (per-branch item details). Counts only, no ranking.
 */
import type { Context } from 'koa';
import { describePeriod, REPORT_KIND_LABELS } from '../../../domain/reports/period.js';
import type { Figures, YearReport } from '../../../domain/reports/types.js';
import { loadYearReport } from '../../../exports/year-report-data.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser } from '../../console-user.js';
import { renderAdmin } from '../../layout.js';
import { consoleReportScope, yearKindOf, yearOf } from './scope.js';

const rate = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

const FIGURE_HEADS = html`<th scope="col" class="num">计划任务</th><th scope="col" class="num">应完成（已到期）</th><th scope="col" class="num">已完成</th><th scope="col" class="num">其中逾期完成</th><th scope="col" class="num">逾期未完成</th><th scope="col" class="num">未到期</th><th scope="col" class="num">完成率</th><th scope="col" class="num">到期完成率</th>`;

function figureCells(f: Figures): Raw {
  return html`<td class="num">${f.planned}</td><td class="num">${f.dueByNow}</td><td class="num">${f.done}</td><td class="num">${f.doneLate}</td><td class="num">${f.overdue > 0 ? html`<span class="badge bad">${f.overdue}</span>` : '0'}</td><td class="num">${f.openNotDue}</td><td class="num">${rate(f.completionRate)}</td><td class="num">${rate(f.dueCompletionRate)}</td>`;
}

export async function yearReportPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const kind = yearKindOf(ctx.params.kind);
  const year = yearOf(ctx, deps);
  const scope = await consoleReportScope(deps.database.db, user);
  const r = await loadYearReport(deps.database.db, { kind, year, scope, now: deps.clock.now(), timezone: deps.config.timezone });
  renderAdmin(ctx, {
    title: r.title,
    active: 'reports',
    body: html`<div class="panel"><p style="margin-top:0">统计期间：${describePeriod(r.period)}；范围：${r.scopeLabel}；党员 ${r.members} 人。</p>
<div class="actions"><a class="btn" href="/admin/reports?year=${year}">返回报表</a><a class="btn primary" href="/admin/reports/year/${kind}/download?year=${year}">下载${REPORT_KIND_LABELS[kind]} Excel</a><a class="btn" href="${deps.links.yearReport(user.person.id, kind, year)}" target="_blank" rel="noopener">手机页面（含各支部任务明细）</a></div></div>
${r.period.notStarted ? html`<div class="notice warn">${year} 年尚未开始，报表为空。</div>` : ''}
${branchTable(r)}
${dimensionTable(r)}
${cadenceTable(r)}
<details class="panel"><summary>统计口径</summary><ul class="small">${r.notes.map((n) => html`<li>${n}</li>`)}</ul></details>`,
  });
}

function branchTable(r: YearReport): Raw {
  return html`<section class="panel" aria-labelledby="b-title"><h2 id="b-title">各党支部</h2>
${r.branches.length === 0
    ? html`<p class="muted">范围内没有党支部。</p>`
    : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">党支部</th><th scope="col" class="num">党员</th>${FIGURE_HEADS}<th scope="col" class="num">组织生活按期</th></tr></thead><tbody>
${r.branches.map((b) => html`<tr><th scope="row">${b.name}${b.active ? '' : '（已撤销）'}</th><td class="num">${b.members}</td>${figureCells(b.figures)}<td class="num">${b.cadenceTotals.kept}/${b.cadenceTotals.expected}</td></tr>`)}
</tbody><tfoot><tr><th scope="row">合计</th><td class="num">${r.members}</td>${figureCells(r.totals)}<td class="num">${r.cadenceTotals.kept}/${r.cadenceTotals.expected}</td></tr></tfoot></table></div>`}</section>`;
}

function dimensionTable(r: YearReport): Raw {
  if (r.dimensions.length === 0) return html``;
  return html`<section class="panel" aria-labelledby="d-title"><h2 id="d-title">按五型维度</h2><div class="table-wrap"><table class="data"><thead><tr><th scope="col">五型维度</th>${FIGURE_HEADS}</tr></thead><tbody>
${r.dimensions.map((d) => html`<tr><th scope="row">${d.name}</th>${figureCells(d.figures)}</tr>`)}</tbody></table></div>
<p class="muted small">同一任务标注了两个维度时在两个维度中各计一次。</p></section>`;
}

function cadenceTable(r: YearReport): Raw {
  const lines = r.branches.flatMap((b) => b.cadence.filter((c) => c.missing.length > 0).map((c) => ({ branch: b.name, c })));
  return html`<section class="panel" aria-labelledby="c-title"><h2 id="c-title">组织生活缺期</h2>
${lines.length === 0
    ? html`<p class="muted">已结束的周期中，各支部的组织生活都有召开记录。</p>`
    : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">党支部</th><th scope="col">会议</th><th scope="col" class="num">按期 / 应开</th><th scope="col">未召开的周期</th></tr></thead><tbody>
${lines.map(({ branch, c }) => html`<tr><td>${branch}</td><td>${c.name}</td><td class="num">${c.kept}/${c.expected}</td><td>${c.missing.join('、')}</td></tr>`)}</tbody></table></div>`}</section>`;
}
