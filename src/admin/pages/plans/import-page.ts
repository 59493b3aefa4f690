/** 导入计划: the upload form, the side-by-side preview, and "确认保存" (which saves exactly what was previewed). */
import type { Context } from 'koa';
import type { DesiredItem } from '../../../db/repositories/plans-desired.js';
import { importPlan } from '../../../db/repositories/plans.js';
import { ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { actorOf, consoleUser, postedForm, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, redirectWithFlash, renderAdmin } from '../../layout.js';
import { buildPreview, emptyPreview, type ImportOptions, type PreviewModel } from './import-preview.js';
import { LEVEL_NAMES, listKindName } from './labels.js';
import { decodePreview, reportDigest } from './preview-token.js';
import { planStyles } from './styles.js';

const FORMAT_NAMES = { text: '文本文档', docx: 'Word 文档（.docx）', xlsx: 'Excel 计划模板（.xlsx）' } as const;

function uploadForm(user: ConsoleUser, values: { year?: number; title?: string; assign: boolean }): Raw {
  return html`<form method="post" action="/admin/plans/import" enctype="multipart/form-data">${csrfField(user)}
<div class="field"><label for="plan-file">计划文件</label><input id="plan-file" name="file" type="file" accept=".txt,.md,.docx,.xlsx" required>
<span class="hint">工作要点、实施方案（.txt、.md、.docx），或按计划模板填写的表格（.xlsx）。最大 10 MB。</span></div>
<div class="field"><label for="plan-year">计划年度</label><input id="plan-year" name="year" type="number" min="2000" max="2100" inputmode="numeric" value="${values.year ?? ''}">
<span class="hint">不填则从标题识别（如“2023年区党建工作要点”），否则为今年。</span></div>
<div class="field"><label for="plan-title">计划标题</label><input id="plan-title" name="title" maxlength="200" value="${values.title ?? ''}">
<span class="hint">不填则用文档第一行的标题。同一年度、同一标题即为同一份计划：再次导入会更新它。</span></div>
<div class="field"><label><input type="checkbox" name="assign" value="branches"${values.assign ? ' checked' : ''}> 把每项任务分派到各党支部</label></div>
<div class="actions"><button type="submit" class="btn primary">上传并预览</button><a class="btn" href="/admin/plans">取消</a></div>
<p class="muted small">上传后先显示预览：左侧是读取到的原文，右侧是识别出的条目树。确认无误后点“确认保存”才会写入。</p></form>`;
}

/** GET /plans/import */
export function importFormPage(ctx: Context): void {
  const user = consoleUser(ctx);
  requireWrite(user);
  renderAdmin(ctx, {
    title: '导入计划',
    active: 'plans',
    body: html`<div class="panel">${uploadForm(user, { assign: true })}</div>
<div class="panel"><h2>文档怎样被读取</h2><ul class="small">
<li>按编号建立层级：“一、”→“（一）”→“1.”/“1、”→“（1）”；标题为编号所在行或该行第一个“。”之前的文字，其后的段落归入该条。</li>
<li>标题中含“政治型”“服务型”等五型名称的条目标注该维度，下级条目沿用。</li>
<li>文中写明的时限（“6月底前”“年底前”“上半年”）作为完成时限，否则为当年 12 月 31 日。</li>
<li>Excel 模板每行一个条目，列：序号、方面、目标、任务、工作要求、完成时限、责任单位、责任人、清单类型、五型维度。</li>
</ul></div>`,
  });
}

function parseOptions(ctx: Context): { options: ImportOptions; errors: string[]; values: { year?: number; title?: string; assign: boolean } } {
  const form = postedForm(ctx);
  const errors: string[] = [];
  const yearText = form.get('year');
  let year: number | undefined;
  if (yearText !== '') {
    year = Number(yearText);
    if (!/^\d{4}$/.test(yearText) || year < 2000 || year > 2100) {
      errors.push(`计划年度“${yearText}”不合法，应为 2000–2100 之间的四位年份`);
      year = undefined;
    }
  }
  const title = form.get('title');
  if (title.length > 200) errors.push(`计划标题过长（${title.length} 字，最多 200 字）`);
  const assign = form.get('assign') === 'branches';
  const options: ImportOptions = { ...(year !== undefined ? { year } : {}), ...(title ? { title } : {}), assign: assign ? 'branches' : 'none' };
  return { options, errors, values: { ...(year !== undefined ? { year } : {}), ...(title ? { title } : {}), assign } };
}

/** POST /plans/import: reads the upload and shows the preview (nothing saved). */
export async function importPreviewHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const { options, errors, values } = parseOptions(ctx);
  const file = postedForm(ctx).file('file');
  const model = errors.length > 0
    ? emptyPreview(file?.filename ?? '', options, errors)
    : await buildPreview(deps, file, options, { sessionId: user.sessionId, actor: actorOf(user) });
  // A file with problems answers 400 (nothing saved); the page lists them next to what was read.
  if (model.errors.length > 0) ctx.status = 400;
  renderAdmin(ctx, { title: '导入预览', active: 'plans', body: previewBody(user, model, values) });
}

