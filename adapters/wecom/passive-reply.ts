import type { Card } from '../../cards/model.js';
import { renderWecomTemplateCard, type WecomCardOptions } from './render-card.js';

/**
 * Plaintext XML bodies of passive replies to a `template_card_event` (§5). The HTTP layer encrypts them into
 * the §3.3 envelope. Element layout of `update_template_card` mirrors §8 as the SDKs do (SDK-only, §5):
 * snake_case → PascalCase, arrays as repeated elements named after the list, strings in CDATA, numbers and
 * booleans bare.
 */

// XML 1.0 forbids most C0 controls even inside CDATA; a stray one would make WeCom reject the whole reply.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `<![CDATA[…]]>` that survives any text: `]]>` is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(XML_INVALID, '').split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** Names whose PascalCase differs from the plain rule (SDK-confirmed spellings, §5). */
const NAME: Readonly<Record<string, string>> = { keyname: 'KeyName', checkbox: 'CheckBox', id: 'Id' };

function elementName(key: string): string {
  return NAME[key] ?? key.split('_').map((p) => (p === '' ? '' : p[0]?.toUpperCase() + p.slice(1))).join('');
}

function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>).map(([k, v]) => toXml(elementName(k), v)).join('');
    return `<${name}>${inner}</${name}>`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `<${name}>${String(value)}</${name}>`;
  return `<${name}>${cdata(String(value))}</${name}>`;
}

export interface WecomReplyAddress {
  /** The clicking member's UserID (the callback's FromUserName). */
  readonly toUser: string;
  /** The CorpID (the callback's ToUserName). */
  readonly corpId: string;
  /** Unix seconds. */
  readonly createTime: number;
}

function envelope(to: WecomReplyAddress, msgType: string, body: string): string {
  return `<xml><ToUserName>${cdata(to.toUser)}</ToUserName><FromUserName>${cdata(to.corpId)}</FromUserName>` +
    `<CreateTime>${Math.trunc(to.createTime)}</CreateTime><MsgType>${cdata(msgType)}</MsgType>${body}</xml>`;
}

/** `update_button`: the clicked button turns grey with `replaceName` (e.g. "已完成"), for the clicker only (§5). */
export function renderWecomUpdateButtonXml(to: WecomReplyAddress, replaceName: string): string {
  return envelope(to, 'update_button', `<Button><ReplaceName>${cdata(replaceName)}</ReplaceName></Button>`);
}

/** `update_template_card`: the clicker's card is replaced by `card` (§5); `replaceText` greys interaction buttons. */
export function renderWecomUpdateCardXml(to: WecomReplyAddress, card: Card, opts: WecomCardOptions & { replaceText?: string } = {}): string {
  const tc = renderWecomTemplateCard(card, opts);
  if (opts.replaceText !== undefined && tc.card_type !== 'text_notice' && tc.card_type !== 'news_notice') tc.replace_text = opts.replaceText;
  return envelope(to, 'update_template_card', toXml('TemplateCard', tc));
}
