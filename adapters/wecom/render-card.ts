import { ValidationError } from '../../src/errors.js';
import { encodeActionRef } from '../../cards/action-ref.js';
import { fitActions, type ActionCapacity, type FittedActions } from '../../cards/fit.js';
import { fitLines } from '../../cards/fit-lines.js';
import { formatField, formatItemLine, itemActions } from '../../cards/format.js';
import type { ButtonStyle, Card, CardField, CardLink, ChoiceAction } from '../../cards/model.js';
import { ellipsizeChars, utf8Bytes } from '../../cards/utf8.js';
import { WECOM_LIMITS as L } from './limits.js';
import { wecomTaskId } from './task-id.js';
import type { WecomButton, WecomSelection, WecomTemplateCard } from './render-types.js';

export interface WecomCardOptions {
  /** Defaults to `wecomTaskId(card.key)`; the smart bot passes the callback's task_id for updates (§12). */
  readonly taskId?: string;
  /** False where callbacks cannot arrive (smart bot without a callback URL, §12): buttons become reply hints. */
  readonly interactive?: boolean;
}

/** §8 button `style` 1–4 (default 1); the doc gives no colours, so only three distinct values are used. */
const STYLE: Readonly<Record<ButtonStyle, number>> = { primary: 1, secondary: 2, danger: 3 };

// button_interaction has no jump_list (§8), so links become url buttons and share the six button slots.
const BUTTON_CAPACITY = (interactive: boolean): ActionCapacity => ({
  buttonSlots: L.buttons, linkSlots: 0, linksShareButtons: true, submitUsesButton: true, callbacks: interactive,
  questions: (qs) => qs.length === 1 && qs[0]?.multiple === false && qs[0].options.length <= L.buttonSelectionOptions,
});
const NOTICE_CAPACITY: ActionCapacity = {
  buttonSlots: 0, linkSlots: L.jumpLinks, linksShareButtons: false, submitUsesButton: false, callbacks: false, questions: () => false,
};

const chars = (s: string): number => [...s].length;

/**
 * Card → the `template_card` object of message/send (§7–8) and of the smart bot (§12, same struct). Picks the
 * card type from the content: selectors that lose nothing → vote/multiple_interaction; callbacks → button_interaction;
 * an image → news_notice; else text_notice. Throws ValidationError when the card cannot be shown on WeCom.
 */
export function renderWecomTemplateCard(card: Card, opts: WecomCardOptions = {}): WecomTemplateCard {
  const taskId = opts.taskId ?? wecomTaskId(card.key);
  const interactive = opts.interactive ?? true;
  const questions = card.actions.filter((a): a is ChoiceAction => a.type === 'choice');
  if (interactive && questions.length > 0) {
    const selector = renderSelectorCard(card, questions, taskId);
    if (selector) return selector;
  }
  const hasCallbacks = itemActions(card).length > 0 || card.actions.some((a) => a.type === 'callback');
  if (interactive && (hasCallbacks || questions.length > 0)) {
    const fitted = fitActions(card, BUTTON_CAPACITY(interactive));
    if (fitted.buttons.length > 0 || fitted.questions.length > 0) return renderButtonCard(card, fitted, taskId);
  }
  return renderNoticeCard(card, fitActions(card, NOTICE_CAPACITY), taskId);
}

function header(card: Card, taskId: string): Pick<WecomTemplateCard, 'source' | 'task_id' | 'main_title'> {
  const subtitle = card.header.subtitle;
  return {
    source: { desc: ellipsizeChars(card.header.source ?? '党建助手', L.chars.sourceDesc), desc_color: 0 },
    task_id: taskId,
    main_title: {
      title: ellipsizeChars(card.header.title, L.chars.title),
      ...(subtitle ? { desc: ellipsizeChars(subtitle, L.chars.titleDesc) } : {}),
    },
  };
}

function key(ref: string, what: string): string {
  if (utf8Bytes(ref) > L.keyBytes) throw new ValidationError(`${what} 的 key 超过 ${L.keyBytes} 字节`, { ref: ref.slice(0, 100) });
  return ref;
}

function selection(q: ChoiceAction): WecomSelection {
  if (utf8Bytes(q.id) > L.questionKeyBytes) throw new ValidationError(`question_key 超过 ${L.questionKeyBytes} 字节`, { id: q.id });
  const selected = q.options.find((o) => o.selected);
  return {
    question_key: q.id,
    title: q.title,
    ...(selected ? { selected_id: selected.id } : {}),
    option_list: q.options.map((o) => {
      if (utf8Bytes(o.id) > L.optionIdBytes) throw new ValidationError(`选项 id 超过 ${L.optionIdBytes} 字节`, { id: o.id });
      return { id: o.id, text: ellipsizeChars(o.label, L.chars.optionText) };
    }),
  };
}

