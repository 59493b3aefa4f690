import type { Context } from 'koa';
import { formatNumber } from '../../../domain/scoring/numbers.js';
import { html } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { canSeeUnit, consoleUser } from '../../console-user.js';
import { emptyState, renderAdmin } from '../../layout.js';
import { roundList, schemeRows } from './read.js';
import { BASE, statusBadge, when } from './ui.js';

/**
 * /admin/scoring: the rounds (newest first: status, branches, sheets submitted of expected, deadline) and the
 * schemes (name, version, digest, categories, when imported). A leader sees the rounds that cover a branch of
 * theirs; schemes concern no branch and are listed for everyone.
 */
export async function scoringListPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const tz = deps.config.timezone;
  const now = deps.clock.now();
  const [rounds, schemes] = [await roundList(db, user), await schemeRows(db)];

  const roundsPanel = html`<section class="panel" aria-labelledby="rounds-h"><h2 id="rounds-h">评分轮次</h2>
${rounds.length === 0
    ? emptyState(user.canWrite
      ? '还没有互观互检轮次。支部书记或管理员在机器人所在的群里发送“@党建助手 开始互观互检 2026年第四季度”即可发起一轮。'
      : '您分管的党支部还没有参加过互观互检。')
    : html`<div class="table-wrap"><table class="data" id="rounds"><thead><tr><th>轮次</th><th>状态</th><th>参评支部</th><th class="num">评分表（已交/应交）</th><th>截止时间</th></tr></thead><tbody>
${rounds.map((r) => html`<tr data-round="${r.id}"><td><a href="${BASE}/rounds/${r.id}">${r.title}</a><div class="muted small">#${r.id}</div></td><td>${statusBadge(r.round, now)}</td>
<td>${branchNames(r.round.branches.filter((b) => canSeeUnit(user, b.id)).map((b) => b.name))}</td><td class="num">${r.submitted} / ${r.expected}</td><td>${when(r.closesAt, tz)}</td></tr>`)}
</tbody></table></div>`}
</section>`;

  const schemesPanel = html`<section class="panel" aria-labelledby="schemes-h"><h2 id="schemes-h">计分方案</h2>
<p class="muted small">方案保存后不可修改：每一轮固定使用开始时的方案。“编辑”会保存为一个新的方案版本；新发起的一轮默认使用最新保存的方案（群里也可用“方案：名称”指定）。</p>
${user.canWrite ? html`<div class="actions"><a class="btn primary" href="${BASE}/schemes/import">导入计分方案</a></div>` : ''}
${schemes.length === 0
    ? emptyState('还没有计分方案，点击这里导入（可先下载模板填写）。', user.canWrite ? { href: `${BASE}/schemes/import`, label: '导入计分方案' } : undefined)
    : html`<div class="table-wrap"><table class="data" id="schemes"><thead><tr><th>方案</th><th>版本</th><th>类别</th><th class="num">项目</th><th class="num">总分</th><th>导入时间</th></tr></thead><tbody>
${schemes.map((s) => html`<tr data-scheme="${s.id}"><td><a href="${BASE}/schemes/${s.id}">${s.name}</a>${s.latest ? html` <span class="badge ok">新一轮默认</span>` : ''}</td>
<td>#${s.id}${s.versions > 1 ? html` · 第 ${s.version} 版` : ''}<div class="muted small" title="内容摘要（SHA-256）">${s.digest.slice(0, 12)}</div></td>
<td>${s.scheme.categories.map((c) => `${c.name}（${formatNumber(c.max)}）`).join('、')}</td>
<td class="num">${s.scheme.categories.reduce((n, c) => n + c.items.length, 0)}</td><td class="num">${formatNumber(s.scheme.total)}</td><td>${when(s.createdAt, tz)}</td></tr>`)}
</tbody></table></div>`}
</section>`;

  renderAdmin(ctx, {
    title: '互观互检',
    active: 'scoring',
    body: html`${roundsPanel}${schemesPanel}
<section class="panel"><h2>群聊与支部</h2><p>每个群里发起的互观互检覆盖哪些党支部。</p><p><a href="${BASE}/chats">查看${user.canWrite ? '和设置' : ''}群聊覆盖的支部</a></p></section>`,
  });
}

/** "第一党支部、第二党支部" — long lists shortened with the count. */
function branchNames(names: readonly string[]): string {
  if (names.length === 0) return '—';
  return names.length <= 3 ? names.join('、') : `${names.slice(0, 3).join('、')} 等 ${names.length} 个`;
}
