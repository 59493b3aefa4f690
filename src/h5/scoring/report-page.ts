import type { BranchResult } from '../../domain/scoring/aggregate.js';
import type { RoundView, ScorerView, SheetView, StoredResults } from '../../domain/scoring/ports.js';
import { html, type Raw } from '../html.js';
import { pointsText, timeText } from './format.js';
import { categoryAverages } from './category-averages.js';
import { scoringPage } from './layout.js';

/**
 * 评定报告. With a branch: that branch's result for its secretary (peer scores anonymous). Without: every branch
 * for the admins, with the pre-publication flags. Branches are listed in round order, never by rank; the rank
 * is shown only when the round shows ranks.
 */

export interface ReportModel {
  round: RoundView;
  results: StoredResults;
  /** null = every branch (admin link). */
  branchId: number | null;
  scorers: ScorerView[];
  sheets: SheetView[];
  timezone: string;
  now: Date;
}

export function pendingReportPage(round: RoundView): string {
  return scoringPage({
    title: '评定报告',
    subtitle: round.title,
    body: html`<section><h2>${round.title}</h2><p><strong>评分尚未结束，结果待公布</strong></p><p class="muted">评分结束并计算结果后，即可在此查看。</p></section>`,
  });
}

export function renderReportPage(m: ReportModel): string {
  const { round, results } = m;
  const result = results.result;
  const maxStars = Math.max(0, ...round.policy.stars.map((s) => s.stars));
  const rules = html`<section class="small"><h2>计分规则</h2><p>计分规则版本：${results.policyVersion}</p><p>${result.tieBreak}</p>
<p class="muted">结果计算于 ${timeText(results.computedAt, m.timezone, m.now)}${round.status === 'published' ? '，已公布' : '，尚未公布'}。</p></section>`;
  if (m.branchId !== null) {
    const branch = result.branches.find((b) => b.branchId === String(m.branchId));
    const body = branch
      ? html`${branchDetail(m, branch, maxStars, 'h2')}${rules}`
      : html`<section><p>该支部不在本轮评定结果中。</p></section>`;
    return scoringPage({ title: branch ? `评定报告 · ${branch.branchName}` : '评定报告', subtitle: round.title, body });
  }
  const ranks = result.ranksVisible;
  const body = html`<section><h2>${round.title}</h2><table><thead><tr><th>支部</th><th class="num">总分</th><th>星级</th><th>等次</th>${ranks ? html`<th class="num">排名</th>` : ''}</tr></thead>
<tbody>${result.branches.map((b) => html`<tr><td>${b.branchName}</td><td class="num">${b.totalText ?? '—'}</td><td>${b.starLabel}</td><td>${b.classLabel ?? '—'}</td>${ranks ? html`<td class="num">${b.rank ?? '—'}</td>` : ''}</tr>`)}</tbody></table></section>
<section id="flags"><h2>发布前提示（仅管理员可见）</h2>${results.flags.length ? html`<ul class="flags">${results.flags.map((f) => html`<li>${f.message}</li>`)}</ul>` : html`<p class="muted">没有需要注意的评分情况。</p>`}</section>
<section><h2>各支部详情</h2>${result.branches.map((b) => html`<details><summary>${b.branchName}</summary>${branchDetail(m, b, maxStars, 'h3')}</details>`)}</section>
${rules}`;
  return scoringPage({ title: '评定报告（全部支部）', subtitle: round.title, body });
}

/** One branch's result: stars, class, total, the explanation, the anonymous peer scores, category averages (also used by the admin console). */
export function branchDetail(m: Pick<ReportModel, 'round' | 'results' | 'scorers' | 'sheets'>, b: BranchResult, maxStars: number, h: 'h2' | 'h3'): Raw {
  const unitId = Number(b.branchId);
  const averages = Number.isInteger(unitId) ? categoryAverages(m.round, m.scorers, m.sheets, unitId) : null;
  const stars = b.stars > 0 ? '★'.repeat(b.stars) + '☆'.repeat(Math.max(0, maxStars - b.stars)) : '';
  const high = b.droppedHighest.length;
  const low = b.droppedLowest.length;
  const n = b.peerScores.length;
  const heading = (text: string): Raw => (h === 'h2' ? html`<h2>${text}</h2>` : html`<h3>${text}</h3>`);
  return html`<section class="branch" data-branch="${b.branchId}">${heading(b.branchName)}
<p><span class="stars" aria-hidden="true">${stars}</span> <strong>${b.starLabel}</strong></p>
<dl><dt>等次</dt><dd>${b.classLabel ?? '未评定'}</dd><dt>总分</dt><dd>${b.totalText ?? '—'}</dd>${m.results.result.ranksVisible && b.rank !== null ? html`<dt>排名</dt><dd>第 ${b.rank} 名</dd>` : ''}</dl>
<h3>计算过程</h3><p class="explain">${b.explanation}</p>
<h3>互评分（匿名，从高到低）</h3>${n === 0 ? html`<p class="muted">没有互评分。</p>` : html`<ol class="scores">${b.peerScores.map((s, i) => {
    const dropped = i < high ? '去掉最高' : i >= n - low ? '去掉最低' : null;
    return dropped ? html`<li class="dropped"><s>${fmt(s)}</s> <span class="state dropped">${dropped}</span></li>` : html`<li>${fmt(s)}</li>`;
  })}</ol>`}
${b.committeeScore !== null ? html`<p>机关党委点评分：<strong>${fmt(b.committeeScore)}</strong></p>` : ''}
${averages && averages.sheets > 0 ? html`<h3>各类别平均得分（${averages.sheets} 份互评表）</h3><table><thead><tr><th>类别</th><th class="num">平均得分</th><th class="num">满分</th></tr></thead><tbody>${averages.categories.map((c) => html`<tr><td>${c.name}</td><td class="num">${c.averageText ?? '—'}</td><td class="num">${c.maxText}</td></tr>`)}</tbody></table>` : ''}</section>`;
}

const fmt = (points: number): string => pointsText(Math.round(points * 100));
