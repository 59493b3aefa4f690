import { ValidationError } from '../../src/errors.js';
import { fitActions } from '../../cards/fit.js';
import { escapeMarkdown, renderMarkdown } from '../../cards/markdown.js';
import type { Card } from '../../cards/model.js';
import { utf8Bytes } from '../../cards/utf8.js';
import { DINGTALK_LIMITS as L } from './limits.js';

/** A robot message for `oToMessages/batchSend` or `groupMessages/send` (§3.3): msgParam is a JSON *string*. */
export interface DingtalkRobotMessage {
  msgKey: string;
  msgParam: string;
}

export interface DingtalkActionCardOptions {
  /** Robots only receive group messages that @ them (§3.1), so in groups a tap-to-reply button cannot reach us. */
  readonly conversation: 'single' | 'group';
}

/** §3.2: a `dtmd://dingtalkclient/sendMessage` URL posts `content` into the chat as if typed (community trick). */
export function dingtalkSendMessageUrl(text: string): string {
  return `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(text)}`;
}

/**
 * Serialises a msgParam whose markdown `text` is re-rendered smaller until the whole JSON string fits
 * `L.msgParamBytes` (§3.3); JSON escaping adds bytes, so the budget is measured on the final string.
 */
export function fitMsgParam(card: Card, build: (text: string) => Record<string, string>, render: (maxBytes: number) => string): string {
  let budget = L.msgParamBytes;
  for (let attempt = 0; attempt < 4 && budget > 0; attempt++) {
    const json = JSON.stringify(build(render(budget)));
    const over = utf8Bytes(json) - L.msgParamBytes;
    if (over <= 0) return json;
    budget -= over;
  }
  throw new ValidationError(`卡片 ${card.key} 的 msgParam 超过 ${L.msgParamBytes} 字节`, { key: card.key });
}

/**
 * Card → action card without a template (§3.3 msgKey catalogue): callback buttons become dtmd sendMessage links that
 * post the reply text ("完成 2") back to the bot; links open normally; the card's H5 link is the last button.
 * 0 buttons → sampleMarkdown, 1 → sampleActionCard, 2 → sampleActionCard6 (horizontal), 3–5 → sampleActionCard3–5.
 */
export function renderDingtalkActionCard(card: Card, opts: DingtalkActionCardOptions): DingtalkRobotMessage {
  const reserved = card.link ? 1 : 0;
  const fitted = fitActions(card, {
    buttonSlots: L.actionCardButtons - reserved, linkSlots: 0, linksShareButtons: true, submitUsesButton: true,
    callbacks: opts.conversation === 'single', questions: () => false,
  });
  const buttons = [
    ...fitted.buttons.map((b) => ({ title: b.label, url: dingtalkSendMessageUrl(b.reply) })),
    ...fitted.links.map((l) => ({ title: l.label, url: l.url })),
    ...(card.link ? [{ title: card.link.label, url: card.link.url }] : []),
  ];
  const hints = [...fitted.hints];
  if (opts.conversation === 'group' && hints.length > 0) hints.push('群里回复时请先 @ 机器人');
  const title = card.header.title;
  const render = (maxBytes: number): string =>
    // The H5 link is a button here, so the body does not repeat it.
    renderMarkdown(card, { maxBytes, includeActions: false, omitLink: true, extraTail: hints.map(escapeMarkdown) });
  if (buttons.length === 0) return { msgKey: 'sampleMarkdown', msgParam: fitMsgParam(card, (text) => ({ title, text }), render) };
  const [first, second] = buttons;
  if (buttons.length === 1 && first) {
    return { msgKey: 'sampleActionCard', msgParam: fitMsgParam(card, (text) => ({ title, text, singleTitle: first.title, singleURL: first.url }), render) };
  }
  if (buttons.length === L.horizontalButtons && first && second) {
    return {
      msgKey: 'sampleActionCard6',
      msgParam: fitMsgParam(card, (text) => ({ title, text, buttonTitle1: first.title, buttonUrl1: first.url, buttonTitle2: second.title, buttonUrl2: second.url }), render),
    };
  }
  const numbered = Object.fromEntries(buttons.flatMap((b, i) => [[`actionTitle${i + 1}`, b.title], [`actionURL${i + 1}`, b.url]]));
  return { msgKey: `sampleActionCard${buttons.length}`, msgParam: fitMsgParam(card, (text) => ({ title, text, ...numbered }), render) };
}
