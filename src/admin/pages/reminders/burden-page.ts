/**
 * 减负指标 (/admin/reminders/burden?weeks=4): how many pushes people got per week, by kind — the number of people
 * reached, the total, the median and the most per person, and how many went over the weekly cap. burdenFigure is
 * the API's and the CLI's (burden-report) figure: a distribution only, never a list or a ranking of people.
 */
import type { Context } from 'koa';
import { burdenFigure, KIND_NAMES } from '../../../db/repositories/reminders-admin.js';
import type { BurdenRow } from '../../../db/repositories/reminders-push-log.js';
import { addDays } from '../../../domain/reminders/days.js';
import { ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser } from '../../console-user.js';
import { renderAdmin } from '../../layout.js';
import { positiveInt, REMINDER_STYLES, remindersTabs } from './shared.js';

const WEEK_CHOICES = [4, 8, 12];

const weekLabel = (monday: string): string => `${monday.slice(5)} 至 ${addDays(monday, 6).slice(5)}`;
const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export async function burdenPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const raw = ctx.query.weeks;
  const weeks = raw === undefined || raw === '' ? 4 : positiveInt(raw);
  if (weeks === null || weeks > 12) throw new ValidationError('周数须为 1–12 的整数。');
  const report = await burdenFigure(deps.database.db, deps.clock.now(), deps.config.timezone, weeks);
  const byWeek = new Map<string, BurdenRow[]>();
  for (const r of report.rows) byWeek.set(r.week, [...(byWeek.get(r.week) ?? []), r]);
  const anyPush = report.rows.length > 0;
  const overWeeks = report.overCap.filter((o) => o.people > 0);
  renderAdmin(ctx, {
    title: '提醒',
    active: 'reminders',
    body: html`${REMINDER_STYLES}${remindersTabs(user, 'burden')}
<section class="panel" aria-labelledby="burden-title"><h2 id="burden-title">推送负担：每人每周收到多少条</h2>
<p class="muted small">统计近 ${weeks} 周（含本周）的主动推送；对本人消息的回复不算推送，完成前已取消的提醒不算。只给分布，不列出、不排名任何个人。</p>
<form method="get" action="/admin/reminders/burden" class="row"><div class="field" style="margin:0"><label for="b-weeks">统计周数</label><select id="b-weeks" name="weeks">${[...new Set([...WEEK_CHOICES, weeks])].sort((a, b) => a - b).map((w) => html`<option value="${w}"${w === weeks ? html` selected` : ''}>近 ${w} 周</option>`)}</select></div><div class="actions" style="align-self:flex-end"><button type="submit" class="btn">查看</button></div></form>
<div class="grid" style="margin-top:12px">
<div class="panel"><div class="muted small">在册人员</div><strong>${report.activePeople}</strong> 人</div>
<div class="panel"><div class="muted small">每人每周非紧急推送上限（全机关）</div><strong>${report.weeklyCap}</strong> 条</div>
<div class="panel"><div class="muted small">超过上限的人次</div><strong>${report.overCap.reduce((s, o) => s + o.people, 0)}</strong>${overWeeks.length ? html` <span class="badge bad">${overWeeks.length} 周有人超过</span>` : html` <span class="badge ok">应为 0</span>`}</div>
</div></section>
${anyPush
    ? report.weeks.slice().reverse().map((w) => weekTable(w, byWeek.get(w) ?? [], report.overCap.find((o) => o.week === w)?.people ?? 0, report.activePeople))
    : html`<section class="panel"><div class="empty"><p>近 ${weeks} 周还没有推送记录。</p><p class="muted small">每日提醒任务运行后，这里显示每人每周收到的推送数量分布。</p></div></section>`}`,
  });
}

function weekTable(week: string, rows: BurdenRow[], overCap: number, activePeople: number): Raw {
  // 全部 first, then the kinds by how many pushes they made.
  const sorted = rows.slice().sort((a, b) => (a.kind === '全部' ? -1 : b.kind === '全部' ? 1 : b.pushes - a.pushes));
  return html`<section class="panel" aria-label="${weekLabel(week)}"><h2>${week.slice(0, 4)}年 ${weekLabel(week)}</h2>
${rows.length === 0
    ? html`<p class="muted">这一周没有推送。</p>`
    : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">类型</th><th scope="col" class="num">收到的人数</th><th scope="col" class="num">总条数</th><th scope="col" class="num">人均</th><th scope="col" class="num">中位数</th><th scope="col" class="num">每人最多</th></tr></thead><tbody>
${sorted.map((r) => {
    const all = r.kind === '全部';
    const name = all ? `全部推送（${activePeople ? Math.round((r.people * 100) / activePeople) : 0}% 的人收到）` : (KIND_NAMES[r.kind] ?? r.kind);
    return html`<tr><th scope="row" style="font-weight:${all ? 700 : 400}">${name}</th><td class="num">${r.people}</td><td class="num">${r.pushes}</td><td class="num">${fmt(r.people ? r.pushes / r.people : 0)}</td><td class="num">${fmt(r.median)}</td><td class="num">${r.max}</td></tr>`;
  })}</tbody></table></div>
<p class="small ${overCap ? '' : 'muted'}">${overCap ? html`<span class="badge bad">${overCap} 人</span> 这一周收到的非紧急推送超过每周上限。` : '没有人超过每周上限。'}</p>`}</section>`;
}
