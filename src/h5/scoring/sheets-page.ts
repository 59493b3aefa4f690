import type { RoundView, ScorerView, SheetView } from '../../domain/scoring/ports.js';
import { isAcceptingSheets, targetsOf } from '../../domain/scoring/sheet-service.js';
import { html } from '../html.js';
import { pointsText, roundStateText, timeText } from './format.js';
import { scoringPage } from './layout.js';
import { sheetUrl } from './urls.js';

/** 我的评分表: the branches this scorer scores (never their own — 回避), each with the state of its sheet. */
export function renderSheetsPage(opts: { round: RoundView; scorer: ScorerView; sheets: SheetView[]; token: string; timezone: string; now: Date }): string {
  const { round, scorer, now, timezone } = opts;
  const mine = new Map(opts.sheets.filter((s) => s.scorerId === scorer.personId).map((s) => [s.targetUnitId, s]));
  const targets = targetsOf(round, scorer);
  const open = isAcceptingSheets(round, now);
  const submitted = targets.filter((b) => mine.get(b.id)?.status === 'submitted').length;
  const own = scorer.branchId === null ? undefined : round.branches.find((b) => b.id === scorer.branchId);
  const deadline = timeText(round.closesAt, timezone, now);
  const body = html`${open ? '' : html`<div class="banner info"><strong>${round.status === 'open' ? '已过评分截止时间' : '评分已结束'}</strong>，评分表只能查看，不能再修改。</div>`}
<section><h2>${round.title}</h2><p>${deadline} 截止 · <span class="small">${roundStateText(round, now)}</span></p>
<p>已提交 <strong>${submitted}</strong> / ${targets.length} 个支部</p>
${scorer.role === 'committee' ? html`<p class="muted">您的评分作为机关党委点评分计入。</p>` : ''}</section>
<section><h2>需要评分的支部</h2>${targets.length === 0 ? html`<p class="muted">本轮没有需要您评分的支部。</p>` : html`<ul class="targets">${targets.map((b) => {
    const s = mine.get(b.id);
    const state = !s ? html`<span class="state">未填写</span>` : s.status === 'submitted' ? html`<span class="state submitted">已提交 总分 ${pointsText(s.totalCents ?? 0)}</span>` : html`<span class="state draft">草稿</span>`;
    return html`<li><a href="${sheetUrl(opts.token, round.id, b.id)}">${b.name}</a>${state}</li>`;
  })}</ul>`}
${own ? html`<p class="muted">本支部（${own.name}）由其他支部评分，您不给本支部打分（回避）。</p>` : ''}</section>
${open ? html`<p class="muted">每个支部的评分表可先保存草稿，截止前提交；提交后截止前仍可修改再提交。</p>` : ''}`;
  return scoringPage({ title: '我的评分表', subtitle: `${round.title} · ${deadline} 截止`, body });
}
