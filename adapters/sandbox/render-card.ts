import { encodeActionRef } from '../../cards/action-ref.js';
import { ITEM_STATE_LABEL, ITEM_STATE_MARK } from '../../cards/format.js';
import type { CallbackAction, Card, CardBlock, CardItem, ChoiceAction, SubmitAction } from '../../cards/model.js';
import { esc, safeUrl } from './render-html.js';

export interface SandboxRenderOptions {
  /** Where the forms post; the sandbox adapter's action route. */
  readonly actionUrl?: string;
  /** Ids of callback actions this viewer already used (shown disabled). */
  readonly doneActionIds?: readonly string[];
}

/**
 * Card → HTML fragment for the sandbox messenger. No limits apply, so everything is shown; every action is a real
 * `<form>` with hidden inputs: `card` (key), `action` (id), `ref` (encoded action ref) and `payload` (JSON).
 */
export function renderSandboxCard(card: Card, opts: SandboxRenderOptions = {}): string {
  const actionUrl = esc(opts.actionUrl ?? '/sandbox/actions');
  const done = new Set(opts.doneActionIds ?? []);
  const hidden = (name: string, value: string): string => `<input type="hidden" name="${name}" value="${esc(value)}">`;
  const buttonForm = (a: CallbackAction | SubmitAction, label: string, inner = ''): string => {
    const style = a.type === 'callback' ? a.style : 'primary';
    const disabled = done.has(a.id) ? ' disabled' : '';
    return `<form class="card-action" method="post" action="${actionUrl}" data-action="${esc(a.id)}">` +
      hidden('card', card.key) + hidden('action', a.id) + hidden('ref', encodeActionRef(a.id, a.payload)) + hidden('payload', JSON.stringify(a.payload)) +
      inner + `<button type="submit" class="btn btn-${esc(style)}" aria-label="${esc(label)}"${disabled}>${esc(a.label)}</button></form>`;
  };

  const item = (i: CardItem): string =>
    `<li class="card-item" data-state="${esc(i.state)}" value="${i.no}">` +
    `<span class="card-item-mark" role="img" aria-label="${esc(ITEM_STATE_LABEL[i.state])}">${esc(ITEM_STATE_MARK[i.state])}</span> ` +
    `<span class="card-item-title">${esc(i.title)}</span>` +
    (i.state === 'open' ? '' : ` <span class="card-item-state">${esc(ITEM_STATE_LABEL[i.state])}</span>`) +
    (i.detail ? ` <span class="card-item-detail">${esc(i.detail)}</span>` : '') +
    (i.action ? buttonForm(i.action, `第${i.no}项：${i.action.label}`) : '') +
    '</li>';

  const block = (b: CardBlock): string => {
    switch (b.type) {
      case 'emphasis':
        return `<p class="card-emphasis"><strong>${esc(b.figure)}</strong> <span>${esc(b.label)}</span></p>`;
      case 'text':
        return `<p class="card-text">${b.text.split('\n').map(esc).join('<br>')}</p>`;
      case 'fields':
        return '<dl class="card-fields">' + b.fields.map((f) =>
          `<div><dt>${esc(f.label)}</dt><dd>${f.url ? `<a href="${esc(safeUrl(f.url))}" target="_blank" rel="noopener noreferrer">${esc(f.value)}</a>` : esc(f.value)}</dd></div>`,
        ).join('') + '</dl>';
      case 'items':
        return b.items.length === 0 ? '<p class="card-empty">（暂无事项）</p>' : `<ol class="card-items">${b.items.map(item).join('')}</ol>`;
      case 'image':
        return `<img class="card-image" src="${esc(safeUrl(b.url))}" alt="${esc(b.alt)}">`;
    }
  };

  const question = (q: ChoiceAction): string =>
    `<fieldset class="card-question" data-question="${esc(q.id)}"><legend>${esc(q.title)}</legend>` +
    q.options.map((o) =>
      `<label><input type="${q.multiple ? 'checkbox' : 'radio'}" name="q:${esc(q.id)}" value="${esc(o.id)}"${o.selected ? ' checked' : ''}> ${esc(o.label)}</label>`,
    ).join('') + '</fieldset>';

  const { header } = card;
  const questions = card.actions.filter((a): a is ChoiceAction => a.type === 'choice');
  const submit = card.actions.find((a): a is SubmitAction => a.type === 'submit');
  const parts = [
    `<article class="card card-${esc(card.kind)}" data-card-key="${esc(card.key)}" aria-label="${esc(header.title)}">`,
    '<header class="card-header">',
    header.source ? `<p class="card-source">${esc(header.source)}</p>` : '',
    `<h3 class="card-title">${esc(header.title)}</h3>`,
    header.subtitle ? `<p class="card-subtitle">${esc(header.subtitle)}</p>` : '',
    '</header>',
    card.status ? `<p class="card-status" role="status">${esc(card.status)}</p>` : '',
    ...card.blocks.map(block),
    submit ? buttonForm(submit, submit.label, questions.map(question).join('')) : '',
    '<div class="card-actions">',
    ...card.actions.map((a) => {
      if (a.type === 'callback') return buttonForm(a, a.label);
      if (a.type === 'link') return `<a class="card-link" href="${esc(safeUrl(a.url))}" target="_blank" rel="noopener noreferrer">${esc(a.label)}</a>`;
      return '';
    }),
    card.link ? `<a class="card-link card-detail" href="${esc(safeUrl(card.link.url))}" target="_blank" rel="noopener noreferrer">${esc(card.link.label)}</a>` : '',
    '</div>',
    '</article>',
  ];
  return parts.filter((p) => p !== '').join('');
}
