import type { Card } from '../../cards/model.js';
import { truncateUtf8 } from '../../cards/utf8.js';
import type { InboundEvent, OutboundMessage } from '../../src/domain/messaging/types.js';
import { WECOM_LIMITS as L } from './limits.js';
import { cdata, renderWecomUpdateButtonXml, renderWecomUpdateCardXml, type WecomReplyAddress } from './passive-reply.js';
import { renderWecomBotCardUpdate, renderWecomBotCardReply } from './render-bot.js';

/** The grey label of the clicked button once the click has been recorded (§5 update_button). */
export const DONE_LABEL = '已完成';

/**
 * Which passive reply answers a card click on the app (§5), given the one reply the handler held back:
 * a completion card → `update_button` (the clicker's button turns grey "已完成"); any other card → that card
 * replaces the clicked one (`update_template_card`); text, or a card WeCom cannot show as a template card
 * (e.g. a notice without a detail link, §8 card_action) → a `text` reply with its fallback text.
 */
export function appPassiveXml(event: InboundEvent, msg: OutboundMessage, to: WecomReplyAddress, taskId: string | undefined): string {
  if (msg.type === 'card') {
    if (msg.card.kind === 'completion' && event.kind === 'action') return renderWecomUpdateButtonXml(to, DONE_LABEL);
    try {
      return renderWecomUpdateCardXml(to, msg.card, taskId ? { taskId } : {});
    } catch {
      return textXml(to, msg.card.fallbackText);
    }
  }
  return textXml(to, msg.text);
}

/** §5 text: Content ≤ 2048 bytes (WeCom truncates; we do it ourselves so the cut is on a character). */
function textXml(to: WecomReplyAddress, text: string): string {
  return `<xml><ToUserName>${cdata(to.toUser)}</ToUserName><FromUserName>${cdata(to.corpId)}</FromUserName>` +
    `<CreateTime>${Math.trunc(to.createTime)}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(clip(text, L.textBytes))}</Content></xml>`;
}

function clip(text: string, maxBytes: number): string {
  return Buffer.byteLength(text, 'utf8') <= maxBytes ? text : truncateUtf8(text, maxBytes);
}

/**
 * Smart-bot passive JSON (§12). Card event → `update_template_card` for the clicker with the callback's
 * task_id; message or enter_chat in single chat → the card itself (or, when it cannot be a template card,
 * a finished stream with the text — plain text is allowed only for enter_chat). Undefined = answer empty.
 */
export function botPassiveJson(event: InboundEvent, msg: OutboundMessage, ctx: { taskId?: string; userid: string }): Record<string, unknown> | undefined {
  const card: Card | undefined = msg.type === 'card' ? msg.card : undefined;
  if (event.kind === 'action') {
    if (!card || !ctx.taskId) return undefined;
    try {
      return renderWecomBotCardUpdate(card, ctx.taskId, [ctx.userid]);
    } catch {
      return undefined;
    }
  }
  if (card) {
    try {
      return renderWecomBotCardReply(card, { interactive: true });
    } catch {
      // fall through to text
    }
  }
  const text = clip(card ? card.fallbackText : msg.type === 'text' ? msg.text : '', L.botMarkdownBytes);
  if (event.kind === 'enter') return { msgtype: 'text', text: { content: text } };
  return { msgtype: 'stream', stream: { id: `s-${event.eventId}`.slice(0, 64), finish: true, content: text } };
}
