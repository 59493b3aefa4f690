/** 组织架构: the unit tree (机关党委 → 党支部 → 党小组) with member counts, filtered to what the user may see. */
import type { Context } from 'koa';
import type { UnitView } from '../../../db/repositories/org.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, type ConsoleUser } from '../../console-user.js';
import { csrfField, emptyState, renderAdmin } from '../../layout.js';
import { KIND_LABELS, ORG_STYLES, orgTabs, visibleUnits } from './org-shared.js';

function treeList(units: readonly UnitView[], parentId: number | null, roots: boolean): Raw {
  const ids = new Set(units.map((u) => u.id));
  const level = units.filter((u) => (roots ? u.parentId === null || !ids.has(u.parentId) : u.parentId === parentId));
  if (level.length === 0) return html``;
  return html`<ul${roots ? html` class="tree"` : ''}>${level.map((u) => html`<li><div class="node">
<a class="name" href="/admin/org/units/${u.id}">${u.name}</a><span class="badge">${KIND_LABELS[u.kind]}</span>${u.active ? '' : html`<span class="badge bad">已停用</span>`}
<a class="small" href="/admin/org/people?unit=${u.id}" aria-label="${u.name}的人员，共 ${u.totalMemberCount} 人">${u.totalMemberCount} 人</a>${u.kind !== 'group' && u.memberCount !== u.totalMemberCount ? html`<span class="small muted">（本级 ${u.memberCount} 人）</span>` : ''}
</div>${treeList(units, u.id, false)}</li>`)}</ul>`;
}

/** GET /org */
export async function treePage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const showInactive = ctx.query.inactive === '1';
  const units = await visibleUnits(deps.database.db, user, { includeInactive: showInactive });
  const committee = units.find((u) => u.kind === 'committee' && u.active);
  const totals = {
    branches: units.filter((u) => u.kind === 'branch' && u.active).length,
    groups: units.filter((u) => u.kind === 'group' && u.active).length,
    // Visible roots' totals: each person is counted once.
    people: units.filter((u) => u.parentId === null || !units.some((p) => p.id === u.parentId)).reduce((n, u) => n + u.totalMemberCount, 0),
  };
  const body = units.length === 0
    ? user.canWrite
      ? emptyState('还没有组织架构。请先导入组织表（姓名、所在单位/支部、角色、账号）。', { href: '/admin/org/import', label: '导入组织' })
      : emptyState('您的分管范围内没有组织单位。')
    : html`<div class="grid">
<div class="panel"><h2>概况</h2><p>党支部 <strong>${totals.branches}</strong> 个 · 党小组 <strong>${totals.groups}</strong> 个 · 在册人员 <strong>${totals.people}</strong> 人</p>
${user.visible === 'all' ? '' : html`<p class="small muted">只显示您分管的单位。</p>`}
<p class="small"><a href="/admin/org?inactive=${showInactive ? '0' : '1'}">${showInactive ? '隐藏已停用的单位' : '显示已停用的单位'}</a></p></div>
${user.canWrite && committee ? newBranchForm(user, committee) : ''}
</div>
<div class="panel"><h2>组织架构</h2>${treeList(units, null, true)}</div>`;
  renderAdmin(ctx, { title: '组织', active: 'org', body: html`${ORG_STYLES}${orgTabs('tree', user)}${body}` });
}

function newBranchForm(user: ConsoleUser, committee: UnitView): Raw {
  return html`<div class="panel"><h2>新建党支部</h2><form method="post" action="/admin/org/units">${csrfField(user)}
<input type="hidden" name="kind" value="branch"><input type="hidden" name="parentId" value="${committee.id}">
<div class="field"><label for="new-branch-name">党支部名称</label><input id="new-branch-name" name="name" required maxlength="100" placeholder="如：第六党支部（信息中心）"><span class="hint">设在“${committee.name}”下。党小组请在党支部页面中新建。</span></div>
<div class="actions"><button type="submit" class="btn primary">新建党支部</button></div></form></div>`;
}
