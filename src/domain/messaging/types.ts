import type { Card } from '../../../cards/model.js';

export type PlatformId = 'wecom' | 'dingtalk' | 'sandbox';

/**
 * What an adapter hands the core after verifying and decoding a platform callback. Person and chat
 * references are the adapter's opaque strings (WeCom userid, DingTalk staffId, sandbox person id).
 */
export interface InboundEvent {
  platform: PlatformId;
  /** Stable across the platform's retries of the same event: the dedupe key (UNIQUE(platform, event_id)). */
  eventId: string;
  /** `enter`: the person opened the chat with the bot (WeCom enter_agent; the sandbox on first open). */
  kind: 'message' | 'action' | 'enter';
  senderId: string;
  /** Present when the event happened in a group chat. */
  chatId?: string;
  /** The message text, @mention already stripped. */
  text?: string;
  action?: InboundAction;
  /** ISO time the platform says the event happened. */
  occurredAt: string;
  /** Adapter-owned context needed to answer later (ResponseCode, sessionWebhook, …); never secrets. */
  replyContext?: Record<string, unknown>;
}

export interface InboundAction {
  actionId: string;
  payload: Record<string, string>;
  /** Answers of choice questions, by question id. */
  values?: Record<string, string[]>;
  /** Idempotency key of the card the action came from, when the platform tells us. */
  cardKey?: string;
}

export type OutboundMessage = { type: 'card'; card: Card } | { type: 'text'; text: string };

/**
 * What handling an event wants said, and to whom: the sender privately, the chat the event came from, or
 * another person privately (e.g. the branch secretary who must approve an extension), on the same platform.
 */
export interface Reply {
  to: 'sender' | 'chat' | { personId: number };
  message: OutboundMessage;
}

export interface Recipient {
  platform: PlatformId;
  kind: 'person' | 'chat';
  /** Adapter's opaque id. */
  id: string;
  personId?: number;
}
