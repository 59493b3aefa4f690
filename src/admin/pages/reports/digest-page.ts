/**
 * 今日简报 in the console (/admin/reports/digest): the figures of the signed-in person's digest — the same
 * figuresForPerson the card and the H5 detail page use, so the scope is theirs (admins the whole agency, leaders
 * their 分管范围) — as tables, with a link to the signed H5 page for the charts and the item drill-down.
 * Counts only, never individuals.
 */
import type { Context } from 'koa';
import { digestStore } from '../../../db/repositories/digest-store.js';
import { localDate } from '../../../domain/calendar.js';
import { figuresForPerson } from '../../../domain/digest/compute.js';
import type { DigestFigures } from '../../../domain/digest/types.js';
import { localClock } from '../../../domain/reminders/days.js';
import { ForbiddenError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { canSeeUnit, consoleUser } from '../../console-user.js';
import { renderAdmin } from '../../layout.js';

const pct = (done: number, total: number): string => (total === 0 ? '—' : `${Math.floor((done * 100) / total)}%`);
/** "2026-11-23 09:00" in the business time zone. */
function at(iso: string, tz: string): string {
  const c = localClock(new Date(iso), tz);
  return `${c.date} ${String(Math.floor(c.minutes / 60)).padStart(2, '0')}:${String(c.minutes % 60).padStart(2, '0')}`;
}
const md = (date: string): string => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

export async function digestPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const tz = deps.config.timezone;
  const today = localDate(deps.clock.now(), tz);
  const f = await figuresForPerson(digestStore(deps.database.db, { timezone: tz }), user.person, { date: today, now: deps.clock.now() });
  if (!f) throw new ForbiddenError('今日简报只供领导和机关党委管理员查看。');
  // The digest's own scope rules decide; the console's visibility is checked again in case they ever differ.
  const branches = f.branches.filter((b) => canSeeUnit(user, b.branchId));
  renderAdmin(ctx, {
    title: `今日简报 ${md(today)}`,
    active: 'reports',
    body: html`<div class="panel row"><span>${user.person.name} · ${f.scope.kind === 'agency' ? '全机关' : `分管 ${branches.length} 个党支部`}</span>
<span style="margin-left:auto" class="row"><a class="btn" href="/admin/reports">返回报表</a><a class="btn primary" href="${deps.links.digest(user.person.id, today)}" target="_blank" rel="noopener">图表与事项明细（手机页面）</a></span></div>
${totals(f)}
${attention(f, user.visible === 'all' ? null : new Set(branches.map((b) => b.branchId)))}
<section class="panel" aria-labelledby="branches-title"><h2 id="branches-title">各党支部</h2>
${branches.length === 0
    ? html`<p class="muted">范围内没有党支部。</p>`
    : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">党支部</th><th scope="col" class="num">党员</th><th scope="col" class="num">本月完成</th><th scope="col" class="num">完成率</th><th scope="col" class="num">逾期</th><th scope="col" class="num">即将到期</th><th scope="col">最早的逾期事项</th></tr></thead><tbody>
${branches.map((b) => html`<tr><td>${b.name}</td><td class="num">${b.members}</td><td class="num">${b.monthDone}/${b.monthTotal}</td><td class="num">${pct(b.monthDone, b.monthTotal)}</td><td class="num">${b.overdue > 0 ? html`<span class="badge bad">${b.overdue}</span>` : '0'}</td><td class="num">${b.dueSoon}</td><td>${b.oldestOverdue ? html`${b.oldestOverdue.title}<div class="muted small">截止 ${b.oldestOverdue.due}</div>` : html`<span class="muted">—</span>`}</td></tr>`)}
</tbody></table></div>`}</section>
<p class="muted small">与每个工作日推送的简报卡片同一口径（统计时间 ${at(f.computedAt, tz)}）；只计数，不列个人。</p>`,
  });
}

function totals(f: DigestFigures): Raw {
  const t = f.totals;
  return html`<div class="grid">
<div class="panel"><div class="muted small">本月事项完成</div><strong>${t.monthDone}/${t.monthTotal}</strong>（${pct(t.monthDone, t.monthTotal)}）</div>
<div class="panel"><div class="muted small">逾期未完成</div><strong>${t.overdue}</strong> 项，涉及 ${t.overdueBranches} 个支部</div>
<div class="panel"><div class="muted small">${md(f.dueSoonUntil)}前到期</div><strong>${t.dueSoon}</strong> 项</div>
<div class="panel"><div class="muted small">组织生活未按期登记 / 互观互检待交</div><strong>${f.cadence.length}</strong> 项 / <strong>${f.scoring.length}</strong> 轮</div></div>`;
}

/** The gaps grouped by branch, in the digest's order. */
function byBranch(list: DigestFigures['cadence']): [string, DigestFigures['cadence']][] {
  const out = new Map<string, DigestFigures['cadence']>();
  for (const c of list) out.set(c.branchName, [...(out.get(c.branchName) ?? []), c]);
  return [...out];
}

function attention(f: DigestFigures, only: Set<number> | null): Raw {
  const cadence = f.cadence.filter((c) => only === null || only.has(c.branchId));
  const dueSoon = f.dueSoon.slice(0, 10);
  if (cadence.length === 0 && f.scoring.length === 0 && dueSoon.length === 0) {
    return html`<section class="panel"><h2>需要关注</h2><p class="muted">一切正常：没有即将到期的事项、未按期登记的组织生活或待交的评分表。</p></section>`;
  }
  return html`<section class="panel" aria-labelledby="attention-title"><h2 id="attention-title">需要关注</h2>
${dueSoon.length ? html`<h3>即将到期</h3><ul>${dueSoon.map((d) => html`<li>${d.title}：${d.due} 截止，还有 ${d.open} 项未完成</li>`)}</ul>${f.dueSoon.length > dueSoon.length ? html`<p class="muted small">另有 ${f.dueSoon.length - dueSoon.length} 项，见手机页面。</p>` : ''}` : ''}
${cadence.length ? html`<h3>组织生活未按期登记</h3><ul>${byBranch(cadence).map(([name, list]) => html`<li><strong>${name}</strong>：${list.map((c) => `${c.meeting}（${c.period}）`).join('、')}</li>`)}</ul>` : ''}
${f.scoring.length ? html`<h3>互观互检</h3><ul>${f.scoring.map((s) => html`<li>${s.title}：已提交 ${s.submitted}/${s.expected}，${s.pendingScorersInScope} 位本范围内的评分人未交齐</li>`)}</ul>` : ''}</section>`;
}
