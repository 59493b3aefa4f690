/**
 * A person: unit, roles (a leader's 分管范围), platform accounts, status, history; for admins the edit form (the
 * same updatePerson as PATCH /api/v1/people/:id), 停用 and 恢复在册.
 */
import type { Context } from 'koa';
import { deactivatePerson, getPerson, listUnits, updatePerson, type PersonView, type UnitView } from '../../../db/repositories/org.js';
import { recentAuditOf } from '../../../db/repositories/org-console-read.js';
import { ROLE_ORDER } from '../../../domain/org/role-names.js';
import type { RoleName } from '../../../domain/org/types.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { canSeeUnit, consoleUser, postedForm, requireUnit, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, postButton, renderAdmin } from '../../layout.js';
import { auditTable } from './audit-lines.js';
import { changeOrFlash, writeContext } from './org-actions.js';
import { idParam, KIND_LABELS, ORG_STYLES, orgTabs, PLATFORM_NAMES_CN, ROLE_LABELS, unitOptions } from './org-shared.js';
import { personPatchFromForm } from './person-form.js';

const ROLE_HINTS: Record<RoleName, string> = {
  member: '',
  secretary: '所在党支部的书记',
  committee_member: '',
  admin: '可使用管理后台并修改',
  leader: '收到日报，管理后台只读',
};

function facts(p: PersonView, user: ConsoleUser): Raw {
  const leaderScopes = p.roles.filter((r) => r.role === 'leader');
  return html`<dl class="facts">
<dt>所在单位</dt><dd>${canSeeUnit(user, p.unitId) ? html`<a href="/admin/org/units/${p.unitId}">${p.unitName}</a>` : p.unitName}（${KIND_LABELS[p.unitKind]}）</dd>
<dt>角色</dt><dd>${p.roles.length === 0 ? '（无）' : [...new Set(p.roles.map((r) => r.role))].map((r) => ROLE_LABELS[r]).join('、')}</dd>
${leaderScopes.length > 0 ? html`<dt>分管范围</dt><dd>${leaderScopes.map((r) => r.scopeUnitName ?? '全机关').join('、')}</dd>` : ''}
${p.roles.some((r) => r.role === 'secretary') ? html`<dt>书记所在支部</dt><dd>${p.roles.filter((r) => r.role === 'secretary').map((r) => r.scopeUnitName ?? '—').join('、')}</dd>` : ''}
<dt>手机号</dt><dd>${p.mobile ?? '（未填）'}</dd>
${(['wecom', 'dingtalk', 'sandbox'] as const).map((pl) => {
    const id = p.identities.find((i) => i.platform === pl)?.externalId;
    return pl === 'sandbox' && !id ? '' : html`<dt>${PLATFORM_NAMES_CN[pl]}账号</dt><dd>${id ?? '（未绑定）'}</dd>`;
  })}
<dt>状态</dt><dd>${p.active ? html`<span class="badge ok">在册</span>` : html`<span class="badge bad">已停用</span>`}</dd>
</dl>`;
}

