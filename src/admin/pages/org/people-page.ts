/** 人员: search by 姓名/手机/账号, filter by unit (and what is below it), 50 per page — fine for 10 000 people. */
import type { Context } from 'koa';
import { listPeople } from '../../../db/repositories/org-people-read.js';
import type { PersonView } from '../../../db/repositories/org.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, requireUnit, type ConsoleUser } from '../../console-user.js';
import { emptyState, renderAdmin } from '../../layout.js';
import { ORG_STYLES, orgTabs, PLATFORM_NAMES_CN, rolesSummary, unitOptions, visibleUnits } from './org-shared.js';

export const PAGE_SIZE = 50;

interface Filters {
  q: string;
  unitId: number | undefined;
  inactive: boolean;
  page: number;
}

function readFilters(ctx: Context): Filters {
  const str = (k: string): string => (typeof ctx.query[k] === 'string' ? (ctx.query[k] as string).trim() : '');
  const unit = str('unit');
  const page = Number(str('page'));
  return {
    q: str('q').slice(0, 50),
    unitId: /^\d{1,9}$/.test(unit) && Number(unit) > 0 ? Number(unit) : undefined,
    inactive: str('inactive') === '1',
    page: Number.isSafeInteger(page) && page >= 1 ? Math.min(page, 100_000) : 1,
  };
}

function query(f: Filters, page: number): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.unitId !== undefined) p.set('unit', String(f.unitId));
  if (f.inactive) p.set('inactive', '1');
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function identitiesText(p: PersonView, platform: 'wecom' | 'dingtalk'): string {
  return p.identities.find((i) => i.platform === platform)?.externalId ?? '';
}

function peopleTable(items: readonly PersonView[]): Raw {
  return html`<div class="table-wrap"><table class="data people"><thead><tr><th scope="col">姓名</th><th scope="col">所在单位</th><th scope="col">角色</th><th scope="col">${PLATFORM_NAMES_CN.wecom}</th><th scope="col">${PLATFORM_NAMES_CN.dingtalk}</th><th scope="col">手机号</th><th scope="col">状态</th></tr></thead><tbody>
${items.map((p) => html`<tr><td class="who"><a href="/admin/org/people/${p.id}">${p.name}</a>${p.active ? '' : html` <span class="badge bad">已停用</span>`}</td><td data-label="单位">${p.unitName}</td><td data-label="角色">${rolesSummary(p.roles)}</td><td data-label="${PLATFORM_NAMES_CN.wecom}">${identitiesText(p, 'wecom')}</td><td data-label="${PLATFORM_NAMES_CN.dingtalk}">${identitiesText(p, 'dingtalk')}</td><td data-label="手机">${p.mobile ?? ''}</td><td class="state">${p.active ? html`<span class="badge ok">在册</span>` : html`<span class="badge bad">已停用</span>`}</td></tr>`)}
</tbody></table></div>`;
}

function pager(f: Filters, total: number): Raw {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (pages <= 1) return html``;
  const page = Math.min(f.page, pages);
  return html`<nav class="pager" aria-label="翻页">${page > 1 ? html`<a class="btn" href="/admin/org/people${query(f, 1)}">首页</a><a class="btn" href="/admin/org/people${query(f, page - 1)}" rel="prev">上一页</a>` : ''}
<span>第 ${page} / ${pages} 页</span>${page < pages ? html`<a class="btn" href="/admin/org/people${query(f, page + 1)}" rel="next">下一页</a><a class="btn" href="/admin/org/people${query(f, pages)}">末页</a>` : ''}</nav>`;
}

/** GET /org/people?q=&unit=&inactive=1&page= */
export async function peoplePage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const f = readFilters(ctx);
  if (f.unitId !== undefined) requireUnit(user, f.unitId);
  const units = await visibleUnits(db, user, { includeInactive: true });
  const result = await listPeople(db, {
    ...(user.visible === 'all' ? {} : { unitIds: [...user.visible] }),
    ...(f.unitId !== undefined ? { unitId: f.unitId } : {}),
    q: f.q,
    includeInactive: f.inactive,
    limit: PAGE_SIZE,
    offset: (f.page - 1) * PAGE_SIZE,
  });
  const filtered = f.q !== '' || f.unitId !== undefined;
  const body = html`${ORG_STYLES}${orgTabs('people', user)}
<form class="panel filters" method="get" action="/admin/org/people" role="search">
<div class="field"><label for="people-q">姓名、手机号或账号</label><input id="people-q" name="q" type="search" maxlength="50" value="${f.q}" placeholder="如：张伟、138、zhangwei"></div>
<div class="field"><label for="people-unit">单位（含下级）</label><select id="people-unit" name="unit"><option value="">${user.visible === 'all' ? '全部单位' : '我分管的全部单位'}</option>${unitOptions(units, f.unitId)}</select></div>
<div class="field"><label><input type="checkbox" name="inactive" value="1"${f.inactive ? ' checked' : ''}> 包括已停用人员</label></div>
<div class="field"><button type="submit" class="btn primary">查询</button></div>
${filtered ? html`<div class="field"><a href="/admin/org/people">清除条件</a></div>` : ''}
</form>
<div class="panel"><h2>共 ${result.total} 人</h2>${result.items.length === 0 ? noPeople(user, filtered, result.total) : html`${peopleTable(result.items)}${pager(f, result.total)}`}</div>`;
  renderAdmin(ctx, { title: '人员', active: 'org', body });
}

function noPeople(user: ConsoleUser, filtered: boolean, total: number): Raw {
  if (total > 0) return emptyState('这一页没有人员。', { href: '/admin/org/people', label: '回到第一页' });
  if (filtered) return emptyState('没有符合条件的人员。请换个关键词或单位再试。');
  return user.canWrite ? emptyState('还没有人员。请先导入组织表。', { href: '/admin/org/import', label: '导入组织' }) : emptyState('您的分管范围内还没有人员。');
}
