/** The topic form (create / edit), its parsing into TopicInput, and "预览卡片" / "保存" handling. */
import type { Context } from 'koa';
import { listTopics, saveTopic, validateTopic, type TopicInput } from '../../../db/repositories/topics.js';
import { localDate } from '../../../domain/calendar.js';
import { AppError, ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import type { FormData } from '../../forms.js';
import { actorOf, consoleUser, postedForm, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, redirectWithFlash, renderAdmin } from '../../layout.js';
import { previewPanels, topicPreview } from './card-preview.js';
import { findTopic, monthParam, MONTH_RE, monthTitle } from './topic-data.js';

/** The admin API's limits for the same fields (src/http/api/topic-routes.ts). */
const MAX_MATERIALS = 10;
const MAX_MATERIAL_TITLE = 100;
const MAX_REQUIRED_CHARS = 200;
/** Empty material rows offered below the filled ones (the page works without scripts). */
const SPARE_ROWS = 3;

export interface TopicFormState {
  input: TopicInput;
  /** Editing an existing month's topic (the month is fixed) or creating one. */
  existing: boolean;
  pushed: boolean;
  errors: string[];
}

/** The form's fields → TopicInput, with the problems validateTopic and the API's limits find. */
export function readTopicForm(form: FormData, month: string): { input: TopicInput; problems: string[] } {
  const titles = form.all('material_title');
  const urls = form.all('material_url');
  const materials: TopicInput['materials'] = [];
  for (let i = 0; i < Math.max(titles.length, urls.length); i++) {
    const title = (titles[i] ?? '').trim();
    const url = (urls[i] ?? '').trim();
    if (title !== '' || url !== '') materials.push({ title, url });
  }
  const required = (form.all('required')[0] ?? '').split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l !== '');
  const input: TopicInput = { month, title: form.get('title'), summary: (form.all('summary')[0] ?? '').trim(), materials, required };
  const problems: string[] = [];
  if (month === '') problems.push('请选择月份');
  if (materials.length > MAX_MATERIALS) problems.push(`学习材料最多 ${MAX_MATERIALS} 份（填了 ${materials.length} 份）`);
  materials.forEach((m, i) => {
    if (m.title.length > MAX_MATERIAL_TITLE) problems.push(`第${i + 1}份学习材料的标题过长（最多 ${MAX_MATERIAL_TITLE} 字）`);
    if (m.title !== '' && m.url === '') problems.push(`第${i + 1}份学习材料“${m.title}”缺少链接`);
  });
  required.forEach((r, i) => {
    if (r.length > MAX_REQUIRED_CHARS) problems.push(`第${i + 1}项必学内容过长（${r.length} 字，最多 ${MAX_REQUIRED_CHARS} 字）`);
  });
  problems.push(...validateTopic(input).filter((p) => !(month === '' && p.startsWith('月份'))));
  return { input, problems: [...new Set(problems)] };
}