function editForm(p: PersonView, user: ConsoleUser, units: readonly UnitView[]): Raw {
  const has = (r: RoleName): boolean => p.roles.some((x) => x.role === r);
  const scopeUnits = units.filter((u) => u.kind !== 'group' && u.active);
  const leaderScopeIds = new Set(p.roles.filter((r) => r.role === 'leader').map((r) => r.scopeUnitId));
  const account = (pl: 'wecom' | 'dingtalk'): string => p.identities.find((i) => i.platform === pl)?.externalId ?? '';
  return html`<form method="post" action="/admin/org/people/${p.id}">${csrfField(user)}
<div class="field"><label for="p-name">姓名</label><input id="p-name" name="name" required maxlength="50" value="${p.name}"></div>
<div class="field"><label for="p-unit">所在单位</label><select id="p-unit" name="unitId">${unitOptions(units, p.unitId)}</select><span class="hint">换到另一党支部时，支部书记的职务随之换到新支部。</span></div>
<div class="field"><label for="p-mobile">手机号</label><input id="p-mobile" name="mobile" type="tel" maxlength="20" inputmode="tel" value="${p.mobile ?? ''}"><span class="hint">留空则清除。</span></div>
<fieldset><legend>角色</legend><div class="checks">${ROLE_ORDER.map((r) => html`<label><input type="checkbox" name="role" value="${r}"${has(r) ? ' checked' : ''}> ${ROLE_LABELS[r]}${ROLE_HINTS[r] ? html` <span class="small muted">（${ROLE_HINTS[r]}）</span>` : ''}</label>`)}</div></fieldset>
<fieldset><legend>领导分管范围</legend><p class="small muted" style="margin:0 0 6px">仅“领导”角色适用；都不选＝整个机关党委。</p><div class="checks">${scopeUnits.map((u) => html`<label><input type="checkbox" name="leaderScope" value="${u.id}"${leaderScopeIds.has(u.id) ? ' checked' : ''}> ${u.name}</label>`)}</div></fieldset>
<div class="field"><label for="p-wecom">企业微信账号</label><input id="p-wecom" name="wecom" maxlength="64" autocomplete="off" value="${account('wecom')}"><span class="hint">企业微信通讯录中的 UserID；留空则解除绑定。</span></div>
<div class="field"><label for="p-dingtalk">钉钉账号</label><input id="p-dingtalk" name="dingtalk" maxlength="64" autocomplete="off" value="${account('dingtalk')}"><span class="hint">钉钉通讯录中的 userid；留空则解除绑定。</span></div>
<div class="actions"><button type="submit" class="btn primary">保存</button><a class="btn" href="/admin/org/people/${p.id}">取消</a></div></form>`;
}

/** GET /org/people/:id */
export async function personPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const p = await getPerson(db, idParam(ctx));
  requireUnit(user, p.unitId);
  const history = await recentAuditOf(db, 'person', p.id, 20);
  // Units a person can be moved to: the active ones, and the person's own even if it was deactivated meanwhile.
  const units = user.canWrite ? (await listUnits(db, { includeInactive: true })).filter((u) => u.active || u.id === p.unitId) : [];
  const body = html`${ORG_STYLES}${orgTabs('people', user)}
<div class="side-by-side"><div class="panel"><h2>基本信息</h2>${facts(p, user)}
${user.canWrite ? html`<div class="actions">${p.active
    ? postButton(user, `/admin/org/people/${p.id}/deactivate`, '停用此人', { cls: 'danger' })
    : postButton(user, `/admin/org/people/${p.id}/reactivate`, '恢复在册')}</div><p class="small muted">停用不删除任何记录：此人不再收到消息，历史记录保留。</p>` : ''}</div>
${user.canWrite ? html`<div class="panel"><h2>修改</h2>${editForm(p, user, units)}</div>` : ''}</div>
<div class="panel"><h2>变更记录</h2>${await auditTable(db, history, deps.config.timezone)}</div>`;
  renderAdmin(ctx, { title: p.name, active: 'org', body });
}

const comparable = (p: PersonView): string =>
  JSON.stringify([p.name, p.unitId, p.mobile, p.active, p.roles.map((r) => `${r.role}@${r.scopeUnitId ?? ''}`).sort(), p.identities.map((i) => `${i.platform}:${i.externalId}`).sort()]);

/** POST /org/people/:id — the PATCH /api/v1/people/:id of the console. */
export async function editPersonHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idParam(ctx);
  const before = await getPerson(deps.database.db, id);
  await changeOrFlash(ctx, `/admin/org/people/${id}`, async () => {
    const patch = personPatchFromForm(postedForm(ctx), before);
    const after = await updatePerson(deps.database.db, id, patch, writeContext(user, deps));
    const same = comparable(after) === comparable(before);
    return { to: `/admin/org/people/${id}`, message: same ? '没有改动。' : `已保存：${after.name}` };
  });
}

/** POST /org/people/:id/deactivate — never deletes. */
export async function deactivatePersonHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idParam(ctx);
  await changeOrFlash(ctx, `/admin/org/people/${id}`, async () => {
    const p = await deactivatePerson(deps.database.db, id, writeContext(user, deps));
    return { to: `/admin/org/people/${id}`, message: `已停用：${p.name}（记录保留）` };
  });
}

/** POST /org/people/:id/reactivate */
export async function reactivatePersonHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idParam(ctx);
  await changeOrFlash(ctx, `/admin/org/people/${id}`, async () => {
    const p = await updatePerson(deps.database.db, id, { active: true }, writeContext(user, deps));
    return { to: `/admin/org/people/${id}`, message: `已恢复在册：${p.name}` };
  });
}
