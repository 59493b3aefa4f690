/** A unit's page (its groups, people, history) and the unit changes: new branch/group, rename, deactivate. */
import type { Context } from 'koa';
import { createUnit, deactivateUnit, getUnit, listUnits, updateUnit } from '../../../db/repositories/org.js';
import { recentAuditOf } from '../../../db/repositories/org-console-read.js';
import { listPeople } from '../../../db/repositories/org-people-read.js';
import { NotFoundError, ValidationError } from '../../../errors.js';
import { html } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, postedForm, requireUnit, requireWrite } from '../../console-user.js';
import { csrfField, postButton, renderAdmin } from '../../layout.js';
import { changeOrFlash, writeContext } from './org-actions.js';
import { auditTable } from './audit-lines.js';
import { idParam, KIND_LABELS, ORG_STYLES, orgTabs, rolesSummary } from './org-shared.js';

/** GET /org/units/:id */
export async function unitPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const id = idParam(ctx);
  const unit = await getUnit(db, id);
  requireUnit(user, unit.id);
  const all = await listUnits(db, { includeInactive: true });
  const parent = unit.parentId !== null ? all.find((u) => u.id === unit.parentId) : undefined;
  const children = all.filter((u) => u.parentId === unit.id);
  const members = await listPeople(db, { unitIds: [unit.id], limit: 30 });
  const history = await recentAuditOf(db, 'org_unit', unit.id, 10);
  const childKind = unit.kind === 'committee' ? 'branch' : unit.kind === 'branch' ? 'group' : null;
  const body = html`${ORG_STYLES}${orgTabs('tree', user)}
<div class="side-by-side"><div class="panel"><h2>基本信息</h2><dl class="facts">
<dt>类型</dt><dd>${KIND_LABELS[unit.kind]}</dd>
<dt>上级</dt><dd>${parent ? (user.visible === 'all' || (user.visible.has(parent.id)) ? html`<a href="/admin/org/units/${parent.id}">${parent.name}</a>` : parent.name) : '（最上级）'}</dd>
<dt>状态</dt><dd>${unit.active ? html`<span class="badge ok">在用</span>` : html`<span class="badge bad">已停用</span>`}</dd>
<dt>在册人员</dt><dd>${unit.totalMemberCount} 人${unit.memberCount !== unit.totalMemberCount ? `（本级 ${unit.memberCount} 人）` : ''} · <a href="/admin/org/people?unit=${unit.id}">查看人员</a></dd>
</dl></div>
${user.canWrite && unit.active ? html`<div class="panel"><h2>修改</h2><form method="post" action="/admin/org/units/${unit.id}">${csrfField(user)}
<div class="field"><label for="unit-name">名称</label><input id="unit-name" name="name" required maxlength="100" value="${unit.name}"></div>
<div class="actions"><button type="submit" class="btn primary">保存名称</button></div></form>
${unit.kind !== 'committee' ? html`<p class="small muted">停用前须先调整或停用其中的人员和党小组；停用不删除任何记录。</p>${postButton(user, `/admin/org/units/${unit.id}/deactivate`, `停用${KIND_LABELS[unit.kind]}`, { cls: 'danger' })}` : ''}</div>` : ''}
</div>
${childKind ? html`<div class="panel"><h2>下级${KIND_LABELS[childKind]}</h2>${children.length === 0 ? html`<p class="muted">还没有${KIND_LABELS[childKind]}。</p>` : html`<ul>${children.map((c) => html`<li><a href="/admin/org/units/${c.id}">${c.name}</a> <span class="small muted">${c.totalMemberCount} 人</span>${c.active ? '' : html` <span class="badge bad">已停用</span>`}</li>`)}</ul>`}
${user.canWrite && unit.active ? html`<form method="post" action="/admin/org/units">${csrfField(user)}<input type="hidden" name="kind" value="${childKind}"><input type="hidden" name="parentId" value="${unit.id}">
<div class="field"><label for="child-name">新建${KIND_LABELS[childKind]}</label><input id="child-name" name="name" required maxlength="100" placeholder="${childKind === 'group' ? '如：第三党小组' : '如：第六党支部（信息中心）'}"></div>
<div class="actions"><button type="submit" class="btn">新建${KIND_LABELS[childKind]}</button></div></form>` : ''}</div>` : ''}
<div class="panel"><h2>本级人员</h2>${members.items.length === 0 ? html`<p class="muted">本级没有在册人员。</p>` : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">姓名</th><th scope="col">角色</th></tr></thead><tbody>
${members.items.map((p) => html`<tr><td><a href="/admin/org/people/${p.id}">${p.name}</a></td><td>${rolesSummary(p.roles)}</td></tr>`)}</tbody></table></div>
${members.total > members.items.length ? html`<p><a href="/admin/org/people?unit=${unit.id}">查看全部 ${members.total} 人</a></p>` : ''}`}</div>
<div class="panel"><h2>变更记录</h2>${await auditTable(db, history, deps.config.timezone)}</div>`;
  renderAdmin(ctx, { title: unit.name, active: 'org', body });
}

/** POST /org/units — a new branch (under the 机关党委) or group (under a branch), same as POST /api/v1/units. */
export async function createUnitHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const form = postedForm(ctx);
  const kind = form.get('kind');
  if (kind !== 'branch' && kind !== 'group') throw new ValidationError('只能新建党支部或党小组。');
  const parentId = Number(form.get('parentId'));
  if (!Number.isSafeInteger(parentId) || parentId <= 0) throw new NotFoundError('上级单位不存在。');
  await changeOrFlash(ctx, kind === 'branch' ? '/admin/org' : `/admin/org/units/${parentId}`, async () => {
    const unit = await createUnit(deps.database.db, { kind, parentId, name: form.get('name') }, writeContext(user, deps));
    return { to: `/admin/org/units/${unit.id}`, message: `已新建${KIND_LABELS[kind]}：${unit.name}` };
  });
}

/** POST /org/units/:id — rename (PATCH /api/v1/units/:id). */
export async function renameUnitHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idParam(ctx);
  const name = postedForm(ctx).get('name');
  await changeOrFlash(ctx, `/admin/org/units/${id}`, async () => {
    const unit = await updateUnit(deps.database.db, id, { name }, writeContext(user, deps));
    return { to: `/admin/org/units/${id}`, message: `名称已保存：${unit.name}` };
  });
}

/** POST /org/units/:id/deactivate (refused while people or groups remain). */
export async function deactivateUnitHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idParam(ctx);
  await changeOrFlash(ctx, `/admin/org/units/${id}`, async () => {
    const unit = await deactivateUnit(deps.database.db, id, writeContext(user, deps));
    return { to: `/admin/org/units/${id}`, message: `已停用：${unit.name}` };
  });
}

