import type { Context } from 'koa';
import { listChatLinks, loadRoundData, SCORER_ROLE_LABELS } from '../../../exports/scoring-round-data.js';
import { describeTrim, describeWeights, effectivePolicy, FLAG_KIND_LABELS } from '../../../exports/scoring-round-xlsx.js';
import { formatNumber } from '../../../domain/scoring/numbers.js';
import { html, type Raw } from '../../../h5/html.js';
import { branchDetail } from '../../../h5/scoring/report-page.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, type ConsoleUser } from '../../console-user.js';
import { renderAdmin } from '../../layout.js';
import { idOf } from './read.js';
import { scopeRound, type ScopedRound } from './round-scope.js';
import { BASE, PAGE_STYLE, PLATFORM_TEXT, progressBar, statusBadge, when } from './ui.js';

/**
 * /admin/scoring/rounds/:id — one round: where it stands, who has not submitted (per scorer and per branch),
 * the actions (admins: 结束评分, 发布结果, 公开/隐藏名次 — each through a confirmation page), the results with each
 * branch's explanation, the 发布前提示 (admins only), the Excel export. What a leader sees follows round-scope.ts.
 */
export async function roundPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const data = await loadRoundData(db, idOf(ctx.params.id, '互观互检轮次'));
  const scoped = scopeRound(user, data);
  const { round } = scoped.data;
  // A limited leader is not shown the chat's name: it often names a branch outside their 分管范围.
  const chat = round.chatId === null ? undefined : (await listChatLinks(db, round.chatId))[0];
  const tz = deps.config.timezone;
  const now = deps.clock.now();
  const { policy, note } = effectivePolicy(data);

  const overview = html`<section class="panel" aria-labelledby="overview-h"><h2 id="overview-h">概况</h2>
<div class="table-wrap"><table class="data"><tbody>
<tr><th scope="row">状态</th><td id="round-status">${statusBadge(round, now)}</td></tr>
<tr><th scope="row">评分时间</th><td>${when(round.opensAt, tz)} 至 ${when(round.closesAt, tz)}</td></tr>
${round.closedAt ? html`<tr><th scope="row">结束于</th><td>${when(round.closedAt, tz)}</td></tr>` : ''}
${round.publishedAt ? html`<tr><th scope="row">发布于</th><td>${when(round.publishedAt, tz)}</td></tr>` : ''}
<tr><th scope="row">计分方案</th><td><a href="${BASE}/schemes/${round.schemeId}">${round.scheme.name}（#${round.schemeId}）</a></td></tr>
<tr><th scope="row">计分规则</th><td>${policy.version}：${describeWeights(policy)}；${describeTrim(policy)}${note ? html`<div class="muted small">${note}</div>` : ''}</td></tr>
<tr><th scope="row">发起群聊</th><td>${chat ? (scoped.limited ? `在${PLATFORM_TEXT[chat.platform]}群聊中发起` : `${chat.name}（${PLATFORM_TEXT[chat.platform]}）`) : `未在群聊中发起（${PLATFORM_TEXT[round.platform]}）`}</td></tr>
<tr><th scope="row">参评支部</th><td>${round.branches.map((b) => b.name).join('、') || '—'}${scoped.limited ? html`<div class="muted small">只列出您分管的党支部。</div>` : ''}</td></tr>
<tr><th scope="row">名次</th><td id="ranks-state">${round.showRanks ? '公开（结果卡片和报告显示名次）' : '不公开（只公布星级和等次）'}</td></tr>
</tbody></table></div></section>`;

  renderAdmin(ctx, {
    title: round.title,
    active: 'scoring',
    body: html`${PAGE_STYLE}<p><a href="${BASE}">← 返回互观互检</a></p>${overview}${actionsPanel(user, scoped)}${progressPanel(scoped)}${resultsPanel(scoped, tz)}`,
  });
}

function actionsPanel(user: ConsoleUser, s: ScopedRound): Raw {
  const { round } = s.data;
  const exportLink = !s.limited
    ? html`<a class="btn" href="${BASE}/rounds/${round.id}/export" download>导出 Excel</a>`
    : html`<span class="muted small">导出整轮 Excel 需要能查看本轮全部参评支部。</span>`;
  if (!user.canWrite) {
    return html`<section class="panel"><h2>操作</h2><div class="actions">${exportLink}</div><p class="muted small">领导账号只能查看，不能结束、发布或修改。${s.limited ? '' : '导出的文件不含发布前提示。'}</p></section>`;
  }
  const confirm = (action: string, label: string, cls = ''): Raw => html`<a class="btn ${cls}" href="${BASE}/rounds/${round.id}/confirm/${action}">${label}</a>`;
  const steps = round.status === 'open'
    ? html`${confirm('close', '结束评分…', 'primary')}`
    : round.status === 'closed'
      ? html`${confirm('publish', '发布结果…', 'primary')}${confirm(round.showRanks ? 'ranks-off' : 'ranks-on', round.showRanks ? '隐藏名次…' : '公开名次…')}`
      : '';
  const hint = round.status === 'open'
    ? '结束后按本轮计分规则计算结果，管理员私信收到“待发布”卡片（含发布前提示）；结果经审核后再发布。'
    : round.status === 'closed'
      ? '发布后各支部书记私信收到本支部报告，群里收到结果卡片（星级和等次）；发布后不能再改名次是否公开。'
      : '本轮结果已发布。';
  return html`<section class="panel"><h2>操作</h2><div class="actions">${steps}${exportLink}</div><p class="muted small">${hint}</p></section>`;
}

