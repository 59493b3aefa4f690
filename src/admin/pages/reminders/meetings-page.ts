/**
 * 组织生活 (/admin/reminders/meetings): the meetings whose last finished period passed without a record
 * (overdueCadences, the digest's list), this year's recorded meetings, and — admins — recording a meeting as held
 * (recordMeeting, like POST /api/v1/branches/:id/meetings: it also cancels that meeting's reminders still waiting).
 * Leaders see their branches only.
 */
import type { Context } from 'koa';
import { meetingsBetween, overdueCadences, recordMeeting } from '../../../db/repositories/reminders-store.js';
import { isIsoDate, localDate } from '../../../domain/calendar.js';
import { MEETING_KINDS, MEETING_NAMES, meetingKindOf, type MeetingKind } from '../../../domain/reminders/settings.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, postedForm, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, emptyState, redirectWithFlash, renderAdmin } from '../../layout.js';
import { describedBy, fieldError, positiveInt, REMINDER_STYLES, remindersTabs, visibleBranches, type BranchOption } from './shared.js';

const RECENT_LIMIT = 50;

interface MeetingForm {
  branch: string;
  kind: string;
  heldOn: string;
  minutesUrl: string;
}

interface FormState {
  values: MeetingForm;
  errors: Map<keyof MeetingForm, string>;
}

export async function meetingsPage(ctx: Context, deps: AppDeps, state?: FormState): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const today = localDate(deps.clock.now(), deps.config.timezone);
  const branches = await visibleBranches(db, user);
  const ids = branches.map((b) => b.id);
  const names = new Map(branches.map((b) => [b.id, b.name]));
  const overdue = await overdueCadences(db, ids, today);
  const recent = ids.length ? (await meetingsBetween(db, `${today.slice(0, 4)}-01-01`, today, ids)).reverse() : [];
  // Pre-filled from an overdue line's 登记 button (a GET form, so nothing happens until the POST below).
  const prefill: MeetingForm = state?.values ?? {
    branch: typeof ctx.query.branch === 'string' ? ctx.query.branch : '',
    kind: typeof ctx.query.kind === 'string' ? ctx.query.kind : '',
    heldOn: today,
    minutesUrl: '',
  };
  if (state) ctx.status = 400;
  renderAdmin(ctx, {
    title: '提醒',
    active: 'reminders',
    notice: state ? { kind: 'error', text: `有 ${state.errors.size} 处需要修改，会议未登记。` } : undefined,
    body: html`${REMINDER_STYLES}${remindersTabs(user, 'meetings')}
<section class="panel" aria-labelledby="overdue-title"><h2 id="overdue-title">未按期登记的组织生活</h2>
<p class="muted small">按各支部的会议周期（见“提醒设置”），上一个周期已结束却没有召开记录的会议。统计到 ${today}。书记也可以在企业微信/钉钉里回复“支委会已开”登记。</p>
${overdue.length === 0
    ? emptyState(ids.length ? '各支部的组织生活都已按期登记。' : '您的查看范围内没有党支部。')
    : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">党支部</th><th scope="col">会议</th><th scope="col">未登记的周期</th>${user.canWrite ? html`<th scope="col"><span class="muted small">操作</span></th>` : ''}</tr></thead><tbody>
${overdue.map((o) => html`<tr><td>${o.unitName}</td><td>${o.meeting}</td><td><span title="${o.period.start} 至 ${o.period.end}">${periodLabel(o.period.key)}</span></td>${user.canWrite ? html`<td>${prefillButton(o.unitId, o.kind)}</td>` : ''}</tr>`)}
</tbody></table></div>`}</section>
${user.canWrite ? recordForm(user, branches, prefill, state?.errors ?? new Map(), today) : ''}
<section class="panel" aria-labelledby="recent-title"><h2 id="recent-title">今年已登记的会议</h2>
${recent.length === 0
    ? html`<p class="muted">今年还没有登记过会议。</p>`
    : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">召开日期</th><th scope="col">党支部</th><th scope="col">会议</th><th scope="col">会议记录</th></tr></thead><tbody>
${recent.slice(0, RECENT_LIMIT).map((m) => html`<tr><td>${m.heldOn}</td><td>${names.get(m.unitId) ?? ''}</td><td>${MEETING_NAMES[m.kind] ?? m.kind}</td><td>${minutesLink(m.minutesUrl)}</td></tr>`)}
</tbody></table></div>${recent.length > RECENT_LIMIT ? html`<p class="muted small">只列出最近 ${RECENT_LIMIT} 次，共 ${recent.length} 次。</p>` : ''}`}</section>`,
  });
}

function prefillButton(unitId: number, kind: MeetingKind): Raw {
  return html`<form method="get" action="/admin/reminders/meetings#record" style="margin:0"><input type="hidden" name="branch" value="${unitId}"><input type="hidden" name="kind" value="${kind}"><button type="submit" class="btn" style="white-space:nowrap">登记</button></form>`;
}

