import { ValidationError } from '../../src/errors.js';
import { encodeActionRef } from '../../cards/action-ref.js';
import { fitActions } from '../../cards/fit.js';
import { escapeMarkdown } from '../../cards/markdown.js';
import { ITEM_STATE_LABEL, ITEM_STATE_MARK, itemActions } from '../../cards/format.js';
import type { Card, CardItem, PersonalCardState } from '../../cards/model.js';
import { ellipsizeChars, utf8Bytes } from '../../cards/utf8.js';
import { DINGTALK_LIMITS as L } from './limits.js';
import { dingtalkOutTrackId } from './render-out-track-id.js';

/** `cardParamMap`: every value a string (§4.1) — booleans "true"/"false", arrays JSON-encoded. */
export type DingtalkCardParamMap = Record<string, string>;

export interface DingtalkCardData {
  cardData: { cardParamMap: DingtalkCardParamMap };
  /** Per-user private variables (must be flagged 私有 in the template, §4.1), keyed by userid. */
  privateData?: Record<string, { cardParamMap: DingtalkCardParamMap }>;
}

const bool = (b: boolean): string => (b ? 'true' : 'false');

function item(i: CardItem): Record<string, string> {
  return {
    no: String(i.no), title: i.title, state: i.state, stateLabel: ITEM_STATE_LABEL[i.state], mark: ITEM_STATE_MARK[i.state],
    detail: i.detail ?? '', hasAction: bool(i.action !== undefined),
    actionLabel: i.action?.label ?? '', actionRef: i.action ? encodeActionRef(i.action.id, i.action.payload) : '',
  };
}

/**
 * Items as one JSON value ≤ 1 KB (§4.1). Degrades visibly: long titles get "…", then trailing items give way to a
 * "另有 N 项" hint; the full list stays on the H5 page (required) and in the fallback text.
 */
function fitItems(card: Card, items: readonly CardItem[]): { json: string; omitted: number } {
  const encode = (list: readonly CardItem[], maxChars?: number): string =>
    JSON.stringify(list.map((i) => item(maxChars ? { ...i, title: ellipsizeChars(i.title, maxChars) } : i)));
  for (const maxChars of [undefined, 24, 12]) {
    const json = encode(items, maxChars);
    if (utf8Bytes(json) <= L.cardParamValueBytes) return { json, omitted: 0 };
  }
  if (!card.link) throw new ValidationError(`卡片 ${card.key} 的事项超出钉钉卡片变量 1KB 限制，且没有详情链接`, { key: card.key });
  for (let keep = items.length - 1; keep >= 0; keep--) {
    const json = encode(items.slice(0, keep), 12);
    if (utf8Bytes(json) <= L.cardParamValueBytes) return { json, omitted: items.length - keep };
  }
  return { json: '[]', omitted: items.length };
}

/**
 * The `cardParamMap` of our ONE generic interactive-card template (variables documented in cards/README.md).
 * Questions are not part of the template: they degrade to the H5 link with a hint.
 */
export function renderDingtalkCardParamMap(card: Card): DingtalkCardParamMap {
  const items = card.blocks.flatMap((b) => (b.type === 'items' ? b.items : []));
  const fitted = fitActions(card, {
    // Item buttons sit inline in the item loop, so they never compete with the card-level buttons.
    buttonSlots: L.templateButtons + itemActions(card).length, linkSlots: L.templateLinks, linksShareButtons: false,
    submitUsesButton: true, callbacks: true, questions: () => false,
  });
  const { json: itemsJson, omitted } = fitItems(card, items);
  const hints = [...fitted.hints, ...(omitted > 0 ? [`另有 ${omitted} 项，见“${card.link?.label ?? ''}”`] : [])];
  const emphasis = card.blocks.find((b) => b.type === 'emphasis');
  const image = card.blocks.find((b) => b.type === 'image');
  const texts = card.blocks.flatMap((b): string[] => {
    if (b.type === 'text') return [escapeMarkdown(b.text)];
    if (b.type === 'emphasis' && b !== emphasis) return [`**${escapeMarkdown(b.figure)}** ${escapeMarkdown(b.label)}`];
    return [];
  });
  const fields = card.blocks.flatMap((b) => (b.type === 'fields' ? b.fields : []));
  const buttons = fitted.buttons.filter((b) => !itemActions(card).includes(b));
  const map: DingtalkCardParamMap = {
    cardKey: card.key,
    kind: card.kind,
    title: card.header.title,
    subtitle: card.header.subtitle ?? '',
    source: card.header.source ?? '',
    status: card.status ?? '',
    hasStatus: bool(card.status !== undefined),
    emphasisFigure: emphasis?.figure ?? '',
    emphasisLabel: emphasis?.label ?? '',
    hasEmphasis: bool(emphasis !== undefined),
    texts: texts.join('\n\n'),
    fields: JSON.stringify(fields.map((f) => ({ label: f.label, value: f.value, url: f.url ?? '' }))),
    hasFields: bool(fields.length > 0),
    items: itemsJson,
    hasItems: bool(items.length > 0),
    buttons: JSON.stringify(buttons.map((b) => ({ id: b.id, text: b.label, style: b.style, actionRef: encodeActionRef(b.id, b.payload) }))),
    hasButtons: bool(buttons.length > 0),
    links: JSON.stringify(fitted.links.map((l) => ({ text: l.label, url: l.url }))),
    hasLinks: bool(fitted.links.length > 0),
    hint: hints.join('\n'),
    hasHint: bool(hints.length > 0),
    imageUrl: image?.url ?? '',
    imageAlt: image?.alt ?? '',
    hasImage: bool(image !== undefined),
    detailUrl: card.link?.url ?? '',
    detailLabel: card.link?.label ?? '',
    hasDetail: bool(card.link !== undefined),
  };
  checkParamMap(card, map);
  return map;
}

