/** One plan: its item tree with assignments and completion per item, and a completion table per 党支部. */
import type { Context } from 'koa';
import { listUnits } from '../../../db/repositories/org.js';
import { getPlanTree, type PlanTreeNode } from '../../../db/repositories/plans.js';
import { localDate } from '../../../domain/calendar.js';
import { NotFoundError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { canSeeUnit, consoleUser } from '../../console-user.js';
import { renderAdmin } from '../../layout.js';
import { figureBadges, LEVEL_NAMES, listKindName, localDateTime, rate } from './labels.js';
import { visibleRows } from './list-page.js';
import { add, planProgress, ZERO, type Figures } from './progress-read.js';
import { planStyles } from './styles.js';

/** "12" → 12; anything else is a page that does not exist. */
export function idParam(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,9}$/.test(value)) throw new NotFoundError(`${what}不存在`);
  return Number(value);
}

export function responsibleText(n: PlanTreeNode): string {
  return [n.responsible.unitName, n.responsible.personName, n.responsible.text].filter((s): s is string => !!s).join('；');
}

export async function planPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const planId = idParam(ctx.params.id, '计划');
  const plan = await getPlanTree(db, planId);
  const today = localDate(deps.clock.now(), deps.config.timezone);
  const rows = visibleRows(user, await planProgress(db, today, [planId]));

  const own = new Map<number, Figures>();
  const byBranch = new Map<number | null, Figures>();
  for (const r of rows) {
    own.set(r.itemId, add(own.get(r.itemId) ?? ZERO, r));
    byBranch.set(r.branchId, add(byBranch.get(r.branchId) ?? ZERO, r));
  }
  const totals = new Map<number, Figures>();
  const sum = (n: PlanTreeNode): Figures => {
    const f = n.children.reduce((acc, c) => add(acc, sum(c)), own.get(n.id) ?? ZERO);
    totals.set(n.id, f);
    return f;
  };
  const all = plan.items.reduce((acc, n) => add(acc, sum(n)), ZERO);

  const node = (n: PlanTreeNode): Raw => {
    const f = totals.get(n.id) ?? ZERO;
    const who = responsibleText(n);
    return html`<li><div class="node level-${n.level}"><div class="head"><a href="/admin/plans/${plan.id}/items/${n.id}">${n.marker}${n.title}</a></div>
<div class="meta"><span class="badge">${LEVEL_NAMES[n.level]}</span>${n.dueDate ? html`<span>完成时限 ${n.dueDate}</span>` : ''}${n.listKind ? html`<span>${listKindName(n.listKind)}</span>` : ''}${n.dimensions.length > 0 ? html`<span>五型：${n.dimensions.join('、')}</span>` : ''}${who ? html`<span>责任：${who}</span>` : ''}${n.level === 'task' ? html`<span>分派 ${f.total}</span>` : ''}${figureBadges(f)}</div></div>
${n.children.length > 0 ? html`<ol>${n.children.map(node)}</ol>` : ''}</li>`;
  };

  const units = await listUnits(db, { includeInactive: true });
  const branchIds = new Set<number>([
    ...units.filter((u) => u.kind === 'branch' && u.active && canSeeUnit(user, u.id)).map((u) => u.id),
    ...[...byBranch.keys()].filter((id): id is number => id !== null),
  ]);
  const branches = units.filter((u) => branchIds.has(u.id));
  const other = byBranch.get(null);
  const branchTable = html`<section class="panel" aria-labelledby="branches-h"><h2 id="branches-h">各党支部完成情况</h2>
${user.visible === 'all' ? '' : html`<p class="muted small">仅列出您分管范围内的党支部。</p>`}
<div class="table-wrap"><table class="data"><thead><tr><th scope="col">党支部</th><th scope="col" class="num">分派任务</th><th scope="col" class="num">已完成</th><th scope="col" class="num">逾期未完成</th><th scope="col" class="num">完成率</th></tr></thead>
<tbody>${branches.map((b) => {
    const f = byBranch.get(b.id) ?? ZERO;
    return html`<tr><th scope="row">${b.name}${b.active ? '' : html` <span class="badge">已停用</span>`}</th><td class="num">${f.total}</td><td class="num">${f.done}</td><td class="num">${f.overdue > 0 ? html`<span class="badge bad">${f.overdue}</span>` : '0'}</td><td class="num">${rate(f)}</td></tr>`;
  })}${other ? html`<tr><th scope="row">机关党委及其他</th><td class="num">${other.total}</td><td class="num">${other.done}</td><td class="num">${other.overdue}</td><td class="num">${rate(other)}</td></tr>` : ''}</tbody>
<tfoot><tr><th scope="row">合计</th><td class="num">${all.total}</td><td class="num">${all.done}</td><td class="num">${all.overdue}</td><td class="num">${rate(all)}</td></tr></tfoot></table></div></section>`;

  renderAdmin(ctx, {
    title: `${plan.year}年《${plan.title}》`,
    active: 'plans',
    body: html`${planStyles()}<p><a href="/admin/plans">← 全部计划</a></p>
<div class="panel"><p class="small muted" style="margin:0">${plan.sourceName ? `来自文件 ${plan.sourceName}，` : ''}${localDateTime(new Date(plan.createdAt), deps.config.timezone)} 导入。完成情况统计截至 ${today}：共分派 ${all.total} 项，已完成 ${all.done} 项，逾期未完成 ${all.overdue} 项，完成率 ${rate(all)}。${user.canWrite ? '点条目标题可查看各支部进度并修改该条目。' : '点条目标题可查看各支部进度。'}</p></div>
${branchTable}
<section class="panel" aria-labelledby="tree-h"><h2 id="tree-h">条目（方面 → 目标 → 任务）</h2>${plan.items.length === 0 ? html`<p class="muted">这份计划没有在用的条目。</p>` : html`<ol class="plan-tree">${plan.items.map(node)}</ol>`}</section>`,
  });
}
