/**
 * 发送预览 (/admin/reminders/preview?date=&time=): what the daily reminder job would do on a day — who gets what,
 * when, or why not — computed by runDailyReminders in dry-run mode, the same code path as the job and as
 * GET /api/v1/reminders/preview. Nothing is sent, queued or logged. It names people, so it is for admins only
 * (like the API's preview, which needs a write token).
 */
import { eq, inArray } from 'drizzle-orm';
import type { Context } from 'koa';
import { enabledPlatforms } from '../../../config.js';
import type { DbOrTx } from '../../../db/client.js';
import { KIND_NAMES } from '../../../db/repositories/reminders-admin.js';
import { orgUnits, people } from '../../../db/schema/index.js';
import { isIsoDate, localDate } from '../../../domain/calendar.js';
import { instantAt } from '../../../domain/reminders/days.js';
import { ForbiddenError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { runDailyReminders, type ReminderRun } from '../../../jobs/daily-reminder.js';
import type { PlannedPush } from '../../../jobs/reminder-push-plan.js';
import { consoleUser } from '../../console-user.js';
import { renderAdmin } from '../../layout.js';
import { describedBy, fieldError, localTimeLabel, REMINDER_STYLES, remindersTabs } from './shared.js';

/** Rows shown at most (a large agency's day can have thousands; the kind filter narrows it). */
const MAX_ROWS = 1000;
const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

const ACTION_LABELS: Record<string, string> = { send: '按时发送', hold: '顺延发送', merge: '合并为汇总', 'drop-duplicate': '今日已发过，不再发', 'drop-muted': '本人已暂停提醒' };
const HOLD_REASONS: Record<string, string> = { 'quiet-hours': '免打扰时段', 'rest-day': '休息日', 'weekly-cap': '超过每周上限' };

export async function previewPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  if (!user.canWrite) throw new ForbiddenError('发送预览会列出具体人员，仅机关党委管理员可以查看。');
  const tz = deps.config.timezone;
  const today = localDate(deps.clock.now(), tz);
  const q = (k: string): string => (typeof ctx.query[k] === 'string' ? (ctx.query[k] as string).trim() : '');
  const date = q('date') || today;
  const time = q('time') || '08:30';
  const kind = q('kind');
  const errors = new Map<string, string>();
  if (!isIsoDate(date)) errors.set('date', '请选择日期（年-月-日）。');
  if (!TIME_RE.test(time)) errors.set('time', '时间须为 24 小时制 HH:mm，如 08:30。');
  let run: ReminderRun | null = null;
  if (errors.size === 0) {
    run = await runDailyReminders(
      { database: deps.database, calendar: deps.calendar, timezone: tz, links: deps.links, platforms: enabledPlatforms(deps.config) },
      instantAt(date, time, tz),
      { dryRun: true },
    );
  } else ctx.status = 400;
  renderAdmin(ctx, {
    title: '提醒',
    active: 'reminders',
    body: html`${REMINDER_STYLES}${remindersTabs(user, 'preview')}
<section class="panel" aria-labelledby="preview-title"><h2 id="preview-title">某天将发送哪些提醒</h2>
<p class="muted small">与每天的提醒任务同一套规则（提醒设置、免打扰、每周上限、本人暂停）；只计算，不发送，也不记入推送记录。</p>
<form method="get" action="/admin/reminders/preview" class="row" novalidate>
<div class="field"><label for="p-date">日期</label><input id="p-date" name="date" type="date" required value="${date}"${describedBy('p-date-hint', 'p-date-error', errors.has('date'))}>${fieldError('p-date-error', errors.get('date'))}<span class="hint" id="p-date-hint">默认今天</span></div>
<div class="field"><label for="p-time">计算时刻</label><input id="p-time" name="time" type="text" inputmode="numeric" maxlength="5" value="${time}"${describedBy('p-time-hint', 'p-time-error', errors.has('time'))}>${fieldError('p-time-error', errors.get('time'))}<span class="hint" id="p-time-hint">提醒任务每天 08:30 运行</span></div>
${run ? kindFilter(run, kind) : ''}
<div class="actions" style="align-self:center"><button type="submit" class="btn primary">预览</button></div></form></section>
${run ? await results(deps.database.db, run, { date, time, kind, timezone: tz }) : ''}`,
  });
}

