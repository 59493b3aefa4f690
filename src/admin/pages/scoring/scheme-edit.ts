import type { Context } from 'koa';
import { schemeFromRows } from '../../../domain/scoring/scheme-rows.js';
import type { SchemeProblem } from '../../../domain/scoring/types.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { storeScheme } from '../../../importers/read-scheme-file.js';
import { actorOf, consoleUser, postedForm, requireWrite, type ConsoleUser } from '../../console-user.js';
import type { FormData } from '../../forms.js';
import { csrfField, redirectWithFlash, renderAdmin } from '../../layout.js';
import { idOf, schemeRow, type SchemeRow } from './read.js';
import { COLUMNS, emptyRow, HEADERS, schemeToRows, toRawRows, type TemplateRow } from './scheme-table.js';
import { BASE, PAGE_STYLE } from './ui.js';

/**
 * "编辑" a scheme. Schemes are immutable (a round keeps the scheme it started with), so editing means: the scheme's
 * rows in a form (the import template's columns), checked by schemeFromRows exactly as an uploaded file, and
 * saved as a NEW scheme with storeScheme. The page says so. With any problem nothing is saved and the form comes
 * back with what was typed and every problem by row (第N行 = the row number shown in the form).
 */

const EXTRA_ROWS = 5;
const MAX_ROWS = 300;

function editForm(user: ConsoleUser, base: SchemeRow, name: string, rows: readonly TemplateRow[], problems: readonly SchemeProblem[]): Raw {
  const cell = (c: (typeof COLUMNS)[number], row: TemplateRow, i: number): Raw => {
    const id = `r${i + 1}-${c}`;
    const label = html`<label class="skip" for="${id}">第${i + 1}行 ${HEADERS[COLUMNS.indexOf(c)]}</label>`;
    if (c === 'kind') {
      return html`${label}<select id="${id}" name="kind">${['加分', '扣分'].map((k) => html`<option${row.kind === k ? html` selected` : ''}>${k}</option>`)}</select>`;
    }
    if (c === 'required') {
      return html`${label}<select id="${id}" name="required">${['否', '是'].map((k) => html`<option${row.required === k ? html` selected` : ''}>${k}</option>`)}</select>`;
    }
    const cls = c === 'item' || c === 'category' ? 'wide' : c === 'description' ? 'desc' : '';
    return html`${label}<input id="${id}" name="${c}" value="${row[c]}" class="${cls}"${c === 'categoryMax' || c === 'deductionCap' || c === 'bonusCap' || c === 'max' ? html` inputmode="decimal"` : ''}>`;
  };
  return html`${problems.length ? html`<div class="notice error" role="alert" id="edit-errors"><strong>有 ${problems.length} 处问题，没有保存。</strong>请修改后再保存。<ul class="errors">${problems.map((p) => html`<li>${p.message}</li>`)}</ul></div>` : ''}
<div class="notice warn"><strong>保存为新版本，不会修改原方案。</strong>计分方案保存后不可修改：原方案 #${base.id} 和已经使用它的轮次保持不变；保存后生成一个新的方案编号，此后新发起的一轮默认使用最新保存的方案。</div>
<form method="post" action="${BASE}/schemes/${base.id}/edit" class="panel">${csrfField(user)}
<div class="field"><label for="scheme-name">方案名称</label><input id="scheme-name" name="name" maxlength="100" value="${name}" required></div>
<p class="muted small">每行一个评分项目；类别的满分、上限只需在该类别第一行填写，“类别”留空的行属于上一类别。清空一行的所有文字即删除该项目。</p>
<div class="table-wrap"><table class="data edit-table"><thead><tr><th scope="col">行</th>${HEADERS.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>
${rows.map((row, i) => html`<tr><th scope="row">${i + 1}</th>${COLUMNS.map((c) => html`<td>${cell(c, row, i)}</td>`)}</tr>`)}
</tbody></table></div>
<div class="actions"><button class="btn primary" type="submit" name="save" value="1">保存为新版本</button><button class="btn" type="submit" name="more" value="1">再加 ${EXTRA_ROWS} 行</button><a class="btn" href="${BASE}/schemes/${base.id}">取消</a></div>
</form>`;
}

function page(ctx: Context, base: SchemeRow, body: Raw): void {
  renderAdmin(ctx, { title: `编辑计分方案：${base.name}`, active: 'scoring', body: html`${PAGE_STYLE}<p><a href="${BASE}/schemes/${base.id}">← 返回方案 #${base.id}</a></p>${body}` });
}

export async function editPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const base = await schemeRow(deps.database.db, idOf(ctx.params.id, '计分方案'));
  const rows = [...schemeToRows(base.scheme), ...Array.from({ length: EXTRA_ROWS }, emptyRow)];
  page(ctx, base, editForm(user, base, base.name, rows, []));
}

/** The posted rows: every column is a repeated field, one value per form row, in order. */
function postedRows(form: FormData): TemplateRow[] {
  const n = Math.min(MAX_ROWS, Math.max(...COLUMNS.map((c) => form.all(c).length)));
  return Array.from({ length: n }, (_, i) => Object.fromEntries(COLUMNS.map((c) => [c, (form.all(c)[i] ?? '').trim()])) as TemplateRow);
}

export async function editSave(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const db = deps.database.db;
  const base = await schemeRow(db, idOf(ctx.params.id, '计分方案'));
  const form = postedForm(ctx);
  const rows = postedRows(form);
  const name = form.get('name');
  if (form.get('more')) {
    page(ctx, base, editForm(user, base, name, [...rows, ...Array.from({ length: EXTRA_ROWS }, emptyRow)], []));
    return;
  }
  const problems: SchemeProblem[] = name === '' ? [{ row: null, message: '方案名称不能为空' }] : [];
  const parsed = schemeFromRows(toRawRows(rows), { headers: HEADERS, name });
  if (!parsed.ok || problems.length) {
    ctx.status = 400;
    page(ctx, base, editForm(user, base, name, rows, [...problems, ...(parsed.ok ? [] : parsed.problems)]));
    return;
  }
  const saved = await storeScheme(db, parsed.scheme, { dryRun: false, actor: actorOf(user), at: deps.clock.now() });
  if (!saved.created) {
    redirectWithFlash(ctx, `${BASE}/schemes/${saved.id}`, saved.id === base.id ? '内容没有改动，未保存新版本。' : `内容与已有的计分方案 #${saved.id} 完全相同，未保存新版本。`, 'warn');
    return;
  }
  redirectWithFlash(ctx, `${BASE}/schemes/${saved.id}`, `已保存为新的计分方案 #${saved.id}（原方案 #${base.id} 不变，已开始的轮次仍使用原方案）。`);
}