export function topicForm(user: ConsoleUser, state: TopicFormState): Raw {
  const { input } = state;
  const action = state.existing ? `/admin/topics/${input.month}` : '/admin/topics';
  const rows = [...input.materials, ...Array.from({ length: Math.max(SPARE_ROWS, input.materials.length === 0 ? SPARE_ROWS : 1) }, () => ({ title: '', url: '' }))]
    .slice(0, Math.max(MAX_MATERIALS, input.materials.length));
  return html`<form method="post" action="${action}">${csrfField(user)}
${state.errors.length > 0 ? html`<div class="notice error" role="alert"><strong>没有保存：</strong><ul class="errors">${state.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : ''}
${state.existing
    ? html`<input type="hidden" name="existing" value="1"><input type="hidden" name="month" value="${input.month}"><p><strong>月份：</strong>${monthTitle(input.month)}</p>`
    : html`<div class="field"><label for="t-month">月份</label><input id="t-month" name="month" type="month" required value="${input.month}" placeholder="YYYY-MM"><span class="hint">格式 YYYY-MM，如 2026-12。</span></div>`}
<div class="field"><label for="t-title">主题标题</label><input id="t-title" name="title" required maxlength="100" value="${input.title}"></div>
<div class="field"><label for="t-summary">主题说明</label><textarea id="t-summary" name="summary" rows="4" maxlength="2000">${input.summary}</textarea><span class="hint">卡片正文，建议两三句话说明本月学什么、怎么学。</span></div>
<fieldset><legend>学习材料（标题和链接）</legend>
${rows.map((m, i) => html`<div class="material-row"><div class="field"><label for="t-mt-${i}">材料 ${i + 1} 标题</label><input id="t-mt-${i}" name="material_title" maxlength="100" value="${m.title}"></div>
<div class="field"><label for="t-mu-${i}">材料 ${i + 1} 链接</label><input id="t-mu-${i}" name="material_url" type="url" inputmode="url" placeholder="https://" value="${m.url}"></div></div>`)}
<p class="hint small muted">最多 ${MAX_MATERIALS} 份；不用的行留空。需要更多行时先保存，再编辑即可。</p></fieldset>
<div class="field"><label for="t-required">必学内容（每行一项）</label><textarea id="t-required" name="required" rows="5">${input.required.join('\n')}</textarea>
<span class="hint">每位在用党员每项各有一条学习任务，本月底前完成。${state.pushed ? '本月主题已推送：可以修改文字，不能再增加项目。' : ''}</span></div>
<div class="actions"><button type="submit" class="btn" formaction="/admin/topics/preview">预览卡片</button><button type="submit" class="btn primary">保存</button><a class="btn" href="${state.existing ? `/admin/topics/${input.month}` : '/admin/topics'}">取消</a></div>
</form>`;
}

const FORM_CSS = html`<style>.material-row{display:grid;grid-template-columns:1fr;gap:0 12px}@media(min-width:700px){.material-row{grid-template-columns:1fr 2fr}}</style>`;

export function renderTopicForm(ctx: Context, deps: AppDeps, state: TopicFormState, withPreview: boolean): void {
  const user = consoleUser(ctx);
  const preview = withPreview && state.errors.length === 0
    ? html`<h2 id="preview">卡片预览（尚未保存）</h2><p class="muted small">按您本人收到的样子显示；每位党员看到的是自己的学习进度。</p>${previewPanels(topicPreview(state.input, { personId: user.person.id, links: deps.links }), deps.config)}`
    : '';
  if (state.errors.length > 0) ctx.status = 400;
  renderAdmin(ctx, {
    title: state.existing ? `修改 ${monthTitle(state.input.month)}主题` : '新建每月主题',
    active: 'topics',
    body: html`${FORM_CSS}<p><a href="/admin/topics">← 全部主题</a></p><div class="panel">${topicForm(user, state)}</div>${preview}`,
  });
}

/** The month to suggest for a new topic: this month when it has none, else the first later month without one. */
async function suggestedMonth(deps: AppDeps): Promise<string> {
  const taken = new Set((await listTopics(deps.database.db)).map((t) => t.month));
  let month = localDate(deps.clock.now(), deps.config.timezone).slice(0, 7);
  for (let i = 0; i < 24 && taken.has(month); i++) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    month = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  return month;
}

/** GET /topics/new */
export async function newTopicPage(ctx: Context, deps: AppDeps): Promise<void> {
  requireWrite(consoleUser(ctx));
  const input: TopicInput = { month: await suggestedMonth(deps), title: '', summary: '', materials: [], required: [] };
  renderTopicForm(ctx, deps, { input, existing: false, pushed: false, errors: [] }, false);
}

/** GET /topics/:month/edit */
export async function editTopicPage(ctx: Context, deps: AppDeps): Promise<void> {
  requireWrite(consoleUser(ctx));
  const topic = await findTopic(deps, monthParam(ctx.params.month));
  const input: TopicInput = { month: topic.month, title: topic.title, summary: topic.summary, materials: topic.materials, required: topic.required };
  renderTopicForm(ctx, deps, { input, existing: true, pushed: topic.pushedAt !== null, errors: [] }, false);
}

/** POST /topics/preview: the form again with the three renderings of the card; nothing is saved. */
export async function previewTopicHandler(ctx: Context, deps: AppDeps): Promise<void> {
  requireWrite(consoleUser(ctx));
  const form = postedForm(ctx);
  const existing = form.get('existing') === '1';
  const { input, problems } = readTopicForm(form, form.get('month').slice(0, 40));
  const stored = existing && MONTH_RE.test(input.month) ? (await listTopics(deps.database.db)).find((t) => t.month === input.month) : undefined;
  renderTopicForm(ctx, deps, { input, existing: existing && stored !== undefined, pushed: stored?.pushedAt != null, errors: problems }, true);
}

/** POST /topics (create) and POST /topics/:month (edit): saveTopic, which validates and audits. */
export async function saveTopicHandler(ctx: Context, deps: AppDeps, fixedMonth?: string): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const form = postedForm(ctx);
  const month = fixedMonth === undefined ? form.get('month').slice(0, 40) : monthParam(fixedMonth);
  const existing = fixedMonth !== undefined;
  const stored = MONTH_RE.test(month) ? (await listTopics(deps.database.db)).find((t) => t.month === month) : undefined;
  if (existing && !stored) await findTopic(deps, month); // 404
  const { input, problems } = readTopicForm(form, month);
  if (!existing && stored) problems.unshift(`${monthTitle(month)}已有主题“${stored.title}”，请到该月主题页修改，而不是新建。`);
  const state: TopicFormState = { input, existing, pushed: stored?.pushedAt != null, errors: problems };
  if (problems.length > 0) {
    renderTopicForm(ctx, deps, state, false);
    return;
  }
  let result;
  try {
    result = await saveTopic(deps.database.db, input, { actor: actorOf(user), at: deps.clock.now() });
  } catch (e) {
    if (!(e instanceof AppError) || !e.expose) throw e;
    const errors = e instanceof ValidationError && Array.isArray(e.details) ? (e.details as string[]) : [e.message];
    renderTopicForm(ctx, deps, { ...state, errors }, false);
    ctx.status = e.status;
    return;
  }
  const text = result.created ? `已新建 ${monthTitle(month)}主题。` : result.changed ? `已保存 ${monthTitle(month)}主题的修改。` : '没有改动。';
  redirectWithFlash(ctx, `/admin/topics/${month}`, text, result.changed ? 'ok' : 'warn');
}