function progressPanel(s: ScopedRound): Raw {
  const p = s.data.progress;
  const owing = p.byScorer.filter((x) => x.submitted < x.expected);
  const scorerRows = [...p.byScorer].sort((a, b) => (b.expected - b.submitted) - (a.expected - a.submitted));
  const branchName = new Map(s.data.round.branches.map((b) => [b.id, b.name]));
  return html`<section class="panel" aria-labelledby="progress-h"><h2 id="progress-h">评分表提交进度</h2>
<p id="progress-total"><strong>已提交 ${p.submitted} / ${p.expected} 份</strong>${p.drafts ? `，草稿 ${p.drafts} 份` : ''}${p.missing ? `，未填 ${p.missing} 份` : ''}${s.limited ? html` <span class="muted small">（整轮合计）</span>` : ''}</p>
${progressBar(p.submitted, p.expected)}
<h3>尚未交齐的评分人</h3>
${owing.length === 0
    ? html`<p id="not-submitted">${p.byScorer.length ? '所有评分人都已交齐。' : '没有评分人。'}</p>`
    : html`<p id="not-submitted">${owing.map((x, i) => html`${i ? '、' : ''}<strong>${x.name}</strong>（差 ${x.expected - x.submitted} 份${x.drafts ? `，其中草稿 ${x.drafts} 份` : ''}）`)}</p>`}
<div class="side-by-side"><div><h3>按评分人</h3><div class="table-wrap"><table class="data" id="by-scorer"><thead><tr><th>评分人</th><th>身份</th><th class="num">已交/应交</th><th class="num">草稿</th><th class="num">未填</th></tr></thead><tbody>
${scorerRows.map((x) => html`<tr><td>${x.name}</td><td>${SCORER_ROLE_LABELS[x.role]}${x.branchId !== null ? html`<div class="muted small">${branchName.get(x.branchId) ?? ''}书记（回避本支部）</div>` : html`<div class="muted small">机关党委</div>`}</td>
<td class="num">${x.submitted} / ${x.expected}</td><td class="num">${x.drafts || ''}</td><td class="num">${x.expected - x.submitted - x.drafts || ''}</td></tr>`)}
</tbody></table></div></div>
<div><h3>按被评支部</h3><div class="table-wrap"><table class="data" id="by-branch"><thead><tr><th>支部</th><th class="num">已收/应收</th><th class="num">草稿</th><th class="num">未填</th></tr></thead><tbody>
${p.byBranch.map((b) => html`<tr><td>${b.name}</td><td class="num">${b.submitted} / ${b.expected}</td><td class="num">${b.drafts || ''}</td><td class="num">${b.expected - b.submitted - b.drafts || ''}</td></tr>`)}
</tbody></table></div></div></div></section>`;
}

function resultsPanel(s: ScopedRound, tz: string): Raw {
  const { round, results, sheets } = s.data;
  if (!results) {
    return html`<section class="panel" aria-labelledby="results-h"><h2 id="results-h">结果</h2><p class="muted">结果尚未计算：评分结束（手动结束或到截止时间自动结束）后按计分规则计算。</p></section>`;
  }
  const r = results.result;
  // Admins see the computed ranks even before they are made public (to decide whether to show them).
  const showRank = s.admin || r.ranksVisible;
  const maxStars = Math.max(0, ...round.policy.stars.map((x) => x.stars));
  const model = { round, results, scorers: s.allScorers, sheets };
  const flags = s.flags === null ? '' : html`<section class="panel" aria-labelledby="flags-h" id="flags"><h2 id="flags-h">发布前提示 <span class="badge">仅管理员可见</span></h2>
${s.flags.length ? html`<ul class="flags">${s.flags.map((f) => html`<li><span class="badge warn">${FLAG_KIND_LABELS[f.kind] ?? f.kind}</span> ${f.message}</li>`)}</ul>` : html`<p class="muted">没有需要注意的评分情况（同分、互相抬分、明显偏离）。</p>`}</section>`;
  return html`<section class="panel" aria-labelledby="results-h"><h2 id="results-h">结果</h2>
<p class="muted small">按计分规则 ${results.policyVersion} 于 ${when(results.computedAt, tz)} 计算${round.status === 'published' ? '，已发布' : '，尚未发布'}。支部按参评顺序列出，不按名次。</p>
<div class="table-wrap"><table class="data" id="results"><thead><tr><th>支部</th><th class="num">互评份数</th><th class="num">互评平均</th><th class="num">机关党委点评</th><th class="num">总分</th><th>星级</th><th>等次</th>${showRank ? html`<th class="num">名次${r.ranksVisible ? '' : html`<div class="muted small">未公开</div>`}</th>` : ''}</tr></thead><tbody>
${r.branches.map((b) => html`<tr data-branch="${b.branchId}"><td>${b.branchName}</td><td class="num">${b.peerScores.length}</td><td class="num">${b.peerMean === null ? '—' : formatNumber(b.peerMean)}</td>
<td class="num">${b.committeeScore === null ? '—' : formatNumber(b.committeeScore)}</td><td class="num"><strong>${b.totalText ?? '—'}</strong></td><td>${b.starLabel}</td><td>${b.classLabel ?? '未评定'}</td>${showRank ? html`<td class="num">${b.rank ?? '—'}</td>` : ''}</tr>`)}
</tbody></table></div><p class="muted small">${r.tieBreak}</p>
<h3>各支部计算说明</h3>
${r.branches.map((b) => html`<details class="result"><summary>${b.branchName}：${b.totalText === null ? '未参评' : `总分 ${b.totalText}，${b.starLabel}，${b.classLabel ?? '未评定'}`}</summary>${branchDetail(model, b, maxStars, 'h3')}</details>`)}</section>${flags}`;
}
