import type { Context } from 'koa';
import { exampleScheme } from '../../../demo.js';
import { formatNumber } from '../../../domain/scoring/numbers.js';
import { schemeFromJson } from '../../../domain/scoring/scheme.js';
import type { Scheme, SchemeProblem } from '../../../domain/scoring/types.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { parseSchemeFile, SCHEME_FILE_EXTENSIONS, storeScheme } from '../../../importers/read-scheme-file.js';
import { actorOf, consoleUser, postedForm, requireWrite } from '../../console-user.js';
import { csrfField, redirectWithFlash, renderAdmin } from '../../layout.js';
import { schemeTable } from './scheme-page.js';
import { schemeCsv, schemeJson, schemeWorkbook } from './scheme-table.js';
import { BASE, PAGE_STYLE, sendFile, XLSX_TYPE } from './ui.js';

/**
 * Importing a 计分方案: upload (.xlsx/.csv/.json) → check with parseSchemeFile (the CLI's and the API's reader)
 * → a preview of the scheme, or every problem by row with nothing saved → 确认导入 stores it with storeScheme
 * (idempotent by content; audited as scoring.scheme.import by the admin). The previewed scheme travels in a
 * hidden field and is validated again on save, so what is stored is always a checked scheme.
 */

const TEMPLATE_NAME = '互观互检计分方案模板';

function importForm(user: ReturnType<typeof consoleUser>, opts: { problems?: readonly SchemeProblem[]; fileName?: string; name?: string } = {}): Raw {
  const problems = opts.problems ?? [];
  return html`${problems.length ? html`<div class="notice error" role="alert" id="import-errors"><strong>${opts.fileName ? `“${opts.fileName}”` : '计分方案'}有 ${problems.length} 处问题，没有保存任何内容。</strong>请修改后重新上传。
<ul class="errors">${problems.map((p) => html`<li>${p.message}</li>`)}</ul></div>` : ''}
<section class="panel"><h2>上传计分方案</h2>
<form method="post" action="${BASE}/schemes/import" enctype="multipart/form-data">${csrfField(user)}
<div class="field"><label for="scheme-file">计分方案文件（${SCHEME_FILE_EXTENSIONS.join('、')}）</label><input id="scheme-file" name="file" type="file" accept="${SCHEME_FILE_EXTENSIONS.join(',')}" required>
<span class="hint">Excel 取第一个工作表；CSV 可为 UTF-8 或 GBK。每行一个评分项目，类别的几列只需在该类别第一行填写。</span></div>
<div class="field"><label for="scheme-name">方案名称（可不填）</label><input id="scheme-name" name="name" maxlength="100" value="${opts.name ?? ''}">
<span class="hint">不填则依次取 JSON 的 name、表格的标题行、文件名。</span></div>
<div class="actions"><button class="btn primary" type="submit">检查并预览</button><a class="btn" href="${BASE}">取消</a></div></form></section>
<section class="panel"><h2>模板</h2><p>按模板填写（示例为“五型”5 类 16 项，总分 100）：</p>
<div class="actions"><a class="btn" href="${BASE}/schemes/template.xlsx">下载 Excel 模板</a><a class="btn" href="${BASE}/schemes/template.csv">下载 CSV 模板</a><a class="btn" href="${BASE}/schemes/template.json">下载 JSON 示例</a></div>
<div class="table-wrap"><table class="data"><thead><tr><th>列名</th><th>必填</th><th>说明</th></tr></thead><tbody>
<tr><td>类别</td><td>是</td><td>如“政治型”；全表不重复；留空的行属于上一类别</td></tr>
<tr><td>类别满分</td><td>否</td><td>留空则为加分项目分值合计；只有扣分项目的类别必填</td></tr>
<tr><td>扣分上限 / 加分上限</td><td>否</td><td>本类别扣分（加分）合计最多计多少分</td></tr>
<tr><td>编号</td><td>否</td><td>全表唯一；留空为“类别序号.项目序号”</td></tr>
<tr><td>项目</td><td>是</td><td>评分项目名称</td></tr>
<tr><td>类型</td><td>否</td><td>加分（默认）或 扣分</td></tr>
<tr><td>分值上限</td><td>是</td><td>加分项目最高得分 / 扣分项目最多扣分，大于 0</td></tr>
<tr><td>说明</td><td>否</td><td>评分标准</td></tr>
<tr><td>必评</td><td>否</td><td>是/否：必评项目须逐项打分</td></tr>
</tbody></table></div></section>`;
}

