import type { RoundResult } from '../../domain/scoring/aggregate.js';
import type { RoundView, ScorerView, SheetView } from '../../domain/scoring/ports.js';
import { targetsOf } from '../../domain/scoring/sheet-service.js';
import { html } from '../html.js';
import { roundStateText, timeText } from './format.js';
import { scoringPage } from './layout.js';

/** 评分进度: counts only. The link is shown to a whole group chat, so no name appears (减负: no public 点名). */

export interface ProgressCounts {
  /** Sheets expected: every scorer × every branch they score. */
  expected: number;
  submitted: number;
  drafts: number;
  scorers: number;
  /** Scorers who submitted every sheet they owe. */
  scorersDone: number;
}

export function progressCounts(round: RoundView, scorers: readonly ScorerView[], sheets: readonly SheetView[]): ProgressCounts {
  const status = new Map(sheets.map((s) => [`${s.scorerId}:${s.targetUnitId}`, s.status]));
  let expected = 0;
  let submitted = 0;
  let drafts = 0;
  let scorersDone = 0;
  for (const scorer of scorers) {
    const targets = targetsOf(round, scorer);
    let done = 0;
    for (const b of targets) {
      const s = status.get(`${scorer.personId}:${b.id}`);
      if (s === 'submitted') done++;
      else if (s === 'draft') drafts++;
    }
    expected += targets.length;
    submitted += done;
    if (targets.length > 0 && done === targets.length) scorersDone++;
  }
  return { expected, submitted, drafts, scorers: scorers.length, scorersDone };
}

/** The published results everyone in the group may see: stars and classes (ranks only when the admin shows them). */
function publishedResults(result: RoundResult) {
  const rows = result.branches.map(
    (b) => html`<tr><td>${result.ranksVisible && b.rank !== null ? `${b.rank}. ` : ''}${b.branchName}</td><td>${b.class === null ? '未参与评定' : b.starLabel}</td><td>${b.classLabel ?? '—'}</td></tr>`,
  );
  return html`<section id="published-results"><h2>评定结果</h2><table><thead><tr><th>支部</th><th>星级</th><th>等次</th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">计分规则 ${result.policyVersion}；${result.tieBreak}。各支部的详细报告已私信发给支部书记。</p></section>`;
}

export function renderProgressPage(opts: { round: RoundView; counts: ProgressCounts; timezone: string; now: Date; results?: RoundResult }): string {
  const { round, counts: c, now } = opts;
  const deadline = timeText(round.closesAt, opts.timezone, now);
  const body = html`<section><h2>${round.title}</h2><p>状态：<strong>${roundStateText(round, now)}</strong></p><p>截止时间：${deadline}</p></section>
${opts.results ? publishedResults(opts.results) : ''}
<section><h2>评分表提交情况</h2><p class="big" id="sheets-submitted">已提交 ${c.submitted} / ${c.expected} 份</p>
<progress max="${Math.max(c.expected, 1)}" value="${c.submitted}">${c.submitted} / ${c.expected}</progress>
${c.drafts ? html`<p class="muted">另有 ${c.drafts} 份已保存草稿、尚未提交。</p>` : ''}
<p id="scorers-done">评分人：<strong>${c.scorersDone}</strong> / ${c.scorers} 位已全部提交</p></section>
<p class="muted">本页只显示数量，不显示评分人姓名。</p>`;
  return scoringPage({ title: opts.results ? '互观互检结果' : '评分进度', subtitle: `${round.title} · ${deadline} 截止`, body });
}
