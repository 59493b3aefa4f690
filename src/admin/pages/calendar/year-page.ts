/**
 * 日历: a year's 法定节假日 and 调休上班 days as the bot uses them (reminders, the digest, deadlines), admins'
 * overrides marked, and (admins only) the form to set or clear an override for a date.
 */
import type { Context } from 'koa';
import { isIsoDate } from '../../../domain/calendar.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, type ConsoleUser } from '../../console-user.js';
import { csrfField, postButton, renderAdmin } from '../../layout.js';
import { defaultYear, MAX_YEAR, MIN_YEAR, yearData, type DayRow, type YearData } from './year-data.js';

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
/** Monday-first columns, as Chinese wall calendars. */
const COLUMNS = [1, 2, 3, 4, 5, 6, 0];

const KIND_TEXT: Record<DayRow['kind'], string> = { holiday: '放假', 'adjusted-work': '调休上班', rest: '休息', work: '上班' };

const STYLES = html`<style>
.months{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px}
.month h3{margin:0 0 4px;font-size:14px}table.cal{border-collapse:collapse;width:100%;font-size:13px;table-layout:fixed}
table.cal th{font-weight:normal;color:#666;padding:2px 0}table.cal td{text-align:center;padding:0;height:30px;border:1px solid #fff}
table.cal td a,table.cal td span{display:block;line-height:28px;color:inherit;text-decoration:none;border-radius:4px}
td.k-rest{color:#8a8f98}td.k-holiday a,td.k-holiday span{background:#fdecea;color:#b71c1c;font-weight:600}
td.k-adjusted-work a,td.k-adjusted-work span{background:#fff4e5;color:#7a4b00;font-weight:600}
td.ov a,td.ov span{outline:2px solid #1255a5;outline-offset:-2px}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;font-size:13px;margin:0 0 10px;padding:0;list-style:none}.legend span.sw{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;margin-right:4px}
.sw.h{background:#fdecea;border:1px solid #f3b1ab}.sw.a{background:#fff4e5;border:1px solid #f1cf8c}.sw.o{outline:2px solid #1255a5;outline-offset:-2px;background:#fff}
.years{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}.years .field{margin-bottom:0}
.choice{display:flex;flex-wrap:wrap;gap:4px 16px}.choice label{font-weight:normal}
</style>`;

function readYear(ctx: Context, deps: AppDeps): number {
  const q = typeof ctx.query.year === 'string' ? ctx.query.year : '';
  const y = Number(q);
  if (/^\d{4}$/.test(q) && y >= MIN_YEAR && y <= MAX_YEAR) return y;
  return defaultYear(deps.clock.now(), deps.config.timezone);
}

const dayLabel = (d: DayRow): string => `${Number(d.date.slice(5, 7))}月${Number(d.date.slice(8))}日 星期${WEEKDAYS[d.weekday]}：${KIND_TEXT[d.kind]}${d.name ? `（${d.name}）` : ''}${d.override ? '，管理员设置' : ''}`;

