import type { Context } from 'koa';
import { setShowRanks } from '../../../db/repositories/scoring-admin.js';
import { scoringStore } from '../../../db/repositories/scoring-store.js';
import type { RoundView } from '../../../domain/scoring/ports.js';
import { ForbiddenError, NotFoundError } from '../../../errors.js';
import { loadRoundData } from '../../../exports/scoring-round-data.js';
import { exportRoundWorkbook, roundWorkbookFileName } from '../../../exports/scoring-round-xlsx.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { closeOne, publishOne, type ScoringDeadlineDeps } from '../../../jobs/scoring-deadlines.js';
import { actorOf, consoleUser, postedForm, requireWrite } from '../../console-user.js';
import { csrfField, redirectWithFlash, renderAdmin } from '../../layout.js';
import { idOf, seesRound, seesWholeRound } from './read.js';
import { BASE, sendFile, XLSX_TYPE } from './ui.js';

/**
 * The round's actions. Each button on the round page leads to a confirmation page (works without JavaScript)
 * whose form posts the action. Closing and publishing go through closeOne/publishOne — the path of the deadline
 * job and the CLI, which lock the round, compute or publish, record the audit entry with the admin as actor and
 * enqueue the cards under keys derived from the round, so a second click (or a race with the job) does nothing
 * twice. Names shown/hidden goes through setShowRanks (audited, refused once published).
 */

export type RoundAction = 'close' | 'publish' | 'ranks-on' | 'ranks-off';
const ACTIONS: readonly RoundAction[] = ['close', 'publish', 'ranks-on', 'ranks-off'];

const lifecycle = (deps: AppDeps): ScoringDeadlineDeps => ({ database: deps.database, links: deps.links, timezone: deps.config.timezone });

async function roundOr404(deps: AppDeps, id: number): Promise<RoundView> {
  const round = await scoringStore(deps.database.db).round(id);
  if (!round) throw new NotFoundError(`互观互检轮次 #${id} 不存在。`);
  return round;
}

/** Why an action does not apply to the round as it is now; null when it does. */
function notNow(round: RoundView, action: RoundAction): string | null {
  if (action === 'close') return round.status === 'open' ? null : `“${round.title}”已经结束评分，无需再结束。`;
  if (action === 'publish') {
    if (round.status === 'open') return `“${round.title}”还在评分中：请先结束评分，结果计算后再发布。`;
    return round.status === 'published' ? `“${round.title}”的结果已经发布，不会重复发布。` : null;
  }
  if (round.status === 'published') return `“${round.title}”的结果已经发布，不能再改名次是否公开。`;
  return (action === 'ranks-on') === round.showRanks ? `“${round.title}”的名次已经是${round.showRanks ? '公开' : '不公开'}的。` : null;
}

export async function confirmPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idOf(ctx.params.id, '互观互检轮次');
  const action = ctx.params.action as RoundAction;
  if (!ACTIONS.includes(action)) throw new NotFoundError('没有这个操作。');
  const data = await loadRoundData(deps.database.db, id);
  const { round, progress } = data;
  const why = notNow(round, action);
  if (why) {
    redirectWithFlash(ctx, `${BASE}/rounds/${id}`, why, 'warn');
    return;
  }
  const owing = progress.byScorer.filter((s) => s.submitted < s.expected);
  let title: string;
  let body: Raw;
  let post: { path: string; label: string; fields?: Record<string, string> };
  if (action === 'close') {
    title = '确认结束评分';
    body = html`<p>结束“${round.title}”的评分？</p><ul>
<li>已提交评分表 <strong>${progress.submitted} / ${progress.expected}</strong> 份${progress.drafts ? `，另有草稿 ${progress.drafts} 份（草稿不计入结果）` : ''}。</li>
${owing.length ? html`<li>尚未交齐：${owing.map((s) => `${s.name}（差 ${s.expected - s.submitted} 份）`).join('、')}。</li>` : ''}
<li>结束后不能再提交评分表；结果立即按本轮计分规则计算，管理员私信收到“待发布”卡片（含发布前提示）。</li>
<li>结果不会自动公布，审核后在本页“发布结果”。</li></ul>`;
    post = { path: 'close', label: '确认结束评分' };
  } else if (action === 'publish') {
    const flags = data.results?.flags.length ?? 0;
    title = '确认发布结果';
    body = html`<p>发布“${round.title}”的结果？</p>${flags ? html`<div class="notice warn">本轮有 ${flags} 条发布前提示，请先在轮次页面查看。</div>` : ''}<ul>
<li>各支部书记私信收到本支部报告（星级、等次、总分和计算说明）。</li>
<li>群里收到结果卡片（星级和等次；名次${round.showRanks ? '公开' : '不公开'}）。企业微信群需有人在群里 @党建助手 发送“互观互检结果”。</li>
<li>发布后不能撤回，也不能再改名次是否公开。</li></ul>`;
    post = { path: 'publish', label: '确认发布结果' };
  } else {
    const show = action === 'ranks-on';
    title = show ? '确认公开名次' : '确认隐藏名次';
    body = html`<p>${show ? '公开' : '隐藏'}“${round.title}”的名次？</p><p class="muted">${show
      ? '默认只公布星级和等次。公开后，发布时结果卡片和各支部报告都显示名次。'
      : '隐藏后，发布时只公布星级和等次，不显示名次。'}</p>`;
    post = { path: 'ranks', label: title, fields: { show: show ? 'on' : 'off' } };
  }
  renderAdmin(ctx, {
    title,
    active: 'scoring',
    body: html`<section class="panel">${body}<form method="post" action="${BASE}/rounds/${id}/${post.path}">${csrfField(user)}${Object.entries(post.fields ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<div class="actions"><button class="btn primary" type="submit">${post.label}</button><a class="btn" href="${BASE}/rounds/${id}">取消</a></div></form></section>`,
  });
}

