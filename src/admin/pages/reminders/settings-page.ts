/**
 * 提醒设置 (/admin/reminders[?branch=ID]): the agency-wide settings or one branch's, each field with its effective
 * value and whether it is set at this level or inherited; admins change them with the form, leaders only look.
 * Saving goes through updateSettings (the CLI's and the API's path), which validates every key and writes the
 * audit entry (actor person:<id>) in the same transaction.
 */
import type { Context } from 'koa';
import { settingsView, updateSettings, type SettingsView } from '../../../db/repositories/reminders-admin.js';
import { clearSettingKeys, loadSettings } from '../../../db/repositories/reminders-store.js';
import type { SettingsPatch } from '../../../domain/reminders/settings.js';
import { ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { actorOf, consoleUser, postedForm, requireUnit, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, redirectWithFlash, renderAdmin } from '../../layout.js';
import { CADENCE_LABELS, displayText, FIELD_GROUPS, formText, parseSettingsForm, SETTING_FIELDS, sourceOf, valueIn, type SettingField, type ValueSource } from './settings-fields.js';
import { describedBy, fieldError, positiveInt, REMINDER_STYLES, remindersTabs, visibleBranches, type BranchOption } from './shared.js';

const SOURCE_BADGE: Record<ValueSource, Raw> = {
  here: html`<span class="badge ok src">本级设置</span>`,
  agency: html`<span class="badge src">沿用全机关设置</span>`,
  default: html`<span class="badge src">系统默认</span>`,
};

/** The scope a request is about: null (the agency) or a branch id the user may see. */
function scopeOf(user: ConsoleUser, value: unknown): number | null {
  if (value === undefined || value === '') return null;
  const id = positiveInt(value);
  if (id === null) throw new ValidationError('支部编号无效。');
  requireUnit(user, id);
  return id;
}

const settingsUrl = (unitId: number | null): string => (unitId === null ? '/admin/reminders' : `/admin/reminders?branch=${unitId}`);

interface FormState {
  values: Map<string, string>;
  errors: Map<string, string>;
}

export async function settingsPage(ctx: Context, deps: AppDeps, state?: FormState): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const unitId = scopeOf(user, state ? postedForm(ctx).get('branch') : ctx.query.branch);
  const branches = await visibleBranches(db, user);
  const view = await settingsView(db, unitId);
  const agency = unitId === null ? null : (await settingsView(db, null)).overrides;
  const stored = await loadSettings(db);
  const book = branches.map((b) => ({ branch: b, overrides: stored.branches.get(b.id) ?? {} }));
  const errorCount = state?.errors.size ?? 0;
  if (state) ctx.status = 400;
  renderAdmin(ctx, {
    title: '提醒',
    active: 'reminders',
    notice: errorCount ? { kind: 'error', text: `有 ${errorCount} 处需要修改，所有设置都未保存。` } : undefined,
    body: html`${REMINDER_STYLES}${remindersTabs(user, 'settings')}
${scopePicker(branches, unitId)}
<section class="panel" aria-labelledby="settings-title"><h2 id="settings-title">${view.scope.name}的提醒设置</h2>
<p class="muted small">${unitId === null
    ? '全机关默认对所有党支部生效；某个支部单独设置的项以支部的为准。未设置的项用系统默认值。'
    : '只对本支部生效。标“沿用全机关设置”或“系统默认”的项随全机关设置变化；在这里改动的项成为本支部的单独设置。'}</p>
${user.canWrite ? settingsForm(user, view, agency, state) : readOnlyTable(view, agency)}
</section>
${overridesPanel(book, unitId, user.canWrite)}`,
  });
}

function scopePicker(branches: BranchOption[], unitId: number | null): Raw {
  return html`<form class="panel row" method="get" action="/admin/reminders">
<div class="field" style="margin:0;flex:1 1 240px"><label for="scope">设置范围</label>
<select id="scope" name="branch"><option value=""${unitId === null ? html` selected` : ''}>全机关（默认）</option>${branches.map((b) => html`<option value="${b.id}"${b.id === unitId ? html` selected` : ''}>${b.name}</option>`)}</select></div>
<div class="actions" style="align-self:flex-end"><button type="submit" class="btn">查看</button></div></form>`;
}

const fieldId = (key: string): string => `f-${key.replace('.', '-')}`;

function input(f: SettingField, value: string, hasError: boolean): Raw {
  const id = fieldId(f.key);
  const aria = describedBy(`${id}-hint`, `${id}-error`, hasError);
  if (f.kind === 'cadence') {
    return html`<select id="${id}" name="${f.key}"${aria}>${Object.entries(CADENCE_LABELS).map(([v, label]) => html`<option value="${v}"${v === value ? html` selected` : ''}>${label}</option>`)}</select>`;
  }
  if (f.kind === 'int') return html`<input id="${id}" name="${f.key}" type="number" inputmode="numeric" min="${f.min}" max="${f.max}" step="1" required value="${value}"${aria}>`;
  if (f.kind === 'time') return html`<input id="${id}" name="${f.key}" type="text" inputmode="numeric" maxlength="5" placeholder="HH:mm" required autocomplete="off" value="${value}"${aria}>`;
  return html`<input id="${id}" name="${f.key}" type="text" inputmode="numeric" maxlength="30" placeholder="如 3,1" required autocomplete="off" value="${value}"${aria}>`;
}

