/** Helpers shared by the 组织 pages: what the user may see, labels, ids from URLs. */
import type { Context } from 'koa';
import type { DbOrTx } from '../../../db/client.js';
import { listUnits, type UnitView } from '../../../db/repositories/org.js';
import { ROLE_LABELS } from '../../../domain/org/role-names.js';
import type { PlatformName, RoleName, UnitKind } from '../../../domain/org/types.js';
import { NotFoundError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import { canSeeUnit, type ConsoleUser } from '../../console-user.js';

export const KIND_LABELS: Record<UnitKind, string> = { committee: '机关党委', branch: '党支部', group: '党小组' };
export const PLATFORM_NAMES_CN: Record<PlatformName, string> = { wecom: '企业微信', dingtalk: '钉钉', sandbox: '沙箱' };
export { ROLE_LABELS };

/** A numeric id from the URL; anything else is "not found" (never a 500). */
export function idParam(ctx: Context, name = 'id'): number {
  const raw = (ctx.params as Record<string, string | undefined>)[name] ?? '';
  const id = Number(raw);
  if (!/^\d{1,9}$/.test(raw) || !Number.isSafeInteger(id) || id <= 0) throw new NotFoundError('找不到该页面。');
  return id;
}

/** The units this user may see (active only unless asked), depth first as listUnits gives them. */
export async function visibleUnits(db: DbOrTx, user: ConsoleUser, opts: { includeInactive?: boolean } = {}): Promise<UnitView[]> {
  const units = await listUnits(db, opts);
  return units.filter((u) => canSeeUnit(user, u.id));
}

/** Depth of each unit within the given list (a unit whose parent is not in the list is a root). */
export function unitDepths(units: readonly UnitView[]): Map<number, number> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const depth = new Map<number, number>();
  const of = (u: UnitView): number => {
    const known = depth.get(u.id);
    if (known !== undefined) return known;
    const parent = u.parentId !== null ? byId.get(u.parentId) : undefined;
    const d = parent ? of(parent) + 1 : 0;
    depth.set(u.id, d);
    return d;
  };
  for (const u of units) of(u);
  return depth;
}

/** <option>s of units, indented by depth, one selected. */
export function unitOptions(units: readonly UnitView[], selected: number | null | undefined): Raw[] {
  const depth = unitDepths(units);
  return units.map((u) => html`<option value="${u.id}"${u.id === selected ? ' selected' : ''}>${'　'.repeat(depth.get(u.id) ?? 0)}${u.name}${u.active ? '' : '（已停用）'}</option>`);
}

export function roleText(role: RoleName): string {
  return ROLE_LABELS[role];
}

/** "管理员 · 领导（分管：第二党支部、第三党支部）" for a person's roles. */
export function rolesSummary(roles: readonly { role: RoleName; scopeUnitName: string | null; scopeUnitId: number | null }[]): string {
  const byRole = new Map<RoleName, string[]>();
  for (const r of roles) byRole.set(r.role, [...(byRole.get(r.role) ?? []), ...(r.scopeUnitName ? [r.scopeUnitName] : [])]);
  return [...byRole.entries()]
    .map(([role, scopes]) => (role === 'leader' ? `${ROLE_LABELS[role]}（分管：${scopes.length ? scopes.join('、') : '全机关'}）` : ROLE_LABELS[role]))
    .join(' · ');
}

/** A link back to the section's start, and the section's sub-menu. */
export function orgTabs(current: 'tree' | 'people' | 'import' | 'sync', user: ConsoleUser): Raw {
  const tabs = [
    { key: 'tree', href: '/admin/org', label: '组织架构' },
    { key: 'people', href: '/admin/org/people', label: '人员' },
    ...(user.canWrite ? [{ key: 'import', href: '/admin/org/import', label: '导入' }, { key: 'sync', href: '/admin/org/sync', label: '从企业微信/钉钉同步' }] : []),
  ];
  return html`<nav class="row org-tabs" aria-label="组织栏目">${tabs.map((t) => (t.key === current ? html`<a class="btn primary" href="${t.href}" aria-current="page">${t.label}</a>` : html`<a class="btn" href="${t.href}">${t.label}</a>`))}</nav>`;
}

export const ORG_STYLES = html`<style>.org-tabs{margin-bottom:14px}
ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:0}ul.tree ul{padding-left:22px;border-left:2px solid #e6e8eb;margin-left:8px}
ul.tree li{margin:4px 0}ul.tree .node{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;padding:4px 0}
ul.tree .node .name{font-weight:600}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}dl.facts dt{color:#666}dl.facts dd{margin:0}
.pager{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:10px}.filters{display:flex;flex-wrap:wrap;gap:0 12px;align-items:flex-end}
.filters .field{min-width:180px}ul.changes{margin:0;padding-left:0;list-style:none}ul.changes li{padding:3px 8px;border-radius:4px;margin:2px 0}
.checks{display:flex;flex-wrap:wrap;gap:4px 16px}.checks label{font-weight:normal}
@media(max-width:600px){table.people thead{position:absolute;left:-9999px}table.people tr{display:block;padding:8px 0;border-bottom:1px solid #e6e8eb}
table.people td{display:block;border:none;padding:1px 8px}table.people td.who{font-weight:600;font-size:15px}table.people td.state{display:none}
table.people td[data-label]:empty{display:none}table.people td[data-label]::before{content:attr(data-label) "：";color:#666}}</style>`;
