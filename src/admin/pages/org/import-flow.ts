/**
 * The two steps shared by 导入 (a file) and 同步 (the address book): the preview (a dry run, nothing written) with
 * its confirmation token, and the confirmation (same dry run again, same digest → apply).
 */
import type { Context } from 'koa';
import { applyDirectory } from '../../../cli/commands/sync-org.js';
import type { OrgImportReport } from '../../../domain/org/types.js';
import { AppError, ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { importOrgFromRows } from '../../../importers/import-org-file.js';
import { actorOf, consoleUser, postedForm, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, renderAdmin } from '../../layout.js';
import { problemsOf, problemsTable, reportBody, reportSummary, type RowProblem } from './import-report.js';
import { ORG_STYLES, orgTabs } from './org-shared.js';
import { decodePending, encodePending, reportDigest, type PendingImport } from './pending-import.js';

/** Runs the pending import: a dry run (writes nothing) or for real; the repository audits every change. */
export async function runPending(deps: AppDeps, user: ConsoleUser, pending: PendingImport, dryRun: boolean): Promise<OrgImportReport> {
  const common = { dryRun, actor: actorOf(user), clock: deps.clock };
  if (pending.kind === 'file') {
    return importOrgFromRows(deps.database, { headers: pending.headers, rows: pending.rows }, { ...common, deactivateMissing: pending.deactivateMissing });
  }
  return (await applyDirectory(deps.database, pending.directory, common)).report;
}

/** The dry run, or the row problems that stop it (any problem: nothing can be saved). */
export async function dryRun(deps: AppDeps, user: ConsoleUser, pending: PendingImport): Promise<{ report: OrgImportReport } | { problems: RowProblem[] }> {
  try {
    return { report: await runPending(deps, user, pending, true) };
  } catch (e) {
    if (e instanceof ValidationError || (e instanceof AppError && e.status === 409)) return { problems: problemsOf(e) };
    throw e;
  }
}

const TAB = (p: PendingImport): 'import' | 'sync' => (p.kind === 'file' ? 'import' : 'sync');
const RETRY = (p: PendingImport): Raw =>
  p.kind === 'file' ? html`<a class="btn" href="/admin/org/import">重新上传文件</a>` : html`<a class="btn" href="/admin/org/sync">返回同步页面</a>`;

export interface PreviewOptions {
  title: string;
  /** What was read: the file's name, size and digest, or the address book's figures. */
  source: Raw;
  pending: PendingImport;
  outcome: { report: OrgImportReport } | { problems: RowProblem[] };
  /** A line above the preview (e.g. "组织在预览后有改动"). */
  notice?: { kind: 'ok' | 'warn' | 'error'; text: string };
}

/** The preview page: errors (nothing can be saved), "nothing to change", or the changes with 确认导入. */
export function renderPreview(ctx: Context, deps: AppDeps, opts: PreviewOptions): void {
  const user = consoleUser(ctx);
  const head = html`${ORG_STYLES}${orgTabs(TAB(opts.pending), user)}<div class="panel"><h2>读取的内容</h2>${opts.source}</div>`;
  let body: Raw;
  let notice = opts.notice;
  if ('problems' in opts.outcome) {
    const n = opts.outcome.problems.length;
    notice = { kind: 'error', text: `发现 ${n} 处错误，没有保存任何内容。整份${opts.pending.kind === 'file' ? '文件' : '数据'}无误才能导入：请改正后重新${opts.pending.kind === 'file' ? '上传' : '预览'}。` };
    body = html`<div class="panel"><h2>错误（${n} 处）</h2>${problemsTable(opts.outcome.problems)}<div class="actions">${RETRY(opts.pending)}</div></div>`;
  } else if (opts.outcome.report.unchanged) {
    notice ??= { kind: 'ok', text: '与现有组织一致，没有需要改动的内容，无需导入。' };
    body = html`<div class="panel"><p>${reportSummary(opts.outcome.report, false)}</p>${reportBody(opts.outcome.report)}<div class="actions">${RETRY(opts.pending)}<a class="btn" href="/admin/org">返回组织架构</a></div></div>`;
  } else {
    const report = opts.outcome.report;
    const token = encodePending(deps.appSecret, { sessionId: user.sessionId, now: deps.clock.now(), digest: reportDigest(report), pending: opts.pending });
    // A sync (or a file with 停用文件中没有的人员) can deactivate the admin doing it: say so before it happens.
    const self = report.changes.some((c) => c.startsWith(`停用人员：${user.person.name}（`));
    notice ??= self
      ? { kind: 'error', text: `注意：您本人（${user.person.name}）也将被停用，确认后将无法再使用管理后台。以下是预览，尚未保存。` }
      : { kind: 'warn', text: '以下是预览，尚未保存。核对无误后点“确认导入”。' };
    body = html`<div class="panel"><h2>将要做的改动</h2><p><strong>${reportSummary(report, false)}</strong></p>${reportBody(report)}
<form method="post" action="/admin/org/${TAB(opts.pending)}/confirm">${csrfField(user)}<input type="hidden" name="token" value="${token}">
<div class="actions"><button type="submit" class="btn primary">确认导入</button>${RETRY(opts.pending)}</div>
<p class="small muted">确认后按上面所列写入（30 分钟内有效）；每项改动记入审计日志。</p></form></div>`;
  }
  renderAdmin(ctx, { title: opts.title, active: 'org', body: html`${head}${body}`, ...(notice ? { notice } : {}) });
}

/**
 * POST …/confirm: the token's rows (never anything the browser sends besides the signed token) → the dry run
 * again → same digest as the preview → apply and show what was done. A different digest shows the new preview.
 */
export async function confirmHandler(ctx: Context, deps: AppDeps, kind: PendingImport['kind'], sourceOf: (p: PendingImport) => Raw): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const { digest, pending } = decodePending(deps.appSecret, postedForm(ctx).get('token'), user.sessionId, deps.clock.now());
  if (pending.kind !== kind) throw new ValidationError('确认的内容与页面不符，本次没有保存任何内容。');
  const title = kind === 'file' ? '导入组织' : '从企业微信/钉钉同步';
  const again = await dryRun(deps, user, pending);
  if (!('report' in again) || reportDigest(again.report) !== digest) {
    const unchanged = 'report' in again && again.report.unchanged;
    renderPreview(ctx, deps, {
      title, source: sourceOf(pending), pending, outcome: again,
      notice: unchanged
        ? { kind: 'ok', text: '这些改动已在组织中（可能刚刚已导入），没有需要改动的内容。' }
        : { kind: 'warn', text: '组织在预览之后有改动（例如其他管理员的修改），以下是按当前组织重新计算的预览，尚未保存。请核对后再次确认。' },
    });
    return;
  }
  const report = await runPending(deps, user, pending, false);
  renderAdmin(ctx, {
    title: kind === 'file' ? '导入完成' : '同步完成',
    active: 'org',
    notice: { kind: 'ok', text: reportSummary(report, true) },
    body: html`${ORG_STYLES}${orgTabs(TAB(pending), user)}<div class="panel"><h2>已完成的改动</h2>${reportBody(report)}
<div class="actions"><a class="btn primary" href="/admin/org">查看组织架构</a><a class="btn" href="/admin/org/people">查看人员</a></div></div>`,
  });
}
