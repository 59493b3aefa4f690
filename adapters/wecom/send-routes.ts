import type { SendItem } from '../../src/domain/messaging/platform.js';
import type { WecomAppReplyContext } from './inbound.js';
import type { WecomBotReplyContext } from './bot-inbound.js';

/**
 * How one outbox row reaches WeCom. A reply to a click may update the clicked card with the click's
 * ResponseCode (§9, 72 h, once); a reply to the smart bot goes to its response_url (§12, 1 h, once); a group
 * chat of the smart bot is reachable only that way; everything else is `message/send` to the member (§7).
 */
export type SendRoute =
  | { kind: 'update-card'; responseCode: string }
  | { kind: 'response-url'; url: string; singleChat: boolean }
  | { kind: 'unreachable-chat' }
  | { kind: 'message-send' };

/**
 * The inbox names reply rows `reply:<platform>:<eventId>:<index>` (src/inbox/handle-inbound.ts); a single-use
 * code belongs to the first reply only, so a second reply to the same event never spends it.
 */
const FIRST_REPLY = /^reply:wecom:.*:0$/;

export function sendRoute(item: SendItem, now: Date): SendRoute {
  const ctx = (item.replyContext ?? {}) as Partial<WecomAppReplyContext> & Partial<WecomBotReplyContext>;
  const first = FIRST_REPLY.test(item.idempotencyKey);
  const fresh = (iso: string | undefined) => iso !== undefined && Date.parse(iso) > now.getTime();
  if (ctx.via === 'bot' && first && ctx.responseUrl && fresh(ctx.responseUrlExpiresAt)) {
    const toChat = item.recipientKind === 'chat' && item.recipient === ctx.chatId;
    const toSingle = item.recipientKind === 'person' && ctx.chatType === 'single' && item.recipient === ctx.userid;
    if (toChat || toSingle) return { kind: 'response-url', url: ctx.responseUrl, singleChat: toSingle };
  }
  if (item.recipientKind === 'chat') return { kind: 'unreachable-chat' };
  if (ctx.via === 'app' && first && item.message.type === 'card' && ctx.responseCode && fresh(ctx.responseCodeExpiresAt) && item.recipient === ctx.userid) {
    return { kind: 'update-card', responseCode: ctx.responseCode };
  }
  return { kind: 'message-send' };
}