export function importPage(ctx: Context): void {
  const user = consoleUser(ctx);
  requireWrite(user);
  renderAdmin(ctx, { title: '导入计分方案', active: 'scoring', body: html`<p><a href="${BASE}">← 返回互观互检</a></p>${importForm(user)}` });
}

function renderProblems(ctx: Context, problems: readonly SchemeProblem[], fileName?: string, name?: string): void {
  const user = consoleUser(ctx);
  ctx.status = 400;
  renderAdmin(ctx, {
    title: '导入计分方案',
    active: 'scoring',
    body: html`<p><a href="${BASE}">← 返回互观互检</a></p>${importForm(user, { problems, ...(fileName ? { fileName } : {}), ...(name ? { name } : {}) })}`,
  });
}

/** POST /schemes/import: check the uploaded file; show every problem, or the scheme with 确认导入. Saves nothing. */
export async function importUpload(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const form = postedForm(ctx);
  const file = form.file('file');
  const name = form.get('name');
  if (!file || file.data.length === 0) {
    renderProblems(ctx, [{ row: null, message: file ? `文件“${file.filename}”是空的` : '请选择要上传的计分方案文件' }], undefined, name);
    return;
  }
  const fileName = file.filename.split(/[\\/]/).pop() || 'upload';
  const parsed = await parseSchemeFile(file.data, fileName, name ? { name } : {});
  if (!parsed.ok) {
    renderProblems(ctx, parsed.problems, fileName, name);
    return;
  }
  const scheme = parsed.scheme;
  const dry = await storeScheme(deps.database.db, scheme, { dryRun: true, actor: actorOf(user), at: deps.clock.now() });
  renderAdmin(ctx, {
    title: '确认导入计分方案',
    active: 'scoring',
    body: html`${PAGE_STYLE}<p><a href="${BASE}/schemes/import">← 重新选择文件</a></p>
<div class="notice ${dry.created ? 'ok' : 'warn'}" role="status" id="preview-status">${dry.created
      ? `“${fileName}”检查通过：《${scheme.name}》${summary(scheme)}。确认后保存为新的计分方案。`
      : html`与已导入的计分方案 <a href="${BASE}/schemes/${dry.id}">#${dry.id}</a> 内容完全相同，无需再导入。`}</div>
<section class="panel"><h2>《${scheme.name}》</h2>${schemeTable(scheme)}
${dry.created ? html`<form method="post" action="${BASE}/schemes/save">${csrfField(user)}<input type="hidden" name="scheme" value="${JSON.stringify(scheme)}">
<div class="actions"><button class="btn primary" type="submit">确认导入</button><a class="btn" href="${BASE}">取消</a></div></form>` : ''}</section>`,
  });
}

const summary = (s: Scheme): string => `${s.categories.length} 类 ${s.categories.reduce((n, c) => n + c.items.length, 0)} 项，总分 ${formatNumber(s.total)} 分`;

/** POST /schemes/save: the previewed scheme, validated again, stored (once per content). */
export async function importSave(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const parsed = schemeFromJson(postedForm(ctx).get('scheme'));
  if (!parsed.ok) {
    renderProblems(ctx, parsed.problems);
    return;
  }
  const saved = await storeScheme(deps.database.db, parsed.scheme, { dryRun: false, actor: actorOf(user), at: deps.clock.now() });
  redirectWithFlash(
    ctx,
    `${BASE}/schemes/${saved.id}`,
    saved.created ? `已导入计分方案 #${saved.id}《${parsed.scheme.name}》（${summary(parsed.scheme)}）。` : `与已导入的计分方案 #${saved.id} 相同，没有改动。`,
    saved.created ? 'ok' : 'warn',
  );
}

/** The template, made from the example scheme (examples/scoring-scheme-five-types.json), in each format. */
export async function templateDownload(ctx: Context, format: 'xlsx' | 'csv' | 'json'): Promise<void> {
  const scheme = exampleScheme();
  if (format === 'xlsx') sendFile(ctx, await schemeWorkbook(scheme), `${TEMPLATE_NAME}.xlsx`, 'scoring-scheme-template.xlsx', XLSX_TYPE);
  else if (format === 'csv') sendFile(ctx, schemeCsv(scheme), `${TEMPLATE_NAME}.csv`, 'scoring-scheme-template.csv', 'text/csv; charset=utf-8');
  else sendFile(ctx, schemeJson(scheme), `${TEMPLATE_NAME}.json`, 'scoring-scheme-template.json', 'application/json; charset=utf-8');
}
