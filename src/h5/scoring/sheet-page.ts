import { computeSheet, validateSheet } from '../../domain/scoring/sheet.js';
import type { RoundBranchView, RoundView, ScorerView, SheetView } from '../../domain/scoring/ports.js';
import type { Scheme, SchemeItem, SheetEntry, SheetProblem } from '../../domain/scoring/types.js';
import { html, raw, type Raw } from '../html.js';
import { pointsText, sheetStatusText, timeText } from './format.js';
import { scoringPage } from './layout.js';
import type { FieldTexts } from './sheet-input.js';
import { rulesJson, sheetRules } from './sheet-rules.js';

/** 评分表: one scorer's sheet for one branch, as a form that works with and without its script. */

export interface SheetPageModel {
  round: RoundView;
  branch: RoundBranchView;
  scorer: ScorerView;
  sheet: SheetView | undefined;
  /** What each input shows: the saved sheet, or what a failed form post carried. */
  texts: Map<string, FieldTexts>;
  comment: string;
  /** From a failed form post: per item, and for the whole sheet. */
  problems: SheetProblem[];
  notice: { kind: 'ok' | 'error' | 'info'; message: string } | null;
  /** null = the round takes sheets; else why it does not (read-only page). */
  closedMessage: string | null;
  /** The texts are not what is saved (a failed form post). */
  unsaved: boolean;
  postUrl: string;
  sheetsUrl: string;
  timezone: string;
  now: Date;
}

/** The saved sheet as input texts. */
export function textsOf(sheet: SheetView | undefined): Map<string, FieldTexts> {
  return new Map((sheet?.entries ?? []).map((e) => [e.itemId, { points: e.points === null || e.points === undefined ? '' : String(e.points), reason: e.reason ?? '' }]));
}

/** Entries whose number is valid (a draft's rule): what the total counts, like the page's script. */
function countable(scheme: Scheme, entries: readonly SheetEntry[]): SheetEntry[] {
  return entries.filter((e) => validateSheet(scheme, [e]).every((p) => p.itemId !== e.itemId || /理由/.test(p.message)));
}