/** Private variables of one user (flagged 私有 in the template). */
export function renderDingtalkPrivateParamMap(state: PersonalCardState): DingtalkCardParamMap {
  return {
    myStatus: state.status ?? '',
    hasMyStatus: bool(state.status !== undefined),
    myDoneActionIds: JSON.stringify(state.doneActionIds ?? []),
  };
}

function checkParamMap(card: Card, map: DingtalkCardParamMap): void {
  const problems = Object.entries(map).flatMap(([k, v]) => [
    ...(utf8Bytes(k) > L.cardParamKeyBytes ? [`变量名 ${k} 超过 ${L.cardParamKeyBytes} 字节`] : []),
    ...(utf8Bytes(v) > L.cardParamValueBytes ? [`变量 ${k} 为 ${utf8Bytes(v)} 字节，超过 ${L.cardParamValueBytes}`] : []),
  ]);
  if (problems.length > 0) throw new ValidationError(`卡片 ${card.key} 不符合钉钉卡片变量限制：${problems.join('；')}`, problems);
}

/** cardData + privateData for createAndDeliver / update (§4.2–4.3). */
export function renderDingtalkCardData(card: Card, personal: Readonly<Record<string, PersonalCardState>> = {}): DingtalkCardData {
  const users = Object.entries(personal);
  return {
    cardData: { cardParamMap: renderDingtalkCardParamMap(card) },
    ...(users.length > 0
      ? { privateData: Object.fromEntries(users.map(([uid, s]) => [uid, { cardParamMap: renderDingtalkPrivateParamMap(s) }])) }
      : {}),
  };
}

/** The card part of `POST /v1.0/card/instances/createAndDeliver` (§4.2); the client adds space and deliver models. */
export function renderDingtalkCardInstance(card: Card, cardTemplateId: string, personal: Readonly<Record<string, PersonalCardState>> = {}): {
  cardTemplateId: string; outTrackId: string; callbackType: 'STREAM'; userIdType: 1;
} & DingtalkCardData {
  // §4.2: without callbackType STREAM no card callback reaches the Stream client.
  return { cardTemplateId, outTrackId: dingtalkOutTrackId(card.key), callbackType: 'STREAM', userIdType: 1, ...renderDingtalkCardData(card, personal) };
}

/** Body of `PUT /v1.0/card/instances` (§4.3); by key, so other users' private data stays. */
export function renderDingtalkCardUpdate(card: Card, personal: Readonly<Record<string, PersonalCardState>> = {}): {
  outTrackId: string; cardUpdateOptions: { updateCardDataByKey: true; updatePrivateDataByKey: true }; userIdType: 1;
} & DingtalkCardData {
  return {
    outTrackId: dingtalkOutTrackId(card.key), ...renderDingtalkCardData(card, personal),
    cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true }, userIdType: 1,
  };
}

/** The `response` of a card-callback ACK (§4.5): new card data, and the clicker's private data (not keyed by userid). */
export function renderDingtalkCallbackResponse(card: Card, clicker?: PersonalCardState): {
  cardData: { cardParamMap: DingtalkCardParamMap };
  userPrivateData?: { cardParamMap: DingtalkCardParamMap };
  cardUpdateOptions: { updateCardDataByKey: true; updatePrivateDataByKey: true };
} {
  return {
    cardData: { cardParamMap: renderDingtalkCardParamMap(card) },
    ...(clicker ? { userPrivateData: { cardParamMap: renderDingtalkPrivateParamMap(clicker) } } : {}),
    cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
  };
}