/** vote/multiple_interaction carry only source, main_title and the selectors (§8): used only when that loses nothing. */
function renderSelectorCard(card: Card, qs: ChoiceAction[], taskId: string): WecomTemplateCard | undefined {
  const lossless = !card.link && card.blocks.length === 0 && card.status === undefined &&
    card.actions.every((a) => a.type === 'choice' || a.type === 'submit');
  const submit = card.actions.find((a) => a.type === 'submit');
  if (!lossless || !submit) return undefined;
  const submit_button = { text: ellipsizeChars(submit.label, L.chars.buttonText), key: key(encodeActionRef(submit.id, submit.payload), '提交按钮') };
  const [only] = qs;
  if (qs.length === 1 && only?.multiple && only.options.length <= L.checkboxOptions) {
    const { question_key, option_list } = selection(only);
    return {
      card_type: 'vote_interaction', ...header(card, taskId),
      checkbox: { question_key, option_list: option_list.map((o, i) => ({ ...o, is_checked: only.options[i]?.selected === true })), mode: 1 },
      submit_button,
    };
  }
  if (qs.length <= L.selects && qs.every((q) => !q.multiple && q.options.length <= L.selectOptions)) {
    return { card_type: 'multiple_interaction', ...header(card, taskId), select_list: qs.map(selection), submit_button };
  }
  return undefined;
}

function horizontalFields(card: Card): CardField[] | undefined {
  const fields = card.blocks.flatMap((b) => (b.type === 'fields' ? b.fields : []));
  const fits = fields.length > 0 && fields.length <= L.horizontalFields &&
    fields.every((f) => chars(f.label) <= L.chars.keyname && chars(f.value) <= L.chars.value);
  return fits ? fields : undefined;
}

/** sub_title_text: status, texts, fields that did not fit horizontally, items, hints — within the display budget. */
function subTitle(card: Card, hints: readonly string[], opts: { skipFirstEmphasis: boolean; fieldsInline: boolean }): string | undefined {
  const first = opts.skipFirstEmphasis ? card.blocks.find((b) => b.type === 'emphasis') : undefined;
  const body = card.blocks.flatMap((b): string[] => {
    switch (b.type) {
      case 'emphasis':
        return b === first ? [] : [`${b.figure} ${b.label}`];
      case 'text':
        return b.text.split('\n');
      case 'fields':
        return opts.fieldsInline ? b.fields.map((f) => formatField(f.label, f.value)) : [];
      case 'items':
        return b.items.length === 0 ? ['（暂无事项）'] : b.items.map(formatItemLine);
      case 'image':
        return [`图片：${b.alt}`];
    }
  });
  const link = card.link;
  const lines = fitLines({
    head: card.status ? [card.status] : [], body, tail: [...hints], max: L.chars.subTitle, measure: chars,
    ...(link ? { more: (n: number) => `…另有 ${n} 行，见“${link.label}”` } : {}),
    what: `卡片 ${card.key} 的 sub_title_text`,
  });
  return lines.length > 0 ? lines.join('\n') : undefined;
}

function fieldList(fields: CardField[]): WecomTemplateCard['horizontal_content_list'] {
  return fields.map((f) => ({ keyname: f.label, value: f.value, ...(f.url ? { type: 1, url: f.url } : {}) }));
}

function renderButtonCard(card: Card, fitted: FittedActions, taskId: string): WecomTemplateCard {
  const fields = horizontalFields(card);
  // button_interaction has no emphasis_content (§8): the figure becomes the first line of sub_title_text.
  const sub = subTitle(card, fitted.hints, { skipFirstEmphasis: false, fieldsInline: fields === undefined });
  const buttons: WecomButton[] = fitted.buttons.map((b) => ({
    text: ellipsizeChars(b.label, L.chars.buttonText), style: STYLE[b.style], key: key(encodeActionRef(b.id, b.payload), b.label),
  }));
  if (fitted.submit) {
    buttons.push({ text: ellipsizeChars(fitted.submit.label, L.chars.buttonText), style: 1, key: key(encodeActionRef(fitted.submit.id, fitted.submit.payload), '提交') });
  }
  for (const l of fitted.links) buttons.push({ text: ellipsizeChars(l.label, L.chars.buttonText), type: 1, url: l.url });
  const [q] = fitted.questions;
  return {
    card_type: 'button_interaction', ...header(card, taskId),
    ...(sub ? { sub_title_text: sub } : {}),
    ...(fields ? { horizontal_content_list: fieldList(fields) } : {}),
    ...(card.link ? { card_action: { type: 1 as const, url: card.link.url } } : {}),
    ...(q ? { button_selection: selection(q) } : {}),
    button_list: buttons,
  };
}