export function renderSheetPage(m: SheetPageModel, entries: readonly SheetEntry[]): string {
  const { round, branch } = m;
  const { scheme } = round;
  const computed = computeSheet(scheme, countable(scheme, entries));
  const editable = m.closedMessage === null;
  const byItem = new Map<string, string[]>();
  const general: string[] = [];
  const known = new Set(scheme.categories.flatMap((c) => c.items.map((i) => i.id)));
  for (const p of m.problems) {
    if (p.itemId !== null && known.has(p.itemId)) byItem.set(p.itemId, [...(byItem.get(p.itemId) ?? []), p.message]);
    else general.push(p.message);
  }
  const totalCents = m.sheet?.status === 'submitted' && !m.unsaved && m.sheet.totalCents !== null ? m.sheet.totalCents : computed.totalCents;
  const totalNote = m.unsaved ? '（未保存）' : m.sheet?.status === 'submitted' ? '（已提交，以服务器计算为准）' : m.sheet ? '（草稿合计）' : '';
  let index = 0;
  const categories = scheme.categories.map((c, ci) => {
    const rules: string[] = [`满分${pointsText(Math.round(c.max * 100))}分`];
    if (!c.items.some((i) => i.kind === 'plus')) rules.push(`从${pointsText(Math.round(c.max * 100))}分起扣`);
    if (c.bonusCap !== null) rules.push(`加分合计最多计${pointsText(Math.round(c.bonusCap * 100))}分`);
    if (c.deductionCap !== null) rules.push(`扣分合计最多扣${pointsText(Math.round(c.deductionCap * 100))}分`);
    rules.push('最低0分');
    return html`<section class="category"><div class="cat-head"><h2>${c.name}</h2><span class="cat-score">本类 <output id="cat-${ci}">${pointsText(Math.round((computed.categories[ci]?.score ?? 0) * 100))}</output> / ${pointsText(Math.round(c.max * 100))} 分</span></div>
<p class="muted">${rules.join('；')}</p>${c.items.map((item) => itemRow(item, index++, m.texts.get(item.id), byItem.get(item.id) ?? [], editable))}</section>`;
  });
  const banner = m.notice
    ? html`<div id="notice" class="banner ${m.notice.kind}" role="status" aria-live="polite">${m.notice.message}${general.length ? html`<ul>${general.map((g) => html`<li>${g}</li>`)}</ul>` : ''}</div>`
    : html`<div id="notice" class="banner" role="status" aria-live="polite" hidden></div>`;
  const body = html`<p class="small"><a href="${m.sheetsUrl}">← 我的评分表</a></p>
${m.closedMessage ? html`<div class="banner info">${m.closedMessage}</div>` : ''}
${banner}
<section><p>被评支部：<strong>${branch.name}</strong></p><p>状态：<span id="status-text">${sheetStatusText(m.sheet, m.timezone, m.now)}</span></p>
<p class="muted">评分截止：${timeText(round.closesAt, m.timezone, m.now)}。${editable ? '带“必评”的项目须逐项打分（可打0分）；扣分须写明理由。' : ''}</p></section>
<form id="sheet-form" method="post" action="${m.postUrl}" autocomplete="off">
<script type="application/json" id="sheet-rules">${raw(rulesJson(sheetRules(scheme)))}</script>
${categories}
<section><label for="comment"><strong>评语</strong> <span class="muted">（选填，最多1000字）</span></label>
<textarea id="comment" name="comment" maxlength="1000"${editable ? '' : raw(' disabled')}>${m.comment}</textarea></section>
<div class="bar"><div class="total">合计 <output id="total">${pointsText(totalCents)}</output> / ${pointsText(Math.round(scheme.total * 100))} 分 <span id="total-note" class="muted">${totalNote}</span></div>
${editable ? html`<button type="submit" class="btn" name="action" value="draft">保存草稿</button><button type="submit" class="btn primary" name="action" value="submit">提交</button>` : ''}</div>
${editable && m.sheet?.status === 'submitted' ? html`<p class="muted">本表已提交。截止前如需修改，改好后再点“提交”；点“保存草稿”会把本表改回草稿，须再次提交才计分。</p>` : ''}
</form>`;
  return scoringPage({ title: `评分表 · ${branch.name}`, subtitle: `${round.title} · ${timeText(round.closesAt, m.timezone, m.now)} 截止`, body, script: editable });
}

function itemRow(item: SchemeItem, i: number, texts: FieldTexts | undefined, problems: string[], editable: boolean): Raw {
  const plus = item.kind === 'plus';
  const max = pointsText(Math.round(item.max * 100));
  const disabled = editable ? '' : raw(' disabled');
  const invalid = problems.length ? raw(' aria-invalid="true"') : '';
  const reasonInvalid = problems.some((p) => /理由/.test(p)) ? raw(' aria-invalid="true"') : '';
  return html`<div class="item" id="item-${i}" data-item-index="${i}" data-kind="${item.kind}">
<div><label class="item-name" for="p-${i}">${item.name}</label>${item.required ? html`<span class="req">必评</span>` : ''} <span class="muted">${item.id}</span></div>
${item.description ? html`<p class="desc">${item.description}</p>` : ''}
<div class="entry"><span class="kind ${item.kind}">${plus ? '得分' : '扣分'}</span><input type="text" class="points" id="p-${i}" name="points:${item.id}" inputmode="decimal" enterkeyhint="next" maxlength="12" value="${texts?.points ?? ''}" aria-describedby="l-${i} e-${i}"${invalid}${disabled}><span class="limit" id="l-${i}">${plus ? `0–${max} 分` : `扣 0–${max} 分`}</span></div>
${plus ? '' : html`<label class="reason-label" for="r-${i}">扣分理由（扣分时必填）</label><input type="text" class="reason" id="r-${i}" name="reason:${item.id}" maxlength="500" value="${texts?.reason ?? ''}"${reasonInvalid}${disabled}>`}
<p class="err" id="e-${i}" aria-live="polite">${problems.join('；')}</p></div>`;
}
