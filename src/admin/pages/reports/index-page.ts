/**
 * 报表 (/admin/reports?year=): the leader digest of the signed-in person (a page here and the signed H5 page the
 * card links to), 年中查账 / 年底交账 for a year (summary page here, the signed H5 report page, Excel), and the 台账
 * Excel. Everything is limited to the user's scope: admins every branch, leaders their 分管范围.
 */
import type { Context } from 'koa';
import { localDate } from '../../../domain/calendar.js';
import { REPORT_KIND_LABELS, reportTitle, YEAR_REPORT_KINDS, type YearReportKind } from '../../../domain/reports/period.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, type ConsoleUser } from '../../console-user.js';
import { renderAdmin } from '../../layout.js';
import { scopeBranches, thisYear, yearChoices, yearOf } from './scope.js';

const KIND_HINTS: Record<YearReportKind, string> = {
  midyear: '1 月 1 日至 6 月 30 日：各党支部、各五型维度的计划任务、完成、逾期，组织生活按期情况，互观互检结果。',
  yearend: '全年：同一组数字，统计到 12 月 31 日（当年统计到今天）。',
};

type Branch = { id: number; name: string; active: boolean };

export async function reportsIndexPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const year = yearOf(ctx, deps);
  const today = localDate(deps.clock.now(), deps.config.timezone);
  const branches = await scopeBranches(deps.database.db, user);
  const scopeText = user.visible === 'all' ? '全机关所有党支部' : `您分管的 ${branches.filter((b) => b.active).length} 个党支部`;
  renderAdmin(ctx, {
    title: '报表',
    active: 'reports',
    body: html`<section class="panel" aria-labelledby="digest-title"><h2 id="digest-title">今日简报</h2>
<p>每个工作日推送给领导的简报：逾期、即将到期、未按期登记的组织生活、互观互检进度和各支部本月完成情况。范围：${scopeText}。</p>
<div class="actions"><a class="btn primary" href="/admin/reports/digest">查看今日简报</a><a class="btn" href="${deps.links.digest(user.person.id, today)}" target="_blank" rel="noopener">手机页面（图表与明细）</a></div></section>
<form class="panel row" method="get" action="/admin/reports"><div class="field" style="margin:0"><label for="r-year">年度</label>
<select id="r-year" name="year">${yearChoices(thisYear(deps), year).map((y) => html`<option value="${y}"${y === year ? html` selected` : ''}>${y} 年</option>`)}</select></div>
<div class="actions" style="align-self:flex-end"><button type="submit" class="btn">切换年度</button></div>
<p class="muted small" style="flex-basis:100%;margin:0">下列报表的范围：${scopeText}。</p></form>
<div class="side-by-side" style="margin-bottom:14px">${YEAR_REPORT_KINDS.map((k) => yearReportPanel(deps, user, k, year, branches))}</div>
${ledgerPanel(user, year, branches)}`,
  });
}

function branchSelect(id: string, branches: Branch[], user: ConsoleUser): Raw {
  return html`<div class="field"><label for="${id}">范围</label><select id="${id}" name="unit"><option value="">${user.visible === 'all' ? '全部党支部' : '我分管的全部党支部'}</option>${branches.map((b) => html`<option value="${b.id}">${b.name}${b.active ? '' : '（已撤销）'}</option>`)}</select></div>`;
}

function yearReportPanel(deps: AppDeps, user: ConsoleUser, kind: YearReportKind, year: number, branches: Branch[]): Raw {
  return html`<section class="panel" style="margin-bottom:0" aria-labelledby="${kind}-title"><h2 id="${kind}-title">${reportTitle(kind, year)}</h2>
<p class="muted small">${KIND_HINTS[kind]}</p>
<div class="actions"><a class="btn primary" href="/admin/reports/year/${kind}?year=${year}">查看汇总</a><a class="btn" href="${deps.links.yearReport(user.person.id, kind, year)}" target="_blank" rel="noopener">手机页面</a></div>
<form method="get" action="/admin/reports/year/${kind}/download" style="margin-top:12px"><input type="hidden" name="year" value="${year}">
${branchSelect(`${kind}-unit`, branches, user)}<div class="actions"><button type="submit" class="btn">下载${REPORT_KIND_LABELS[kind]} Excel</button></div></form></section>`;
}

function ledgerPanel(user: ConsoleUser, year: number, branches: Branch[]): Raw {
  return html`<section class="panel" aria-labelledby="ledger-title"><h2 id="ledger-title">${reportTitle('ledger', year)}</h2>
<p>检查考核要的整套记录：当年全部完成与撤销记录、会议记录、互观互检评分表、延期申请，以及审计日志哈希链头（导出后可用 <code>report audit --head 链头</code> 核验记录未被改动）。</p>
<p class="notice warn small">数据量大时需要几十秒，请耐心等待下载开始，不要重复点击。</p>
<form method="get" action="/admin/reports/ledger/download"><input type="hidden" name="year" value="${year}">
${branchSelect('ledger-unit', branches, user)}<div class="actions"><button type="submit" class="btn primary">下载台账 Excel</button></div></form>
<p class="muted small">${user.visible === 'all' ? '管理员导出全机关的台账，也可只导出一个党支部。' : '领导导出的台账只含分管范围内党支部的记录（审计日志链头为全机关的）。'}</p></section>`;
}