function summaryPanel(model: PreviewModel): Raw {
  const r = model.report;
  if (!r) return html``;
  const existing = r.planId !== null;
  const figures = [
    `新增条目 ${r.created.items} 条`, ...(existing ? [`修改 ${r.updated.items} 条`, `停用 ${r.deactivated.items} 条`] : []),
    r.branches > 0 ? `新分派 ${r.created.assignments} 条（${r.branches} 个党支部）` : '不分派',
  ];
  return html`<div class="panel"><h2>${r.year}年《${r.title}》</h2>
<p>文件：${model.fileName}${model.format ? html`（${FORMAT_NAMES[model.format]}）` : ''}</p>
<p>${existing ? html`<span class="badge warn">再次导入</span> 已有同名计划（<a href="/admin/plans/${r.planId}">查看</a>），保存后按下面的改动更新它。` : html`<span class="badge ok">新计划</span> 保存后新建这份计划。`}</p>
<ul class="small">${r.tree.map((t) => html`<li>${t.marker}${t.title}：${t.children} 项下级，${t.tasks} 项任务</li>`)}</ul>
<p><strong>${figures.join('，')}</strong></p>
${r.unchanged ? html`<div class="notice ok">文件内容与已保存的计划完全相同，无需保存。</div>` : ''}</div>`;
}

function problemsPanel(model: PreviewModel): Raw {
  return html`${model.errors.length > 0
    ? html`<div class="notice error" role="alert"><strong>文件有 ${model.errors.length} 处问题，未保存任何内容。</strong>请修改文件后重新上传。<ul class="errors">${model.errors.map((e) => html`<li>${e}</li>`)}</ul></div>`
    : ''}${model.warnings.length > 0
    ? html`<div class="notice warn"><strong>请核对编号（不影响保存）：</strong><ul>${model.warnings.map((w) => html`<li>${w}</li>`)}</ul></div>`
    : ''}`;
}

/** A line that opens an item: its heading (up to the first "。") in bold, as the parser takes it for the title. */
function sourceText(text: string, marker: boolean): Raw {
  if (!marker) return html`${text}`;
  const i = text.indexOf('。');
  return i < 0 ? html`<strong>${text}</strong>` : html`<strong>${text.slice(0, i + 1)}</strong>${text.slice(i + 1)}`;
}

function sourcePanel(model: PreviewModel): Raw {
  const what = model.format === 'xlsx' ? '表格各行' : '文档原文';
  return html`<section class="panel" aria-labelledby="source-h"><h2 id="source-h">${what}（读取到的内容）</h2>
${model.source.length === 0 ? html`<p class="muted">没有读到任何文字。</p>` : html`<div class="scroll-pane"><ol class="doc-lines">${model.source.map((l) => html`<li class="${l.flagged ? 'flagged' : ''}"><span class="no">${model.format === 'xlsx' ? '行' : ''}${l.no}</span><span class="text">${sourceText(l.text, l.marker)}</span></li>`)}</ol></div>`}</section>`;
}

function responsibleOf(item: DesiredItem, model: PreviewModel): string {
  const parts = [
    item.responsibleUnitId !== null ? model.unitNames.get(item.responsibleUnitId) : undefined,
    item.responsiblePersonId !== null ? model.personNames.get(item.responsiblePersonId) : undefined,
    item.responsibleText ?? undefined,
  ].filter((s): s is string => !!s);
  return parts.join('；');
}