function settingsForm(user: ConsoleUser, view: SettingsView, agency: SettingsPatch | null, state: FormState | undefined): Raw {
  return html`<form method="post" action="/admin/reminders/settings" novalidate>${csrfField(user)}<input type="hidden" name="branch" value="${view.scope.unitId ?? ''}">
${FIELD_GROUPS.map((g) => html`<fieldset><legend>${g.legend}</legend><div class="fields">${SETTING_FIELDS.filter((f) => f.group === g.key).map((f) => {
    const effective = valueIn(view.effective, f.key);
    const value = state?.values.get(f.key) ?? formText(effective);
    const error = state?.errors.get(f.key);
    const id = fieldId(f.key);
    const source = sourceOf(f.key, view.overrides, agency);
    // A branch's own value can be given up again: it then follows the agency's setting (or the default).
    const inherit = view.scope.unitId !== null && source === 'here'
      ? html`<label class="small"><input type="checkbox" name="inherit" value="${f.key}"${state?.values.get(`inherit:${f.key}`) ? html` checked` : ''}> 恢复沿用全机关设置</label>`
      : '';
    return html`<div class="field"><label for="${id}">${f.label}</label>${input(f, value, error !== undefined)}
${fieldError(`${id}-error`, error)}<div class="hint" id="${id}-hint">现在：${displayText(f, effective)}${SOURCE_BADGE[source]}<br>${f.hint}</div>${inherit}</div>`;
  })}</div></fieldset>`)}
<div class="actions"><button type="submit" class="btn primary">保存设置</button><a class="btn" href="${settingsUrl(view.scope.unitId)}">放弃修改</a></div>
<p class="muted small">只保存改动过的项；有任何一项不符合要求时全部不保存。修改记入审计日志。</p></form>`;
}

function readOnlyTable(view: SettingsView, agency: SettingsPatch | null): Raw {
  return html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">设置</th><th scope="col">生效值</th><th scope="col">来源</th></tr></thead><tbody>
${SETTING_FIELDS.map((f) => html`<tr><th scope="row" style="white-space:normal;min-width:12em">${f.label}<div class="muted small" style="font-weight:400">${f.hint}</div></th><td style="white-space:nowrap">${displayText(f, valueIn(view.effective, f.key))}</td><td>${SOURCE_BADGE[sourceOf(f.key, view.overrides, agency)]}</td></tr>`)}
</tbody></table></div><p class="muted small">领导账号只能查看。如需修改，请联系机关党委管理员。</p>`;
}

function overridesPanel(book: { branch: BranchOption; overrides: SettingsPatch }[], current: number | null, canWrite: boolean): Raw {
  const withOverrides = book
    .map(({ branch, overrides }) => ({ branch, fields: SETTING_FIELDS.filter((f) => valueIn(overrides, f.key) !== undefined).map((f) => `${f.label}：${displayText(f, valueIn(overrides, f.key))}`) }))
    .filter((b) => b.fields.length > 0);
  return html`<section class="panel" aria-labelledby="overrides-title"><h2 id="overrides-title">各支部单独设置</h2>
${withOverrides.length === 0
    ? html`<p class="muted">各党支部都沿用全机关设置。${canWrite ? '需要时在上方“设置范围”中选择支部，单独调整。' : ''}</p>`
    : html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">党支部</th><th scope="col">单独设置的项</th></tr></thead><tbody>
${withOverrides.map((b) => html`<tr><td>${b.branch.id === current ? b.branch.name : html`<a href="${settingsUrl(b.branch.id)}">${b.branch.name}</a>`}</td><td>${b.fields.join('；')}</td></tr>`)}</tbody></table></div>`}</section>`;
}

/** POST /admin/reminders/settings: admins only; every field checked, nothing saved on any error. */
export async function saveSettingsAction(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const form = postedForm(ctx);
  const unitId = scopeOf(user, form.get('branch'));
  const db = deps.database.db;
  const view = await settingsView(db, unitId);
  const parsed = parseSettingsForm(form, view.effective);
  // "恢复沿用全机关设置": only a branch's own keys; a field given back is not also saved with its typed value.
  const inherit = unitId === null ? [] : form.all('inherit').filter((k) => SETTING_FIELDS.some((f) => f.key === k) && valueIn(view.overrides, k) !== undefined);
  for (const k of inherit) parsed.errors.delete(k);
  if (parsed.errors.size > 0) {
    for (const k of inherit) parsed.values.set(`inherit:${k}`, '1');
    return settingsPage(ctx, deps, { values: parsed.values, errors: parsed.errors });
  }
  const pairs = parsed.pairs.filter(([k]) => !inherit.includes(k));
  const changes = parsed.changes.filter((_, i) => !inherit.includes(parsed.pairs[i]![0]));
  if (pairs.length === 0 && inherit.length === 0) return redirectWithFlash(ctx, settingsUrl(unitId), '没有改动，设置保持不变。', 'warn');
  const now = deps.clock.now();
  const meta = { actor: actorOf(user), at: now };
  await db.transaction(async (tx) => {
    if (inherit.length > 0) await clearSettingKeys(tx, unitId!, inherit, meta);
    if (pairs.length > 0) await updateSettings(tx, unitId, pairs, meta);
  });
  const labels = inherit.map((k) => SETTING_FIELDS.find((f) => f.key === k)!.label);
  redirectWithFlash(ctx, settingsUrl(unitId), `已保存${view.scope.name}的提醒设置：${[...changes, ...(labels.length ? [`${labels.join('、')}恢复沿用全机关设置`] : [])].join('；')}。`);
}
