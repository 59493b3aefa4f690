import { decodeActionRef } from '../../cards/action-ref.js';
import type { InboundEvent } from '../../src/domain/messaging/types.js';

/** §12: a response_url may be used once, within 1 hour. */
export const RESPONSE_URL_TTL_MS = 3600_000;

/** What a smart-bot callback leaves for answering later (InboundEvent.replyContext). */
export type WecomBotReplyContext = {
  via: 'bot';
  userid: string;
  chatType: 'single' | 'group';
  chatId?: string;
  taskId?: string;
  responseUrl?: string;
  /** ISO; §12: 1 h after the callback. */
  responseUrlExpiresAt?: string;
};

export type BotInbound = { event: InboundEvent } | { ignored: string };

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** The bot is addressed as "@党建助手 …" (§12: the text includes the mention); also tolerates a trailing mention. */
export function stripMention(text: string): string {
  return text.replace(/^(\s*@\S+)+\s*/u, '').replace(/\s+@\S+\s*$/u, '').trim();
}

/**
 * Decrypted smart-bot JSON (§12) → InboundEvent. Text (group @mentions and single chat), template card
 * clicks and enter_chat; other msgtypes (image, voice, stream polls, feedback) are ignored.
 */
export function botInboundEvent(body: unknown, receivedAt: Date): BotInbound {
  const b = obj(body);
  // §3.5: ids stay strings; msgid is the dedupe key (§12: repeated callbacks happen).
  const msgid = s(b.msgid);
  const from = s(obj(b.from).userid);
  if (!msgid || !from) return { ignored: 'no msgid or from.userid' };
  const chatType = b.chattype === 'group' ? 'group' : 'single';
  const chatId = chatType === 'group' ? s(b.chatid) : undefined;
  if (chatType === 'group' && !chatId) return { ignored: 'group message without chatid' };
  const responseUrl = s(b.response_url);
  const ctx: WecomBotReplyContext = {
    via: 'bot', userid: from, chatType, ...(chatId ? { chatId } : {}),
    ...(responseUrl ? { responseUrl, responseUrlExpiresAt: new Date(receivedAt.getTime() + RESPONSE_URL_TTL_MS).toISOString() } : {}),
  };
  // Unix seconds; anything that is not a representable date (1e20, NaN) falls back to the arrival time.
  const created = new Date(Number(s(b.create_time)) * 1000);
  const occurredAt = Number(s(b.create_time)) > 0 && !Number.isNaN(created.getTime()) ? created.toISOString() : receivedAt.toISOString();
  const base = { platform: 'wecom' as const, eventId: `bot:${msgid}`, senderId: from, occurredAt, ...(chatId ? { chatId } : {}) };

  if (b.msgtype === 'text') {
    const text = stripMention(s(obj(b.text).content) ?? '');
    return { event: { ...base, kind: 'message', text, replyContext: ctx } };
  }
  if (b.msgtype !== 'event') return { ignored: `bot msgtype ${String(b.msgtype)}` };
  const ev = obj(b.event);
  const type = s(ev.eventtype);
  if (type === 'enter_chat') return { event: { ...base, kind: 'enter', replyContext: ctx } };
  if (type !== 'template_card_event') return { ignored: `bot event ${type ?? '(none)'}` };
  const tc = obj(ev.template_card_event);
  // §12: the field table says eventkey/cardtype, the examples event_key/card_type — accept both.
  const key = s(tc.event_key) ?? s(tc.eventkey);
  if (!key) return { ignored: 'bot card event without event_key' };
  const taskId = s(tc.task_id) ?? s(tc.taskid);
  const values: Record<string, string[]> = {};
  for (const item of arr(obj(tc.selected_items).selected_item)) {
    const q = s(obj(item).question_key);
    if (q) values[q] = arr(obj(obj(item).option_ids).option_id).map((x) => s(x)).filter((x): x is string => x !== undefined);
  }
  const ref = decodeActionRef(key);
  return {
    event: {
      ...base, kind: 'action',
      action: { actionId: ref?.id ?? key, payload: ref?.payload ?? {}, ...(Object.keys(values).length > 0 ? { values } : {}) },
      replyContext: { ...ctx, ...(taskId ? { taskId } : {}) },
    },
  };
}