function renderNoticeCard(card: Card, fitted: FittedActions, taskId: string): WecomTemplateCard {
  // §8: text_notice/news_notice require card_action, else 42045.
  const link = card.link;
  if (!link) throw new ValidationError(`卡片 ${card.key} 没有详情链接，企业微信通知卡片必须有 card_action`, { key: card.key });
  const fields = horizontalFields(card);
  const jumps = fitted.links.map((l) => ({ type: 1, title: ellipsizeChars(l.label, L.chars.jumpTitle), url: l.url }));
  const common = {
    ...(fields ? { horizontal_content_list: fieldList(fields) } : {}),
    ...(jumps.length > 0 ? { jump_list: jumps } : {}),
    card_action: { type: 1 as const, url: link.url },
  };
  const news = newsContent(card, fitted, link, fields !== undefined);
  if (news) {
    return {
      card_type: 'news_notice', ...header(card, taskId),
      card_image: news.image,
      ...(news.entries.length > 0 ? { vertical_content_list: news.entries } : {}),
      ...common,
    };
  }
  const emphasis = card.blocks.find((b) => b.type === 'emphasis');
  const sub = subTitle(card, fitted.hints, { skipFirstEmphasis: true, fieldsInline: fields === undefined });
  return {
    card_type: 'text_notice', ...header(card, taskId),
    ...(emphasis ? { emphasis_content: { title: ellipsizeChars(emphasis.figure, L.chars.emphasisTitle), desc: ellipsizeChars(emphasis.label, L.chars.emphasisDesc) } } : {}),
    ...(sub ? { sub_title_text: sub } : {}),
    ...common,
  };
}

type VerticalEntry = NonNullable<WecomTemplateCard['vertical_content_list']>[number];

/**
 * news_notice (§8) for a card with exactly one image and otherwise only emphasis, text and fields: the image is
 * card_image (aspect_ratio clamped to §8's 1.3–2.25), and news_notice having no emphasis_content or
 * sub_title_text, the rest goes to vertical_content_list (≤ 4), one entry per block in order — an emphasis as
 * "<figure> <label>", a text block as its first line (title, ellipsized) and its other lines (desc, within
 * the desc budget, ending "…另有 N 行，见“<link>”"), fields that do not fit horizontal_content_list as a text
 * block of "label：value" lines. With more than four, the fourth entry carries what is left: its own first
 * line as title, the remaining lines of it and of every later block as desc. Undefined (→ text_notice) for
 * anything else: items, a status line or hints need sub_title_text.
 */
function newsContent(card: Card, fitted: FittedActions, link: CardLink, fieldsHorizontal: boolean): { image: NonNullable<WecomTemplateCard['card_image']>; entries: VerticalEntry[] } | undefined {
  const images = card.blocks.filter((b) => b.type === 'image');
  const [image] = images;
  if (!image || images.length !== 1 || card.status !== undefined || fitted.hints.length > 0) return undefined;
  const groups: string[][] = [];
  for (const b of card.blocks) {
    if (b.type === 'items') return undefined;
    if (b.type === 'emphasis') groups.push([`${b.figure} ${b.label}`]);
    if (b.type === 'text') groups.push(b.text.split('\n'));
    if (b.type === 'fields' && !fieldsHorizontal) groups.push(b.fields.map((f) => formatField(f.label, f.value)));
  }
  const blocks = groups.map((g) => g.filter((l) => l.trim() !== '')).filter((g) => g.length > 0);
  const shown = blocks.length > L.verticalContent ? [...blocks.slice(0, L.verticalContent - 1), blocks.slice(L.verticalContent - 1).flat()] : blocks;
  let entries: VerticalEntry[];
  try {
    entries = shown.map(([first = '', ...rest]) => {
      const desc = rest.length === 0 ? [] : fitLines({
        head: [], body: rest, tail: [], max: L.chars.verticalDesc, measure: chars,
        more: (n) => `…另有 ${n} 行，见“${link.label}”`, what: `卡片 ${card.key} 的 vertical_content_list.desc`,
      });
      return { title: ellipsizeChars(first, L.chars.title), ...(desc.length > 0 ? { desc: desc.join('\n') } : {}) };
    });
  } catch (e) {
    if (e instanceof ValidationError) return undefined; // not even the "另有" line fits: text_notice says it another way
    throw e;
  }
  const ratio = image.aspectRatio;
  const { min, max } = L.cardImageAspect;
  return {
    image: {
      url: image.url,
      ...(ratio !== undefined && Number.isFinite(ratio) && ratio > 0 ? { aspect_ratio: Math.round(Math.min(max, Math.max(min, ratio)) * 100) / 100 } : {}),
    },
    entries,
  };
}
