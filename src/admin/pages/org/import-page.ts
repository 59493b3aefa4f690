/**
 * 导入组织: upload a .xlsx/.csv → the dry run's preview (changes, or row errors and nothing saved) → 确认导入
 * applies exactly the previewed rows (see pending-import.ts). Same parser and import as the CLI's import-org and
 * POST /api/v1/org/import.
 */
import { extname } from 'node:path';
import type { Context } from 'koa';
import { listUnits } from '../../../db/repositories/org.js';
import { ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { parseTableFile } from '../../../importers/read-table-file.js';
import { consoleUser, postedForm, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, renderAdmin } from '../../layout.js';
import { confirmHandler, dryRun, renderPreview } from './import-flow.js';
import { problemsOf } from './import-report.js';
import { ORG_STYLES, orgTabs } from './org-shared.js';
import { fileDigest, type PendingImport } from './pending-import.js';

/** The columns, in the order of the template (README “组织导入”). */
export const TEMPLATE_HEADERS = ['姓名', '所在单位/支部', '党小组', '角色', '企业微信账号', '钉钉账号', '手机号', '分管范围'] as const;

const COLUMNS: [string, string, string][] = [
  ['姓名', '是', '中文姓名中的空格会去掉'],
  ['所在单位/支部', '是', '机关党委本身或其下的党支部（名称与系统中一致；新名称将新建党支部）'],
  ['党小组', '否', '建在该党支部下'],
  ['角色', '是', '多个用“、”分隔；空＝党员。可用：党员、支部书记、支部委员、管理员（党务干部）、领导（分管领导）'],
  ['企业微信账号', '与钉钉至少一列', '企业微信通讯录中的 UserID；全文件及系统内唯一'],
  ['钉钉账号', '与企业微信至少一列', '钉钉通讯录中的 userid'],
  ['手机号', '否', '11 位手机号'],
  ['分管范围', '否', '仅“领导”：分管的党支部，多个用“、”分隔；空＝整个机关党委'],
];

const ACCEPTED = ['.xlsx', '.csv'];

function uploadForm(user: ConsoleUser): Raw {
  return html`<form method="post" action="/admin/org/import" enctype="multipart/form-data">${csrfField(user)}
<div class="field"><label for="org-file">组织表文件（.xlsx 或 .csv）</label><input id="org-file" name="file" type="file" accept=".xlsx,.csv" required>
<span class="hint">第一行为表头；CSV 可为 UTF-8 或 Excel/WPS 默认保存的 GBK 编码。最大 10 MB。</span></div>
<div class="field"><label><input type="checkbox" name="deactivateMissing" value="1"> 停用文件中没有的在册人员（不删除，记录保留）</label>
<span class="hint">不勾选时，文件中没有的人员保持不变。</span></div>
<div class="actions"><button type="submit" class="btn primary">上传并预览</button></div>
<p class="small muted">上传后先显示将要做的改动（新增、更新、停用）和逐行错误；有任何错误时不会保存。确认无误后点“确认导入”才写入。</p></form>`;
}

/** GET /org/import */
export function importPage(ctx: Context): void {
  const user = consoleUser(ctx);
  requireWrite(user);
  renderAdmin(ctx, {
    title: '导入组织',
    active: 'org',
    body: html`${ORG_STYLES}${orgTabs('import', user)}<div class="side-by-side"><div class="panel"><h2>上传组织表</h2>${uploadForm(user)}</div>
<div class="panel"><h2>模板</h2><p>按模板填写：每人一行。同一文件重复导入不会重复新增；已有人员按企业微信账号、钉钉账号、同支部姓名识别并更新。</p>
<div class="actions"><a class="btn" href="/admin/org/import/template.csv" download>下载模板（CSV）</a><a class="btn" href="/admin/org/import/example.csv" download>下载示例（CSV）</a></div></div></div>
<div class="panel"><h2>列说明</h2><div class="table-wrap"><table class="data"><thead><tr><th scope="col">列名</th><th scope="col">必填</th><th scope="col">说明</th></tr></thead><tbody>
${COLUMNS.map(([c, req, note]) => html`<tr><td>${c}</td><td>${req}</td><td>${note}</td></tr>`)}</tbody></table></div></div>`,
  });
}

const csvCell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvFile = (rows: readonly (readonly string[])[]): string => `\ufeff${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;

function sendCsv(ctx: Context, name: string, body: string): void {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('Content-Disposition', `attachment; filename="${encodeURIComponent(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

/** GET /org/import/template.csv — the header row only (UTF-8 with BOM, so Excel shows the Chinese headers). */
export function templateCsv(ctx: Context): void {
  consoleUser(ctx);
  sendCsv(ctx, '组织导入模板.csv', csvFile([TEMPLATE_HEADERS]));
}

/** GET /org/import/example.csv — the template with a few rows, using this agency's 机关党委 name. */
export async function exampleCsv(ctx: Context, deps: AppDeps): Promise<void> {
  consoleUser(ctx);
  const committee = (await listUnits(deps.database.db)).find((u) => u.kind === 'committee')?.name ?? '某某机关党委';
  sendCsv(ctx, '组织导入示例.csv', csvFile([
    TEMPLATE_HEADERS,
    ['张明', committee, '', '党员、领导', 'zhangming', 'dt_zhangming', '13800000001', '第一党支部（办公室）'],
    ['李华', committee, '', '党员、党务干部', 'lihua', 'dt_lihua', '13800000002', ''],
    ['王芳', '第一党支部（办公室）', '', '党员、支部书记', 'wangfang', 'dt_wangfang', '', ''],
    ['赵强', '第一党支部（办公室）', '第一党小组', '党员、支部委员', 'zhaoqiang', 'dt_zhaoqiang', '', ''],
    ['刘洋', '第一党支部（办公室）', '第一党小组', '党员', 'liuyang', '', '', ''],
  ]));
}

export function fileSource(p: PendingImport): Raw {
  if (p.kind !== 'file') return html``;
  return html`<p>文件：<strong>${p.fileName}</strong> · 数据 ${p.rows.length} 行${p.deactivateMissing ? ' · 停用文件中没有的人员' : ''}</p><p class="small muted">SHA-256：<code>${p.sha256.slice(0, 16)}…</code></p>`;
}

/** POST /org/import — step 1: read the file, dry run, preview. */
export async function importPreviewHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const form = postedForm(ctx);
  const file = form.file('file');
  const deactivateMissing = form.get('deactivateMissing') === '1';
  let pending: PendingImport;
  try {
    if (!file || file.data.length === 0) throw new ValidationError('请选择要导入的组织表文件（.xlsx 或 .csv）。');
    const ext = extname(file.filename).toLowerCase();
    if (!ACCEPTED.includes(ext)) throw new ValidationError(`不支持的文件类型“${ext || file.filename}”：请上传 .xlsx 或 .csv 文件（旧版 .xls 请在 Excel/WPS 中另存为 .xlsx）。`);
    const table = await parseTableFile(file.data, file.filename);
    pending = { kind: 'file', fileName: file.filename, sha256: fileDigest(file.data), deactivateMissing, headers: table.headers, rows: table.rows };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    // The file could not be read at all: say why, with the form to try again (nothing was saved).
    ctx.status = 400;
    renderAdmin(ctx, {
      title: '导入组织', active: 'org', notice: { kind: 'error', text: `无法读取文件，没有保存任何内容：${e.message}` },
      body: html`${ORG_STYLES}${orgTabs('import', user)}${problemsOf(e).length > 1 ? html`<div class="panel"><ul class="errors">${problemsOf(e).map((p) => html`<li>${p.row ? `第 ${p.row} 行：` : ''}${p.message}</li>`)}</ul></div>` : ''}<div class="panel">${uploadForm(user)}</div>`,
    });
    return;
  }
  renderPreview(ctx, deps, { title: '导入预览', source: fileSource(pending), pending, outcome: await dryRun(deps, user, pending) });
}

/** POST /org/import/confirm — step 2. */
export async function importConfirmHandler(ctx: Context, deps: AppDeps): Promise<void> {
  await confirmHandler(ctx, deps, 'file', fileSource);
}
