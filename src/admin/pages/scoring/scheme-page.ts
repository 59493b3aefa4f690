import type { Context } from 'koa';
import { formatNumber } from '../../../domain/scoring/numbers.js';
import type { Scheme } from '../../../domain/scoring/types.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser } from '../../console-user.js';
import { renderAdmin } from '../../layout.js';
import { idOf, roundList, schemeRow } from './read.js';
import { BASE, PAGE_STYLE, statusBadge, when } from './ui.js';

/** A scheme's categories, items and caps as a readable table (the import preview shows the same table). */
export function schemeTable(scheme: Scheme): Raw {
  return html`<div class="table-wrap"><table class="data scheme-table"><thead><tr><th>类别</th><th>编号</th><th>项目</th><th>类型</th><th class="num">分值上限</th><th>说明</th><th>必评</th></tr></thead><tbody>
${scheme.categories.map((c) => c.items.map((item, i) => html`<tr${i === 0 ? html` class="cat-first"` : ''}>${i === 0 ? html`<th scope="rowgroup" rowspan="${c.items.length}">${c.name}<div class="muted small">满分 ${formatNumber(c.max)}${c.deductionCap !== null ? `，扣分上限 ${formatNumber(c.deductionCap)}` : ''}${c.bonusCap !== null ? `，加分上限 ${formatNumber(c.bonusCap)}` : ''}</div></th>` : ''}
<td>${item.id}</td><td>${item.name}</td><td>${item.kind === 'plus' ? html`<span class="badge ok">加分</span>` : html`<span class="badge bad">扣分</span>`}</td><td class="num">${formatNumber(item.max)}</td><td class="small">${item.description || '—'}</td><td>${item.required ? '是' : '否'}</td></tr>`))}
</tbody><tfoot><tr><th colspan="4">总分</th><td class="num"><strong>${formatNumber(scheme.total)}</strong></td><td colspan="2"></td></tr></tfoot></table></div>`;
}

/** /admin/scoring/schemes/:id — the scheme, the rounds that use it, download it as a template, edit (= a new version). */
export async function schemePage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const tz = deps.config.timezone;
  const s = await schemeRow(db, idOf(ctx.params.id, '计分方案'));
  const rounds = (await roundList(db, user)).filter((r) => r.round.schemeId === s.id);
  const now = deps.clock.now();
  renderAdmin(ctx, {
    title: `计分方案：${s.name}`,
    active: 'scoring',
    body: html`${PAGE_STYLE}<p><a href="${BASE}">← 返回互观互检</a></p>
<section class="panel"><h2>概况</h2><div class="row">
<span>方案编号 <strong>#${s.id}</strong></span><span>${s.versions > 1 ? `同名方案第 ${s.version} 版（共 ${s.versions} 版）` : '第 1 版'}</span>
<span>总分 <strong>${formatNumber(s.scheme.total)}</strong></span><span>${s.scheme.categories.length} 类 ${s.scheme.categories.reduce((n, c) => n + c.items.length, 0)} 项</span>
<span>导入于 ${when(s.createdAt, tz)}</span>${s.latest ? html`<span class="badge ok">新一轮默认使用此方案</span>` : ''}</div>
<p class="muted small">内容摘要（SHA-256）：<code class="digest">${s.digest}</code></p>
<div class="notice warn">方案保存后不可修改：已开始的轮次一直使用开始时的方案。“编辑为新版本”会另存一个新方案，原方案 #${s.id} 和使用它的轮次都不受影响。</div>
<div class="actions">${user.canWrite ? html`<a class="btn primary" href="${BASE}/schemes/${s.id}/edit">编辑为新版本</a>` : ''}<a class="btn" href="${BASE}/schemes/${s.id}/download.xlsx">下载为表格（.xlsx）</a></div></section>
<section class="panel"><h2>类别与评分项目</h2>${schemeTable(s.scheme)}
<p class="muted small">类别得分 ＝ 基础分（只有扣分项目时为类别满分，否则 0）＋ 加分（不超过加分上限）− 扣分（不超过扣分上限），最低 0；总分＝各类别得分之和。</p></section>
<section class="panel"><h2>使用此方案的轮次</h2>${rounds.length === 0
    ? html`<p class="muted">还没有轮次使用此方案。</p>`
    : html`<ul>${rounds.map((r) => html`<li><a href="${BASE}/rounds/${r.id}">${r.title}</a> ${statusBadge(r.round, now)}</li>`)}</ul>`}</section>`,
  });
}
