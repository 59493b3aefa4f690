import { decodeActionRef } from '../../cards/action-ref.js';
import type { InboundEvent } from '../../src/domain/messaging/types.js';
import type { DingtalkStreamFrame } from './stream-connection.js';

/** What the robot-message callback carries (§3.1); only the fields we use, all optional: parse defensively. */
export interface DingtalkRobotMessage {
  msgId?: string;
  msgtype?: string;
  conversationId?: string;
  conversationType?: string;
  senderStaffId?: string;
  senderId?: string;
  senderNick?: string;
  text?: { content?: string };
  content?: { recognition?: string; richText?: { text?: string }[] };
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
  createAt?: number;
  errMsg?: string;
}

/** What a sessionWebhook reply needs later (§3.2); stored with the event, never logged (the URL is a credential). */
export interface DingtalkReplyContext {
  sessionWebhook: string;
  sessionWebhookExpiredTime: number;
  conversationType: '1' | '2';
  conversationId: string;
  senderId: string;
}

/** §1.3: `data` is always a JSON-encoded string. */
export function parseFrameData(frame: DingtalkStreamFrame): Record<string, unknown> {
  const parsed: unknown = JSON.parse(frame.data);
  if (!parsed || typeof parsed !== 'object') throw new Error('frame data is not a JSON object');
  return parsed as Record<string, unknown>;
}

const timeOf = (ms: unknown, fallback: unknown): string => {
  const n = typeof ms === 'number' ? ms : Number(fallback);
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : new Date(0).toISOString();
};

/** The text a person typed: text, richText parts, or audio recognition (§3.1); groups: the @mention stripped. */
function messageText(m: DingtalkRobotMessage, group: boolean): string {
  let text = '';
  if (m.msgtype === 'text' || m.text?.content !== undefined) text = m.text?.content ?? '';
  else if (m.msgtype === 'richText') text = (m.content?.richText ?? []).map((p) => p.text ?? '').join('');
  else if (m.msgtype === 'audio') text = m.content?.recognition ?? '';
  text = text.trim();
  // §3.1: DingTalk strips the @mention in groups but leaves a leading space; strip a leftover "@name " too.
  if (group) text = text.replace(/^(?:@\S+\s*)+/u, '').trim();
  return text;
}

/**
 * A robot message (topic `/v1.0/im/bot/messages/get`) → InboundEvent. Dedupe key `msgId` (§1.5, §9.4: re-pushes carry
 * the same data), falling back to the frame's messageId. Returns undefined when no sender can be named.
 */
export function robotMessageEvent(frame: DingtalkStreamFrame): InboundEvent | undefined {
  const m = parseFrameData(frame) as DingtalkRobotMessage;
  // §3.1: conversationType is a string; "2" = group (robots only get group messages that @ them).
  const group = String(m.conversationType) === '2';
  // §3.1: senderStaffId is the org userid (our identity); absent for people outside the org. The encrypted senderId
  // still lets us answer them in the 1:1 chat through the sessionWebhook.
  const senderId = m.senderStaffId || (m.senderId ? `anon:${m.senderId}` : '');
  const eventKey = m.msgId || frame.headers.messageId;
  if (!senderId || !eventKey) return undefined;
  const replyContext: DingtalkReplyContext | undefined =
    m.sessionWebhook && typeof m.sessionWebhookExpiredTime === 'number'
      ? { sessionWebhook: m.sessionWebhook, sessionWebhookExpiredTime: m.sessionWebhookExpiredTime,
          conversationType: group ? '2' : '1', conversationId: m.conversationId ?? '', senderId }
      : undefined;
  return {
    platform: 'dingtalk',
    eventId: `msg:${eventKey}`,
    kind: 'message',
    senderId,
    ...(group && m.conversationId ? { chatId: m.conversationId } : {}),
    text: messageText(m, group),
    occurredAt: timeOf(m.createAt, frame.headers.time),
    ...(replyContext ? { replyContext: { ...replyContext } } : {}),
  };
}

/** A card callback's parsed data (§4.5). */
export interface DingtalkCardCallback {
  outTrackId?: string;
  userId?: string;
  spaceType?: string;
  spaceId?: string;
  content?: string;
  value?: string;
}

interface CallbackContent {
  cardPrivateData?: { actionIds?: string[]; params?: Record<string, unknown> };
}

/**
 * A card callback (topic `/v1.0/card/instances/callback`) → InboundEvent. §4.5: `content` (fallback `value`) is a JSON
 * string; our template sends `params.action` = the action ref and `params.card` = the card key (cards/README.md).
 * The event id is card + clicker + action: a re-push and a double tap are one event (as WeCom's EventKey+TaskId).
 */
export function cardCallbackEvent(frame: DingtalkStreamFrame): { event: InboundEvent; outTrackId: string } | undefined {
  const d = parseFrameData(frame) as DingtalkCardCallback;
  const raw = d.content ?? d.value;
  let content: CallbackContent = {};
  try {
    content = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as CallbackContent;
  } catch {
    content = {};
  }
  const params = content.cardPrivateData?.params ?? {};
  const ref = typeof params.action === 'string' ? params.action : content.cardPrivateData?.actionIds?.[0];
  const decoded = ref ? decodeActionRef(ref) : undefined;
  if (!decoded || !d.userId || !d.outTrackId) return undefined;
  const cardKey = typeof params.card === 'string' ? params.card : d.outTrackId;
  const values: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k !== 'action' && k !== 'card' && Array.isArray(v)) values[k] = v.map(String);
  }
  // §4.5: spaceType values like "IM" occur; only IM_GROUP is a group.
  const group = String(d.spaceType ?? '').toUpperCase() === 'IM_GROUP' && typeof d.spaceId === 'string';
  return {
    outTrackId: d.outTrackId,
    event: {
      platform: 'dingtalk',
      eventId: `card:${d.outTrackId}:${d.userId}:${ref}`,
      kind: 'action',
      senderId: d.userId,
      ...(group ? { chatId: d.spaceId } : {}),
      action: { actionId: decoded.id, payload: decoded.payload, cardKey, ...(Object.keys(values).length ? { values } : {}) },
      occurredAt: timeOf(undefined, frame.headers.time),
      replyContext: { outTrackId: d.outTrackId },
    },
  };
}
