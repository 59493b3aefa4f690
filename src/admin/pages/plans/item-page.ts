/** One plan item: its assignments per 党支部 with their state, and (admins) the edit form. */
import type { Context } from 'koa';
import { listUnits } from '../../../db/repositories/org.js';
import { dueDateFollowers, editPlanItem, LIST_KIND_NAMES, LIST_KIND_VALUES, type PlanItemEdit } from '../../../db/repositories/plans-edit.js';
import type { ListKind } from '../../../db/repositories/plans-desired.js';
import { getPlanTree, loadDimensionConfig, type PlanTree, type PlanTreeNode } from '../../../db/repositories/plans.js';
import { localDate } from '../../../domain/calendar.js';
import { NotFoundError, ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { actorOf, canSeeUnit, consoleUser, postedForm, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, redirectWithFlash, renderAdmin } from '../../layout.js';
import { figureBadges, LEVEL_NAMES, listKindName, localDateTime } from './labels.js';
import { idParam, responsibleText } from './plan-page.js';
import { add, itemAssignments, ZERO, type ItemAssignmentRow } from './progress-read.js';
import { planStyles } from './styles.js';

interface FormValues {
  title: string;
  text: string;
  dueDate: string;
  unitId: string;
  personName: string;
  responsibleText: string;
  listKind: string;
  dimensions: string[];
}

function findItem(plan: PlanTree, itemId: number): { node: PlanTreeNode; trail: PlanTreeNode[] } | null {
  const visit = (nodes: PlanTreeNode[], trail: PlanTreeNode[]): { node: PlanTreeNode; trail: PlanTreeNode[] } | null => {
    for (const n of nodes) {
      if (n.id === itemId) return { node: n, trail };
      const found = visit(n.children, [...trail, n]);
      if (found) return found;
    }
    return null;
  };
  return visit(plan.items, []);
}

async function loadItem(deps: AppDeps, ctx: Context): Promise<{ plan: PlanTree; node: PlanTreeNode; trail: PlanTreeNode[] }> {
  const planId = idParam(ctx.params.id, '计划');
  const itemId = idParam(ctx.params.itemId, '计划条目');
  const plan = await getPlanTree(deps.database.db, planId);
  const found = findItem(plan, itemId);
  if (!found) throw new NotFoundError('计划条目不存在或已停用');
  return { plan, ...found };
}

const STATE_LABEL = { done: ['已完成', 'ok'], overdue: ['逾期', 'bad'], extended: ['已延期', 'warn'], open: ['进行中', ''] } as const;

function assignmentsPanel(user: ConsoleUser, rows: ItemAssignmentRow[], tz: string): Raw {
  const visible = rows.filter((r) => user.visible === 'all' || (r.branchId !== null && canSeeUnit(user, r.branchId)));
  // Plan tasks go to branches; a 党员 column only when some assignment is a person's.
  const people = visible.some((r) => r.assigneeKind === 'person');
  const f = visible.reduce((acc, r) => add(acc, { total: 1, done: r.done ? 1 : 0, overdue: r.state === 'overdue' ? 1 : 0 }), ZERO);
  return html`<section class="panel" aria-labelledby="assign-h"><h2 id="assign-h">分派与完成情况 ${figureBadges(f)}</h2>
${user.visible === 'all' ? '' : html`<p class="muted small">仅列出您分管范围内的党支部。</p>`}
${visible.length === 0 ? html`<p class="muted">${rows.length === 0 ? '这一条目没有分派（只有任务分派到各党支部）。' : '您分管范围内没有这一条目的分派。'}</p>` : html`<div class="table-wrap"><table class="data">
<thead><tr><th scope="col">党支部</th>${people ? html`<th scope="col">党员</th>` : ''}<th scope="col">完成时限</th><th scope="col">状态</th><th scope="col">完成时间</th></tr></thead>
<tbody>${visible.map((r) => {
    const [label, cls] = STATE_LABEL[r.state];
    return html`<tr><th scope="row">${r.branchName ?? '—'}</th>${people ? html`<td>${r.assigneeKind === 'unit' ? '（本支部）' : r.assignee}</td>` : ''}<td class="date">${r.due ?? '—'}${r.extended ? html`<div class="muted small">原 ${r.ownDue ?? '无'}</div>` : ''}</td><td><span class="badge ${cls}">${label}</span></td><td class="date">${r.doneAt ? localDateTime(r.doneAt, tz) : ''}</td></tr>`;
  })}</tbody></table></div>`}</section>`;
}

function valuesOf(node: PlanTreeNode): FormValues {
  return {
    title: node.title, text: node.text, dueDate: node.dueDate ?? '', unitId: node.responsible.unitId === null ? '' : String(node.responsible.unitId),
    personName: node.responsible.personName ?? '', responsibleText: node.responsible.text ?? '', listKind: node.listKind ?? '', dimensions: node.dimensions,
  };
}

async function editPanel(deps: AppDeps, user: ConsoleUser, plan: PlanTree, node: PlanTreeNode, values: FormValues, errors: string[]): Promise<Raw> {
  const db = deps.database.db;
  const units = (await listUnits(db)).filter((u) => u.active);
  const dims = await loadDimensionConfig(db);
  const followers = await dueDateFollowers(db, node.id);
  const kindLabel = { committee: '机关党委', branch: '党支部', group: '党小组' } as const;
  const action = `/admin/plans/${plan.id}/items/${node.id}`;
  const unitOptions = units.map((u) => html`<option value="${u.id}"${values.unitId === String(u.id) ? ' selected' : ''}>${u.kind === 'group' ? '　' : ''}${u.name}（${kindLabel[u.kind]}）</option>`);
  return html`<section class="panel" aria-labelledby="edit-h"><h2 id="edit-h">修改条目</h2>
${errors.length > 0 ? html`<div class="notice error" role="alert"><strong>没有保存：</strong><ul class="errors">${errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ''}
<form method="post" action="${action}">${csrfField(user)}
<div class="field"><label for="f-title">标题</label><input id="f-title" name="title" maxlength="200" required value="${values.title}"></div>
<div class="field"><label for="f-text">工作要求</label><textarea id="f-text" name="text" rows="5">${values.text}</textarea></div>
<div class="field"><label for="f-due">完成时限</label><input id="f-due" name="dueDate" type="date" required min="${plan.year}-01-01" max="${plan.year + 1}-12-31" value="${values.dueDate}">
<span class="hint">修改后：未完成且仍按原完成时限的分派（${followers.follow} 条）随之调整${followers.ownDate > 0 ? `；单独定过日期的分派（${followers.ownDate} 条）保持不变` : ''}${followers.done > 0 ? `；已完成的分派（${followers.done} 条）保留原完成时限，是否按期完成不变` : ''}；已批准的延期仍以延期后的日期为准。</span></div>
<div class="field"><label for="f-unit">责任单位</label><select id="f-unit" name="unitId"><option value="">（无）</option>${unitOptions}</select></div>
<div class="field"><label for="f-person">责任人</label><input id="f-person" name="personName" maxlength="50" value="${values.personName}"><span class="hint">在用人员的姓名；不填为无。</span></div>
<div class="field"><label for="f-resp-text">其他责任说明</label><input id="f-resp-text" name="responsibleText" maxlength="200" value="${values.responsibleText}"><span class="hint">名单中没有的责任单位或责任人，如“各党支部书记”。</span></div>
${node.level === 'task' ? html`<div class="field"><label for="f-kind">清单类型</label><select id="f-kind" name="listKind">${LIST_KIND_VALUES.map((k) => html`<option value="${k}"${values.listKind === k ? ' selected' : ''}>${LIST_KIND_NAMES[k]}</option>`)}</select></div>` : ''}
<fieldset><legend>五型维度</legend><div class="dims">${dims.names.map((n, i) => html`<label for="f-dim-${i}"><input id="f-dim-${i}" type="checkbox" name="dimensions" value="${n}"${values.dimensions.includes(n) ? ' checked' : ''}> ${n}</label>`)}</div></fieldset>
<div class="actions"><button type="submit" class="btn primary">保存修改</button><a class="btn" href="/admin/plans/${plan.id}">返回计划</a></div>
<p class="muted small">修改记入审计日志。注意：再次导入计划文件时，文件中的内容会覆盖在这里所做的修改。</p></form></section>`;
}

async function render(ctx: Context, deps: AppDeps, opts: { values?: FormValues; errors?: string[] } = {}): Promise<void> {
  const user = consoleUser(ctx);
  const { plan, node, trail } = await loadItem(deps, ctx);
  const today = localDate(deps.clock.now(), deps.config.timezone);
  const rows = await itemAssignments(deps.database.db, node.id, today);
  const who = responsibleText(node);
  const details = html`<div class="panel"><p class="small muted" style="margin:0">${trail.map((t) => html`${t.marker}${t.title} › `)}</p>
<div class="meta row small"><span class="badge">${LEVEL_NAMES[node.level]}</span>${node.dueDate ? html`<span>完成时限 ${node.dueDate}</span>` : ''}${node.listKind ? html`<span>${listKindName(node.listKind)}</span>` : ''}${node.dimensions.length > 0 ? html`<span>五型：${node.dimensions.join('、')}</span>` : ''}${who ? html`<span>责任：${who}</span>` : ''}</div>
${node.text ? html`<p style="white-space:pre-wrap">${node.text}</p>` : html`<p class="muted">（没有工作要求正文）</p>`}
${node.children.length > 0 ? html`<p class="small">下级条目：${node.children.map((c) => html`<a href="/admin/plans/${plan.id}/items/${c.id}">${c.marker}${c.title}</a> `)}</p>` : ''}</div>`;
  const edit = user.canWrite ? await editPanel(deps, user, plan, node, opts.values ?? valuesOf(node), opts.errors ?? []) : '';
  if ((opts.errors ?? []).length > 0) ctx.status = 400;
  renderAdmin(ctx, {
    title: `${node.marker}${node.title}`,
    active: 'plans',
    body: html`${planStyles()}<p><a href="/admin/plans/${plan.id}">← ${plan.year}年《${plan.title}》</a></p>${details}${assignmentsPanel(user, rows, deps.config.timezone)}${edit}`,
  });
}

export function itemPage(ctx: Context, deps: AppDeps): Promise<void> {
  return render(ctx, deps);
}

/** POST /plans/:id/items/:itemId: validated, audited edit (admins only). */
export async function itemEditHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const { plan, node } = await loadItem(deps, ctx);
  const form = postedForm(ctx);
  const values: FormValues = {
    title: form.get('title'), text: form.all('text')[0] ?? '', dueDate: form.get('dueDate'), unitId: form.get('unitId'), personName: form.get('personName'),
    responsibleText: form.get('responsibleText'), listKind: form.get('listKind'), dimensions: form.all('dimensions').map((d) => d.trim()),
  };
  const edit: PlanItemEdit = {
    title: values.title, text: values.text, dueDate: values.dueDate,
    responsibleUnitId: /^\d{1,9}$/.test(values.unitId) ? Number(values.unitId) : null,
    responsiblePersonName: values.personName, responsibleText: values.responsibleText,
    listKind: node.level === 'task' ? ((values.listKind || null) as ListKind | null) : null, dimensions: values.dimensions,
  };
  const problems: string[] = [];
  if (values.unitId !== '' && edit.responsibleUnitId === null) problems.push('所选责任单位不存在或已停用');
  let result;
  try {
    if (problems.length > 0) throw new ValidationError(problems.join('；'), problems);
    result = await editPlanItem(deps.database.db, node.id, edit, { actor: actorOf(user), at: deps.clock.now(), auditData: { via: 'console', session: user.sessionId } });
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const errors = Array.isArray(e.details) ? (e.details as string[]) : [e.message];
    await render(ctx, deps, { values, errors });
    return;
  }
  const back = `/admin/plans/${plan.id}/items/${node.id}`;
  if (!result.changed) {
    redirectWithFlash(ctx, back, '没有改动，未保存。', 'warn');
    return;
  }
  const moved = result.fields.some((f) => f.startsWith('完成时限')) ? `；${result.assignmentsMoved} 条分派的完成时限随之调整` : '';
  redirectWithFlash(ctx, back, `已保存：${result.fields.join('；')}${moved}。`);
}
