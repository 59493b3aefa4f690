import { decodeActionRef } from '../../cards/action-ref.js';
import type { InboundEvent } from '../../src/domain/messaging/types.js';
import type { WecomCallbackXml } from './callback-xml.js';

/** §4.2 / §16.7: a click's ResponseCode is valid 72 h and usable once. */
export const RESPONSE_CODE_TTL_MS = 72 * 3600_000;

/** What an app callback leaves for answering later (InboundEvent.replyContext); never secrets. */
export type WecomAppReplyContext = {
  via: 'app';
  userid: string;
  taskId?: string;
  cardType?: string;
  responseCode?: string;
  /** ISO; after this the code is useless (§4.2). */
  responseCodeExpiresAt?: string;
};

export type AppInbound = { event: InboundEvent } | { ignored: string };

/**
 * Decrypted app callback → InboundEvent (§4). Text messages and card clicks become messages and actions;
 * enter_agent the welcome; everything else (images, subscribe, change_contact, …) is ignored.
 */
export function appInboundEvent(x: WecomCallbackXml, receivedAt: Date): AppInbound {
  const from = x.FromUserName;
  if (!from) return { ignored: 'no FromUserName' };
  const occurredAt = unixToIso(x.CreateTime, receivedAt);
  if (x.MsgType === 'text') {
    // §4.1 / §3.4: messages dedupe on MsgId, kept as the string it arrived as (64-bit, §3.5).
    if (!x.MsgId || !/^\d{1,20}$/.test(x.MsgId)) return { ignored: 'text message without a MsgId' };
    return {
      event: {
        platform: 'wecom', eventId: `msg:${x.MsgId}`, kind: 'message', senderId: from, text: (x.Content ?? '').trim(), occurredAt,
        replyContext: { via: 'app', userid: from } satisfies WecomAppReplyContext,
      },
    };
  }
  if (x.MsgType !== 'event') return { ignored: `message type ${x.MsgType ?? '(none)'}` };
  if (x.Event === 'enter_agent') {
    // WeCom fires enter_agent on every visit; one welcome per member (as the sandbox does) rather than one per visit.
    return { event: { platform: 'wecom', eventId: `enter:${from}`, kind: 'enter', senderId: from, occurredAt } };
  }
  if (x.Event === 'template_card_event' || x.Event === 'template_card_menu_event') {
    const key = x.EventKey ?? '';
    if (key === '') return { ignored: `${x.Event} without EventKey` };
    const ref = decodeActionRef(key);
    const values: Record<string, string[]> = {};
    for (const item of x.SelectedItems) values[item.QuestionKey] = item.OptionIds;
    const ctx: WecomAppReplyContext = {
      via: 'app', userid: from,
      ...(x.TaskId ? { taskId: x.TaskId } : {}),
      ...(x.CardType ? { cardType: x.CardType } : {}),
      ...(x.ResponseCode ? { responseCode: x.ResponseCode, responseCodeExpiresAt: new Date(receivedAt.getTime() + RESPONSE_CODE_TTL_MS).toISOString() } : {}),
    };
    return {
      event: {
        platform: 'wecom',
        // §3.4: events have no MsgId; FromUserName+CreateTime is WeCom's key, EventKey+TaskId because two clicks
        // (two buttons, two cards) can share a second.
        eventId: `ev:${from}:${x.CreateTime ?? ''}:${x.TaskId ?? ''}:${key}`,
        kind: 'action', senderId: from, occurredAt,
        action: { actionId: ref?.id ?? key, payload: ref?.payload ?? {}, ...(x.SelectedItems.length > 0 ? { values } : {}) },
        replyContext: ctx,
      },
    };
  }
  return { ignored: `event ${x.Event ?? '(none)'}` };
}

function unixToIso(seconds: string | undefined, fallback: Date): string {
  const n = seconds !== undefined && /^\d{1,12}$/.test(seconds) ? Number(seconds) : NaN;
  return Number.isFinite(n) ? new Date(n * 1000).toISOString() : fallback.toISOString();
}