function monthGrid(data: YearData, month: number, user: ConsoleUser): Raw {
  const days = data.days.filter((d) => Number(d.date.slice(5, 7)) === month);
  const lead = COLUMNS.indexOf(days[0]!.weekday);
  const cells: (DayRow | null)[] = [...Array.from({ length: lead }, () => null), ...days];
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (DayRow | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return html`<div class="month"><h3 id="m${month}">${month} 月</h3><table class="cal" aria-labelledby="m${month}"><thead><tr>${COLUMNS.map((c) => html`<th scope="col" abbr="星期${WEEKDAYS[c]}">${WEEKDAYS[c]}</th>`)}</tr></thead><tbody>
${weeks.map((w) => html`<tr>${w.map((d) => {
    if (!d) return html`<td></td>`;
    const label = dayLabel(d);
    const inner = user.canWrite
      ? html`<a href="/admin/calendar?year=${data.year}&amp;date=${d.date}#override" title="${label}" aria-label="${label}">${Number(d.date.slice(8))}</a>`
      : html`<span title="${label}">${Number(d.date.slice(8))}</span>`;
    return html`<td class="k-${d.kind}${d.override ? ' ov' : ''}">${inner}</td>`;
  })}</tr>`)}</tbody></table></div>`;
}

function specialTable(data: YearData, user: ConsoleUser): Raw {
  const rows = data.days.filter((d) => d.special);
  if (rows.length === 0) {
    return html`<p class="muted">${data.known ? '这一年没有节假日或调休记录。' : `还没有 ${data.year} 年的节假日和调休安排。`}${user.canWrite ? '可在下方录入。' : ''}</p>`;
  }
  return html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">日期</th><th scope="col">星期</th><th scope="col">安排</th><th scope="col">名称 / 说明</th><th scope="col">依据</th>${user.canWrite ? html`<th scope="col">操作</th>` : ''}</tr></thead><tbody>
${rows.map((d) => html`<tr><td>${d.date}</td><td>${WEEKDAYS[d.weekday]}</td><td>${d.kind === 'holiday' ? html`<span class="badge bad">放假</span>` : d.kind === 'adjusted-work' ? html`<span class="badge warn">调休上班</span>` : d.workday ? html`<span class="badge">上班</span>` : html`<span class="badge">休息</span>`}</td>
<td>${d.name ?? ''}</td><td>${d.override ? html`<span class="badge ok">管理员设置</span>${d.base.workday !== d.workday ? html` <span class="small muted">（数据包：${d.base.workday ? '上班' : '休息'}）</span>` : ''}` : '节假日数据'}</td>
${user.canWrite ? html`<td>${d.override ? postButton(user, '/admin/calendar/overrides/clear', '清除设置', { fields: { date: d.date } }) : html`<a href="/admin/calendar?year=${data.year}&amp;date=${d.date}#override">修改</a>`}</td>` : ''}</tr>`)}
</tbody></table></div>`;
}

function overrideForm(user: ConsoleUser, data: YearData, date: string | null): Raw {
  const d = date ? data.days.find((x) => x.date === date) : undefined;
  const workday = d ? d.workday : false;
  return html`<div class="panel" id="override"><h2>设置某一天</h2>
<form method="post" action="/admin/calendar/overrides">${csrfField(user)}
<div class="field"><label for="ov-date">日期</label><input id="ov-date" name="date" type="date" required min="${data.year}-01-01" max="${data.year}-12-31" value="${date ?? ''}">${d ? html`<span class="hint">现为：${dayLabel(d)}</span>` : ''}</div>
<fieldset><legend>这一天</legend><div class="choice"><label><input type="radio" name="workday" value="1"${workday ? ' checked' : ''} required> 上班（工作日，如调休上班）</label><label><input type="radio" name="workday" value="0"${workday ? '' : ' checked'}> 放假（休息日）</label></div></fieldset>
<div class="field"><label for="ov-note">说明</label><input id="ov-note" name="note" maxlength="200" value="${d?.override?.note ?? ''}" placeholder="如：春节、春节调休上班"></div>
<div class="actions"><button type="submit" class="btn primary">保存</button>${d?.override ? html`<button type="submit" class="btn danger" formaction="/admin/calendar/overrides/clear">清除这一天的设置</button>` : ''}</div>
<p class="small muted">管理员的设置优先于节假日数据包：提醒、日报和截止日期都按它计算工作日。清除后这一天恢复按数据包（或周一至周五上班）计算。</p></form></div>`;
}

/** GET /calendar?year=YYYY&date=YYYY-MM-DD */
export async function yearPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const year = readYear(ctx, deps);
  const dateQ = typeof ctx.query.date === 'string' && isIsoDate(ctx.query.date) && ctx.query.date.startsWith(`${year}-`) ? ctx.query.date : null;
  const data = await yearData(deps.database.db, deps.config.timezone, year);
  const baseYear = defaultYear(deps.clock.now(), deps.config.timezone);
  const choices = [...new Set([baseYear - 2, baseYear - 1, baseYear, baseYear + 1, year])].filter((y) => y >= MIN_YEAR && y <= MAX_YEAR).sort((a, b) => a - b);
  const work = data.days.filter((d) => d.workday).length;
  const holidays = data.days.filter((d) => d.kind === 'holiday').length;
  const adjusted = data.days.filter((d) => d.kind === 'adjusted-work').length;
  const overrides = data.days.filter((d) => d.override).length;
  const body = html`${STYLES}
<form class="panel years" method="get" action="/admin/calendar">
${year > MIN_YEAR ? html`<a class="btn" href="/admin/calendar?year=${year - 1}" aria-label="上一年（${year - 1}）">‹ ${year - 1}</a>` : ''}
<div class="field"><label for="cal-year">年份</label><select id="cal-year" name="year">${choices.map((y) => html`<option value="${y}"${y === year ? ' selected' : ''}>${y} 年</option>`)}</select></div>
<button type="submit" class="btn">查看</button>
${year < MAX_YEAR ? html`<a class="btn" href="/admin/calendar?year=${year + 1}" aria-label="下一年（${year + 1}）">${year + 1} ›</a>` : ''}
</form>
${data.known
    ? html`<div class="notice ok" role="status">节假日数据包已包含 ${year} 年的法定节假日和调休安排。</div>`
    : html`<div class="notice warn" role="status"><strong>节假日数据包（chinese-days）尚未包含 ${year} 年的法定节假日安排。</strong>目前这一年只按周一至周五上班、周末休息计算。国务院公布 ${year} 年放假安排后（通常在上一年 10–12 月），请管理员在下方逐日录入放假日期和调休上班日期${overrides > 0 ? `（已录入 ${overrides} 天）` : ''}。</div>`}
<div class="panel"><h2>${year} 年概况</h2><p>工作日 <strong>${work}</strong> 天 · 法定节假日放假 <strong>${holidays}</strong> 天 · 调休上班 <strong>${adjusted}</strong> 天 · 管理员设置 <strong>${overrides}</strong> 天</p></div>
${user.canWrite ? overrideForm(user, data, dateQ) : ''}
<div class="panel"><h2>节假日与调休</h2>${specialTable(data, user)}</div>
<div class="panel"><h2>全年日历</h2><ul class="legend"><li><span class="sw h"></span>放假</li><li><span class="sw a"></span>调休上班</li><li><span class="sw o"></span>管理员设置</li><li>灰色：周末</li></ul>
${user.canWrite ? html`<p class="small muted">点击日期可设置这一天。</p>` : ''}<div class="months">${Array.from({ length: 12 }, (_, i) => monthGrid(data, i + 1, user))}</div></div>`;
  renderAdmin(ctx, { title: `日历 · ${year} 年`, active: 'calendar', body });
}