export async function closeAction(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idOf(ctx.params.id, '互观互检轮次');
  const round = await roundOr404(deps, id);
  const done = await closeOne(lifecycle(deps), id, deps.clock.now(), actorOf(user));
  if (!done) {
    redirectWithFlash(ctx, `${BASE}/rounds/${id}`, notNow(await roundOr404(deps, id), 'close') ?? `“${round.title}”已经结束评分，无需再结束。`, 'error');
    return;
  }
  redirectWithFlash(ctx, `${BASE}/rounds/${id}`, `已结束“${done.title}”：收到评分表 ${done.submitted}/${done.expected} 份，结果已计算，“待发布”卡片已私信发给管理员。请审核后发布。`);
}

export async function publishAction(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idOf(ctx.params.id, '互观互检轮次');
  await roundOr404(deps, id);
  const done = await publishOne(lifecycle(deps), id, deps.clock.now(), actorOf(user));
  if (!done) {
    redirectWithFlash(ctx, `${BASE}/rounds/${id}`, notNow(await roundOr404(deps, id), 'publish') ?? '该轮结果尚未计算，不能发布。', 'error');
    return;
  }
  const where = done.postedToChat ? '结果卡片已发到群里' : '请在群里 @党建助手 发送“互观互检结果”，把结果卡片发到群里';
  redirectWithFlash(ctx, `${BASE}/rounds/${id}`, `已发布“${done.title}”：${done.reports} 位支部书记收到本支部报告；${where}。`);
}

export async function ranksAction(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const id = idOf(ctx.params.id, '互观互检轮次');
  const flag = postedForm(ctx).get('show');
  if (flag !== 'on' && flag !== 'off') throw new NotFoundError('没有这个操作。');
  const show = flag === 'on';
  const db = deps.database.db;
  const res = await db.transaction((tx) => setShowRanks(tx, id, show, { actor: actorOf(user), at: deps.clock.now() }));
  if (res === 'not-found') throw new NotFoundError(`互观互检轮次 #${id} 不存在。`);
  if (res === 'published') {
    redirectWithFlash(ctx, `${BASE}/rounds/${id}`, '该轮结果已经发布，不能再改名次是否公开。', 'error');
    return;
  }
  redirectWithFlash(ctx, `${BASE}/rounds/${id}`, show ? '已设为公开名次：发布时结果卡片和报告显示名次。' : '已设为不公开名次：发布时只公布星级和等次。');
}

/** The round's workbook: admins, and leaders who see every branch of the round (without the 发布前提示) — as the admin API. */
export async function exportRound(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const id = idOf(ctx.params.id, '互观互检轮次');
  const round = await roundOr404(deps, id);
  if (!seesRound(user, round)) throw new ForbiddenError('该轮互观互检不涉及您分管的党支部。');
  if (!seesWholeRound(user, round)) throw new ForbiddenError('导出整轮评分需要能查看本轮全部参评支部（文件包含全部支部的评分）；您可以在本页查看分管支部的结果。');
  const bytes = await exportRoundWorkbook(deps.database.db, id, { timezone: deps.config.timezone, includeFlags: user.role === 'admin' });
  sendFile(ctx, bytes, roundWorkbookFileName(round.title), `scoring-round-${round.id}.xlsx`, XLSX_TYPE);
}