function kindFilter(run: ReminderRun, kind: string): Raw {
  const kinds = [...new Set(run.pushes.map((p) => p.kind))];
  if (kinds.length < 2 && !kind) return html``;
  return html`<div class="field"><label for="p-kind">提醒类型</label><select id="p-kind" name="kind"><option value="">全部类型</option>${kinds.map((k) => html`<option value="${k}"${k === kind ? html` selected` : ''}>${KIND_NAMES[k] ?? k}</option>`)}</select></div>`;
}

async function whoIs(db: DbOrTx, ids: number[]): Promise<Map<number, { name: string; unit: string }>> {
  if (ids.length === 0) return new Map();
  const list = await db.select({ id: people.id, name: people.name, unit: orgUnits.name }).from(people).innerJoin(orgUnits, eq(orgUnits.id, people.unitId)).where(inArray(people.id, ids));
  return new Map(list.map((p) => [p.id, { name: p.name, unit: p.unit }]));
}

function decisionCells(p: PlannedPush, timezone: string, date: string): Raw {
  const d = p.decision;
  const label = ACTION_LABELS[d.action] ?? d.action;
  const when = 'at' in d ? localTimeLabel(d.at, timezone, date) : '—';
  const reason = d.action === 'hold' ? html`<div class="muted small">${HOLD_REASONS[d.reason] ?? d.reason}</div>` : '';
  const cls = d.action === 'send' ? 'ok' : d.action === 'hold' || d.action === 'merge' ? 'warn' : '';
  return html`<td><span class="badge ${cls}">${label}</span>${reason}</td><td class="num">${when}</td>`;
}

async function results(db: DbOrTx, run: ReminderRun, o: { date: string; time: string; kind: string; timezone: string }): Promise<Raw> {
  const shown = o.kind ? run.pushes.filter((p) => p.kind === o.kind) : run.pushes;
  const rows = shown.slice(0, MAX_ROWS);
  const who = await whoIs(db, [...new Set(rows.map((p) => p.personId))]);
  const counts = Object.entries(run.byDecision).map(([a, n]) => `${ACTION_LABELS[a] ?? a} ${n} 条`);
  return html`<section class="panel" aria-labelledby="result-title"><h2 id="result-title">${o.date} ${o.time} 的提醒（预览，未发送）</h2>
<p>共 ${run.pushes.length} 条${counts.length ? `：${counts.join('，')}` : ''}${run.unreachable ? html`；<span class="badge warn">${run.unreachable} 条无法送达</span>（收件人没有绑定企业微信/钉钉账号）` : ''}。</p>
${run.pushes.length === 0
    ? html`<div class="empty"><p>这一天没有要发送的提醒。</p><p class="muted small">休息日、没有临近截止或逾期的任务、组织生活都已登记时，就不会有提醒。</p></div>`
    : html`<div class="table-wrap"><table class="data"><caption class="muted small" style="text-align:left">${o.kind ? `${KIND_NAMES[o.kind] ?? o.kind}：${shown.length} 条` : '全部类型'}${shown.length > MAX_ROWS ? `，只列出前 ${MAX_ROWS} 条` : ''}</caption>
<thead><tr><th scope="col">收件人</th><th scope="col">所在单位</th><th scope="col">提醒类型</th><th scope="col">提醒内容</th><th scope="col">处理</th><th scope="col" class="num">发送时间</th></tr></thead><tbody>
${rows.map((p) => {
    const w = who.get(p.personId);
    return html`<tr><td>${w?.name ?? `#${p.personId}`}</td><td>${w?.unit ?? ''}</td><td>${KIND_NAMES[p.kind] ?? p.kind}</td><td>${p.title}</td>${decisionCells(p, o.timezone, o.date)}</tr>`;
  })}</tbody></table></div>`}</section>`;
}
