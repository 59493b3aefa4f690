/**
 * 从企业微信/钉钉同步: read the configured platform's address book (the same source as `cli sync-org`), preview
 * what the shared sync step (applyDirectory) would change as a dry run, then 确认导入 applies the address book as
 * it was read for the preview. Offered only for a configured platform; in the demo (sandbox) it says so.
 */
import type { Context } from 'koa';
import { DIRECTORY_SOURCES, type DirectorySnapshot } from '../../../cli/commands/sync-org.js';
import { AppError, ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser, postedForm, requireWrite } from '../../console-user.js';
import { csrfField, renderAdmin } from '../../layout.js';
import { confirmHandler, dryRun, renderPreview } from './import-flow.js';
import { ORG_STYLES, orgTabs, PLATFORM_NAMES_CN } from './org-shared.js';
import type { PendingImport } from './pending-import.js';

type SyncPlatform = 'wecom' | 'dingtalk';

export const NOT_CONFIGURED = '未配置企业微信或钉钉，无法同步。';

function configuredPlatforms(deps: AppDeps): SyncPlatform[] {
  return [...(deps.config.wecom ? ['wecom' as const] : []), ...(deps.config.dingtalk ? ['dingtalk' as const] : [])];
}

/** GET /org/sync */
export function syncPage(ctx: Context, deps: AppDeps): void {
  const user = consoleUser(ctx);
  requireWrite(user);
  const platforms = configuredPlatforms(deps);
  const body = platforms.length === 0
    ? html`<div class="panel"><div class="notice warn" role="status">${NOT_CONFIGURED}</div>
<p>当前运行在演示（沙箱）模式，没有连接企业微信或钉钉。配置企业微信（WECOM_*）或钉钉（DINGTALK_*）后，这里可以读取通讯录并同步组织。</p>
<p>也可以<a href="/admin/org/import">上传组织表导入</a>。</p></div>`
    : html`<div class="panel"><h2>同步通讯录</h2>
<p>读取应用可见范围内的部门和成员：名称以“党支部”结尾的部门即为党支部，其下级部门的成员归入该支部；已登记人员保留角色和党小组，新成员为“党员”，通讯录中已没有的人员将被停用（不删除）。</p>
<p class="small muted">先预览，不写入；确认后才生效。部门与党支部的对照关系不符合上述命名规则时，请由运维人员使用命令行 <code>sync-org --mapping</code>。</p>
<div class="actions">${platforms.map((p) => html`<form method="post" action="/admin/org/sync" style="display:inline">${csrfField(user)}<input type="hidden" name="platform" value="${p}"><button type="submit" class="btn primary">预览从${PLATFORM_NAMES_CN[p]}同步</button></form>`)}</div></div>`;
  renderAdmin(ctx, { title: '从企业微信/钉钉同步', active: 'org', body: html`${ORG_STYLES}${orgTabs('sync', user)}${body}` });
}

export function directorySource(p: PendingImport): Raw {
  if (p.kind !== 'sync') return html``;
  const d: DirectorySnapshot = p.directory;
  return html`<p>${PLATFORM_NAMES_CN[p.platform]}通讯录：部门 ${d.units.length} 个，成员 ${d.members.length} 人。</p>${d.notes.length > 0 ? html`<ul class="small">${d.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}`;
}

/** POST /org/sync — read the address book and preview (dry run). */
export async function syncPreviewHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const platform = postedForm(ctx).get('platform');
  if (platform !== 'wecom' && platform !== 'dingtalk') throw new ValidationError('请选择企业微信或钉钉。');
  if (!configuredPlatforms(deps).includes(platform)) throw new ValidationError(NOT_CONFIGURED);
  let directory: DirectorySnapshot;
  try {
    directory = await (await DIRECTORY_SOURCES[platform]!())(deps.config);
  } catch (e) {
    deps.logger.warn({ err: e, platform }, 'admin console: reading the address book failed');
    const why = e instanceof AppError && e.expose ? e.message : e instanceof Error ? e.message : String(e);
    renderAdmin(ctx, {
      title: '从企业微信/钉钉同步', active: 'org', notice: { kind: 'error', text: `读取${PLATFORM_NAMES_CN[platform]}通讯录失败，没有做任何改动：${why}` },
      body: html`${ORG_STYLES}${orgTabs('sync', user)}<div class="panel"><p>请检查应用的通讯录权限和可见范围后重试。</p><div class="actions"><a class="btn" href="/admin/org/sync">返回</a></div></div>`,
    });
    return;
  }
  const pending: PendingImport = { kind: 'sync', platform, directory };
  renderPreview(ctx, deps, { title: '同步预览', source: directorySource(pending), pending, outcome: await dryRun(deps, user, pending) });
}

/** POST /org/sync/confirm */
export async function syncConfirmHandler(ctx: Context, deps: AppDeps): Promise<void> {
  await confirmHandler(ctx, deps, 'sync', directorySource);
}