function treePanel(model: PreviewModel): Raw {
  const byParent = new Map<string | null, DesiredItem[]>();
  for (const i of model.items) byParent.set(i.parentPath, [...(byParent.get(i.parentPath) ?? []), i]);
  const changes = new Map<string, { kind: 'add' | 'change'; fields: string[] }>();
  for (const c of model.diff?.create ?? []) changes.set(c.desired.path, { kind: 'add', fields: [] });
  for (const c of model.diff?.update ?? []) changes.set(c.desired.path, { kind: 'change', fields: c.fields });
  const reimport = model.report?.planId != null;
  const node = (i: DesiredItem): Raw => {
    const change = changes.get(i.path);
    const cls = reimport && change ? (change.kind === 'add' ? 'diff-add' : 'diff-change') : '';
    const responsible = responsibleOf(i, model);
    const kids = byParent.get(i.path) ?? [];
    return html`<li><div class="node level-${i.level} ${cls}"><div class="head">${i.marker}${i.title}</div>
<div class="meta"><span class="badge">${LEVEL_NAMES[i.level]}</span><span>完成时限 ${i.dueDate}</span>${i.listKind ? html`<span>${listKindName(i.listKind)}</span>` : ''}${i.dimensions.length > 0 ? html`<span>五型：${i.dimensions.join('、')}</span>` : ''}${responsible ? html`<span>责任：${responsible}</span>` : ''}${reimport && change ? (change.kind === 'add' ? html`<span class="badge ok">新增</span>` : html`<span class="badge warn">修改</span><span>${change.fields.join('；')}</span>`) : ''}</div>
${i.text ? html`<details><summary>工作要求</summary><p>${i.text}</p></details>` : ''}</div>${kids.length > 0 ? html`<ol>${kids.map(node)}</ol>` : ''}</li>`;
  };
  const removed = model.diff?.deactivate ?? [];
  return html`<section class="panel" aria-labelledby="tree-h"><h2 id="tree-h">识别出的条目（方面 → 目标 → 任务）</h2>
${model.items.length === 0 ? html`<p class="muted">${model.errors.length > 0 ? '文件有问题，未能识别出条目树。' : '没有识别出条目。'}</p>` : html`<div class="scroll-pane"><ol class="plan-tree">${(byParent.get(null) ?? []).map(node)}</ol></div>`}
${removed.length > 0 ? html`<h3>文件中已没有、保存后停用的条目</h3><ul>${removed.map((s) => html`<li class="diff-remove">${LEVEL_NAMES[s.level]} ${s.marker}${s.title}</li>`)}</ul>` : ''}</section>`;
}

function changesPanel(model: PreviewModel): Raw {
  const r = model.report;
  if (!r || r.planId === null || r.changes.length === 0) return html``;
  const cls = (line: string): string => (line.startsWith('新增') ? 'diff-add' : line.startsWith('停用') ? 'diff-remove' : line.startsWith('修改') ? 'diff-change' : '');
  return html`<section class="panel" aria-labelledby="changes-h"><h2 id="changes-h">与已保存计划相比的改动（${r.changes.length} 项）</h2>
<ul>${r.changes.slice(0, 300).map((c) => html`<li class="${cls(c)}">${c}</li>`)}</ul>${r.changes.length > 300 ? html`<p class="muted">另有 ${r.changes.length - 300} 项未列出。</p>` : ''}</section>`;
}

function previewBody(user: ConsoleUser, model: PreviewModel, values: { year?: number; title?: string; assign: boolean }): Raw {
  const confirm = model.token
    ? html`<div class="panel"><form method="post" action="/admin/plans/import/confirm">${csrfField(user)}<input type="hidden" name="preview" value="${model.token}">
<p>确认左右两侧内容一致、条目层级和完成时限无误后保存。保存的就是这里显示的内容；预览 30 分钟内有效。</p>
<div class="actions"><button type="submit" class="btn primary">确认保存</button><a class="btn" href="/admin/plans/import">取消，重新上传</a></div></form></div>`
    : '';
  return html`${planStyles()}${problemsPanel(model)}${summaryPanel(model)}${confirm}
<div class="side-by-side">${sourcePanel(model)}${treePanel(model)}</div>${changesPanel(model)}
${model.errors.length > 0 || !model.token ? html`<div class="panel"><h2>重新上传</h2>${uploadForm(user, values)}</div>` : ''}`;
}

/** POST /plans/import/confirm: saves the previewed plan, if the database still matches the preview. */
export async function importConfirmHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const p = decodePreview(deps.appSecret, postedForm(ctx).get('preview'), user.sessionId, deps.clock.now());
  const input = {
    outline: p.outline, details: p.details, year: p.year, ...(p.title !== undefined ? { title: p.title } : {}), sourceName: p.sourceName,
    assign: p.assign, warnings: p.warnings, actor: actorOf(user), clock: deps.clock,
  };
  const again = await importPlan(deps.database, { ...input, dryRun: true });
  if (again.unchanged && again.planId !== null) {
    redirectWithFlash(ctx, `/admin/plans/${again.planId}`, '这份计划已是预览中的内容（可能已经保存过），没有需要保存的改动。', 'warn');
    return;
  }
  if (reportDigest(again) !== p.digest) {
    throw new ValidationError('预览之后数据已有变化（例如有人刚导入了同一计划，或组织架构有调整），为避免保存与预览不一致的内容，本次没有保存。请重新上传文件预览。');
  }
  const report = await importPlan(deps.database, { ...input, dryRun: false });
  const parts = [
    `新增条目 ${report.created.items} 条`, ...(report.updated.items > 0 ? [`修改 ${report.updated.items} 条`] : []),
    ...(report.deactivated.items > 0 ? [`停用 ${report.deactivated.items} 条`] : []), `新分派 ${report.created.assignments} 条`,
  ];
  redirectWithFlash(ctx, `/admin/plans/${report.planId}`, `已保存 ${report.year}年《${report.title}》：${parts.join('，')}。`);
}