/** "2026-10" → "2026-10"; "2026-Q3" → "2026年第3季度"; "2025" → "2025年". */
function periodLabel(key: string): string {
  const q = /^(\d{4})-Q(\d)$/.exec(key);
  if (q) return `${q[1]}年第${q[2]}季度`;
  return /^\d{4}$/.test(key) ? `${key}年` : key;
}

function recordForm(user: ConsoleUser, branches: BranchOption[], v: MeetingForm, errors: Map<keyof MeetingForm, string>, today: string): Raw {
  const err = (k: keyof MeetingForm): Raw => describedBy(`m-${k}-hint`, `m-${k}-error`, errors.has(k));
  return html`<section class="panel" id="record" aria-labelledby="record-title"><h2 id="record-title">登记会议已召开</h2>
<form method="post" action="/admin/reminders/meetings" novalidate>${csrfField(user)}<div class="fields">
<div class="field"><label for="m-branch">党支部</label><select id="m-branch" name="branch" required${err('branch')}><option value="">请选择</option>${branches.map((b) => html`<option value="${b.id}"${String(b.id) === v.branch ? html` selected` : ''}>${b.name}</option>`)}</select>
${fieldError('m-branch-error', errors.get('branch'))}<div class="hint" id="m-branch-hint">召开会议的党支部。</div></div>
<div class="field"><label for="m-kind">会议</label><select id="m-kind" name="kind" required${err('kind')}><option value="">请选择</option>${MEETING_KINDS.map((k) => html`<option value="${k}"${k === v.kind ? html` selected` : ''}>${MEETING_NAMES[k]}</option>`)}</select>
${fieldError('m-kind-error', errors.get('kind'))}<div class="hint" id="m-kind-hint">三会一课、主题党日、组织生活会或民主评议党员。</div></div>
<div class="field"><label for="m-heldOn">召开日期</label><input id="m-heldOn" name="heldOn" type="date" max="${today}" required value="${v.heldOn}"${err('heldOn')}>
${fieldError('m-heldOn-error', errors.get('heldOn'))}<div class="hint" id="m-heldOn-hint">不能晚于今天（${today}）。</div></div>
<div class="field"><label for="m-minutesUrl">会议记录链接（可不填）</label><input id="m-minutesUrl" name="minutesUrl" type="url" maxlength="2000" placeholder="https://" value="${v.minutesUrl}"${err('minutesUrl')}>
${fieldError('m-minutesUrl-error', errors.get('minutesUrl'))}<div class="hint" id="m-minutesUrl-hint">如会议纪要在内网文档中的地址。</div></div>
</div><div class="actions"><button type="submit" class="btn primary">登记</button></div>
<p class="muted small">登记后，该会议本周期的提醒（含尚未发出的）不再发送。登记记入审计日志。</p></form></section>`;
}

/** POST /admin/reminders/meetings: admins only; every field checked, nothing written on any error. */
export async function recordMeetingAction(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const form = postedForm(ctx);
  const db = deps.database.db;
  const today = localDate(deps.clock.now(), deps.config.timezone);
  const values: MeetingForm = { branch: form.get('branch'), kind: form.get('kind'), heldOn: form.get('heldOn'), minutesUrl: form.get('minutesUrl') };
  const errors = new Map<keyof MeetingForm, string>();
  const branches = await visibleBranches(db, user);
  const branchId = positiveInt(values.branch);
  const branch = branches.find((b) => b.id === branchId);
  if (!branch) errors.set('branch', values.branch ? '该党支部不存在、已撤销或不在您的范围内。' : '请选择党支部。');
  const kind = meetingKindOf(values.kind);
  if (!kind) errors.set('kind', values.kind ? `未知的会议类型“${values.kind}”。` : '请选择会议。');
  if (!isIsoDate(values.heldOn)) errors.set('heldOn', '请填写召开日期（年-月-日）。');
  else if (values.heldOn > today) errors.set('heldOn', '召开日期不能晚于今天。');
  if (values.minutesUrl && !isWebUrl(values.minutesUrl)) errors.set('minutesUrl', '会议记录链接须为 http:// 或 https:// 开头的网址。');
  if (errors.size > 0 || !branch || !kind) return meetingsPage(ctx, deps, { values, errors });
  const now = deps.clock.now();
  const res = await db.transaction((tx) =>
    recordMeeting(tx, { unitId: branch.id, kind, heldOn: values.heldOn, minutesUrl: values.minutesUrl || null, recordedBy: user.person.id, via: 'admin', sourceEventId: null, at: now }));
  redirectWithFlash(ctx, '/admin/reminders/meetings', `已登记：${branch.name} ${MEETING_NAMES[kind]} ${values.heldOn}${res.cancelled ? `，已取消尚未发出的提醒 ${res.cancelled} 条` : ''}。`);
}

/** Only web links become links (a stored value from elsewhere could be any scheme). */
function minutesLink(url: string | null): Raw {
  if (!url) return html`<span class="muted">—</span>`;
  return isWebUrl(url) ? html`<a href="${url}" rel="noopener noreferrer" target="_blank">查看</a>` : html`<span class="small">${url}</span>`;
}

function isWebUrl(s: string): boolean {
  if (s.length > 2000) return false;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
