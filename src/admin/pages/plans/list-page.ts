/** 计划 list: every plan with its items, assignments and completion (a leader's figures cover only their branches). */
import type { Context } from 'koa';
import { listPlans } from '../../../db/repositories/plans.js';
import { localDate } from '../../../domain/calendar.js';
import { html } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, type ConsoleUser } from '../../console-user.js';
import { emptyState, renderAdmin } from '../../layout.js';
import { rate } from './labels.js';
import { planStyles } from './styles.js';
import { add, planProgress, ZERO, type Figures, type ProgressRow } from './progress-read.js';

/** The rows this user may see: admins everything, leaders the branches under their 分管范围. */
export function visibleRows(user: ConsoleUser, rows: readonly ProgressRow[]): ProgressRow[] {
  return user.visible === 'all' ? [...rows] : rows.filter((r) => r.branchId !== null && (user.visible as Set<number>).has(r.branchId));
}

export async function plansListPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const today = localDate(deps.clock.now(), deps.config.timezone);
  const plans = await listPlans(db);
  const byPlan = new Map<number, Figures>();
  for (const r of visibleRows(user, await planProgress(db, today))) byPlan.set(r.planId, add(byPlan.get(r.planId) ?? ZERO, r));
  const importButton = user.canWrite ? html`<a class="btn primary" href="/admin/plans/import">导入计划</a>` : '';
  const body = plans.length === 0
    ? html`<div class="panel">${user.canWrite
      ? emptyState('还没有导入计划，点击这里导入', { href: '/admin/plans/import', label: '导入计划' })
      : emptyState('还没有导入计划。计划由机关党委管理员导入。')}</div>`
    : html`<div class="panel"><div class="row"><p class="muted small" style="margin:0">完成情况统计截至 ${today}${user.visible === 'all' ? '，全机关' : '，仅含您分管范围内的党支部'}。</p><span style="margin-left:auto">${importButton}</span></div></div>
<div class="panel table-wrap"><table class="data"><caption class="muted small" style="text-align:left">各年度计划</caption>
<thead><tr><th scope="col">年度</th><th scope="col" style="min-width:11em">计划</th><th scope="col" class="num">方面/目标/任务</th><th scope="col" class="num">分派</th><th scope="col" class="num">已完成</th><th scope="col" class="num">逾期未完成</th><th scope="col" class="num">完成率</th></tr></thead>
<tbody>${plans.map((p) => {
    const f = byPlan.get(p.id) ?? ZERO;
    return html`<tr><td>${p.year}</td><td><a href="/admin/plans/${p.id}">${p.title}</a>${p.sourceName ? html`<div class="muted small">${p.sourceName}</div>` : ''}</td>
<td class="num">${p.aspects}/${p.goals}/${p.tasks}</td><td class="num">${f.total}</td><td class="num">${f.done}</td><td class="num">${f.overdue > 0 ? html`<span class="badge bad">${f.overdue}</span>` : '0'}</td><td class="num">${rate(f)}</td></tr>`;
  })}</tbody></table></div>`;
  renderAdmin(ctx, { title: '计划', active: 'plans', body: html`${planStyles()}${body}` });
}
