import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { InboundEvent } from '../../src/domain/messaging/types.js';

/** Request bodies of the sandbox API: what a person typed or clicked, as the sandbox page sends it. */
export const sandboxMessageBody = z.object({
  /** Person id of the sender. */
  from: z.coerce.number().int().positive(),
  /** Group chat (its sandbox external id) when the message is posted into a group. */
  chat: z.string().min(1).max(64).optional(),
  text: z.string().trim().min(1, '消息不能为空').max(2000, '消息过长（最多 2000 字）'),
  /** Optional client-chosen id: posting the same id twice is one message (like a platform retry). */
  eventId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});

export const sandboxActionBody = z.object({
  from: z.coerce.number().int().positive(),
  chat: z.string().min(1).max(64).optional(),
  /** The card's idempotency key and the action clicked. */
  card: z.string().min(1).max(256),
  action: z.string().min(1).max(128),
  payload: z.record(z.string(), z.string()).default({}),
  values: z.record(z.string(), z.array(z.string())).optional(),
  /** The button's text, only to show the click in the conversation. */
  label: z.string().max(40).optional(),
  eventId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});

export type SandboxMessageBody = z.infer<typeof sandboxMessageBody>;
export type SandboxActionBody = z.infer<typeof sandboxActionBody>;

export function messageEvent(body: SandboxMessageBody, at: Date): InboundEvent {
  return {
    platform: 'sandbox',
    eventId: body.eventId ?? `m-${randomUUID()}`,
    kind: 'message',
    senderId: String(body.from),
    ...(body.chat ? { chatId: body.chat } : {}),
    text: body.text,
    occurredAt: at.toISOString(),
  };
}

export function actionEvent(body: SandboxActionBody, at: Date): InboundEvent {
  return {
    platform: 'sandbox',
    // A click on the same button of the same card by the same person is one event, as on WeCom (EventKey+TaskId).
    eventId: body.eventId ?? `a-${randomUUID()}`,
    kind: 'action',
    senderId: String(body.from),
    ...(body.chat ? { chatId: body.chat } : {}),
    action: { actionId: body.action, payload: body.payload, cardKey: body.card, ...(body.values ? { values: body.values } : {}) },
    occurredAt: at.toISOString(),
  };
}

export const sandboxEnterBody = z.object({ from: z.coerce.number().int().positive() });

/** Opening the 1:1 chat for the first time: the event id is per person, so the welcome comes once. */
export function enterEvent(from: number, at: Date): InboundEvent {
  return { platform: 'sandbox', eventId: `enter-${from}`, kind: 'enter', senderId: String(from), occurredAt: at.toISOString() };
}
