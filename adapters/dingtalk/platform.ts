import type { DingtalkConfig } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Platform, SendItem, SendResult } from '../../src/domain/messaging/platform.js';
import { ValidationError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { DingtalkApiError } from './client-errors.js';
import type { DingtalkClient } from './client.js';
import type { DingtalkReplyContext } from './inbound.js';
import { renderDingtalkActionCard, type DingtalkRobotMessage } from './render-action-card.js';
import { dingtalkOutTrackId } from './render-out-track-id.js';
import { renderDingtalkText, renderSessionWebhookBody } from './render-webhook.js';
import { createAndDeliverCard, createAndDeliverBody } from './send-card.js';

/** §3.3: batchSend takes at most 20 userIds. */
const BATCH_SEND_MAX = 20;
/** A sessionWebhook is used only with this much validity left (§9.11), so it cannot expire mid-request. */
const WEBHOOK_MARGIN_MS = 60_000;
/** §3.3: flow-controlled recipients (throttled) are retried later; the window is undocumented. */
const FLOW_CONTROL_RETRY_MS = 30_000;

interface BatchSendAnswer {
  processQueryKey?: string;
  invalidStaffIdList?: string[];
  flowControlledStaffIdList?: string[];
  filteredStaffIdList?: string[];
}

type Ok = Extract<SendResult, { ok: true }>;
type Failed = Extract<SendResult, { ok: false }>;

/** Any error → a per-item result: typed DingTalk errors keep their verdict, rendering errors are final. */
export function failure(outboxId: number, err: unknown): Failed {
  if (err instanceof DingtalkApiError) {
    return { outboxId, ok: false, retryable: err.retryable, error: err.message, ...(err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {}) };
  }
  if (err instanceof ValidationError) return { outboxId, ok: false, retryable: false, error: err.message };
  return { outboxId, ok: false, retryable: true, error: err instanceof Error ? err.message : String(err) };
}

/** The reply context's sessionWebhook, if it answers this very recipient and is still valid (§3.2, §9.11). */
function usableWebhook(item: SendItem, now: number): string | undefined {
  const c = (item.replyContext ?? undefined) as Partial<DingtalkReplyContext> | undefined;
  if (!c?.sessionWebhook || typeof c.sessionWebhookExpiredTime !== 'number') return undefined;
  if (c.sessionWebhookExpiredTime - WEBHOOK_MARGIN_MS <= now) return undefined;
  // A group message's webhook posts into the group: a private reply to the sender must not go there.
  const same = item.recipientKind === 'chat'
    ? c.conversationType === '2' && c.conversationId === item.recipient
    : c.conversationType === '1' && c.senderId === item.recipient;
  return same ? c.sessionWebhook : undefined;
}

/**
 * The outbox's DingTalk sender (Platform port). Cards go out as interactive cards when a template is configured
 * (createAndDeliver, outTrackId from the idempotency key), otherwise as action cards whose buttons post the reply
 * text back (§3.2) or markdown. Robot messages use the conversation's sessionWebhook while it is valid, else the
 * OpenAPI: batchSend for people (≤ 20, identical messages share a call), groupMessages/send for chats.
 */
export function createDingtalkPlatform(opts: { config: DingtalkConfig; client: DingtalkClient; clock: Clock; logger: Logger }): Platform {
  const { config, client } = opts;

  async function sendCard(item: SendItem & { message: { type: 'card' } }, templateId: string): Promise<SendResult> {
    try {
      const outTrackId = dingtalkOutTrackId(item.idempotencyKey);
      const body = createAndDeliverBody(item.message.card, { templateId, robotCode: config.robotCode, outTrackId, target: { kind: item.recipientKind, id: item.recipient } });
      return { outboxId: item.outboxId, ok: true, platformRef: await createAndDeliverCard(client, body) };
    } catch (err) {
      return failure(item.outboxId, err);
    }
  }

  async function sendToChat(item: SendItem, msg: DingtalkRobotMessage): Promise<SendResult> {
    try {
      const answer = await client.api<{ processQueryKey?: string }>('POST', '/v1.0/robot/groupMessages/send', {
        robotCode: config.robotCode, openConversationId: item.recipient, msgKey: msg.msgKey, msgParam: msg.msgParam,
      });
      return { outboxId: item.outboxId, ok: true, platformRef: answer.processQueryKey ?? 'group-send' };
    } catch (err) {
      return failure(item.outboxId, err);
    }
  }

  /** One batchSend for people who get the identical message; per-user failures from the answer lists (§3.3). */
  async function batchSend(items: SendItem[], msg: DingtalkRobotMessage): Promise<SendResult[]> {
    try {
      const answer = await client.api<BatchSendAnswer>('POST', '/v1.0/robot/oToMessages/batchSend', {
        robotCode: config.robotCode, userIds: items.map((i) => i.recipient), msgKey: msg.msgKey, msgParam: msg.msgParam,
      });
      const invalid = new Set([...(answer.invalidStaffIdList ?? []), ...(answer.filteredStaffIdList ?? [])]);
      const throttled = new Set(answer.flowControlledStaffIdList ?? []);
      return items.map((i): SendResult => {
        if (invalid.has(i.recipient)) return { outboxId: i.outboxId, ok: false, retryable: false, error: `batchSend: ${i.recipient} is not a valid recipient (invalidStaffIdList)` };
        if (throttled.has(i.recipient)) {
          return { outboxId: i.outboxId, ok: false, retryable: true, retryAfterMs: FLOW_CONTROL_RETRY_MS, deferred: true, error: `batchSend: ${i.recipient} flow-controlled` };
        }
        return { outboxId: i.outboxId, ok: true, platformRef: answer.processQueryKey ?? 'batch-send' } satisfies Ok;
      });
    } catch (err) {
      return items.map((i) => failure(i.outboxId, err));
    }
  }

  return {
    id: 'dingtalk',
    // One createAndDeliver per card; robot messages are grouped into batchSend calls within a chunk.
    maxBatch: 100,
    async send(items: SendItem[]): Promise<SendResult[]> {
      const results = new Map<number, SendResult>();
      const work: Promise<void>[] = [];
      const byMessage = new Map<string, { msg: DingtalkRobotMessage; items: SendItem[] }>();
      const now = opts.clock.now().getTime();
      for (const item of items) {
        if (item.message.type === 'card' && config.cardTemplateId) {
          work.push(sendCard(item as SendItem & { message: { type: 'card' } }, config.cardTemplateId).then((r) => void results.set(item.outboxId, r)));
          continue;
        }
        let msg: DingtalkRobotMessage;
        try {
          msg = item.message.type === 'text'
            ? renderDingtalkText(item.message.text)
            : renderDingtalkActionCard(item.message.card, { conversation: item.recipientKind === 'chat' ? 'group' : 'single' });
        } catch (err) {
          results.set(item.outboxId, failure(item.outboxId, err));
          continue;
        }
        const webhook = usableWebhook(item, now);
        work.push((async () => {
          if (webhook) {
            try {
              await client.sessionWebhook(webhook, renderSessionWebhookBody(msg));
              results.set(item.outboxId, { outboxId: item.outboxId, ok: true, platformRef: 'session-webhook' });
              return;
            } catch (err) {
              opts.logger.warn({ outboxId: item.outboxId, err: (err as Error).message }, 'dingtalk: sessionWebhook reply failed, using the OpenAPI');
            }
          }
          if (item.recipientKind === 'chat') {
            results.set(item.outboxId, await sendToChat(item, msg));
            return;
          }
          const key = `${msg.msgKey}\n${msg.msgParam}`;
          const group = byMessage.get(key) ?? byMessage.set(key, { msg, items: [] }).get(key)!;
          group.items.push(item);
        })());
      }
      await Promise.all(work);
      const batches: Promise<void>[] = [];
      for (const { msg, items: group } of byMessage.values()) {
        for (let i = 0; i < group.length; i += BATCH_SEND_MAX) {
          const chunk = group.slice(i, i + BATCH_SEND_MAX);
          batches.push(batchSend(chunk, msg).then((rs) => rs.forEach((r) => results.set(r.outboxId, r))));
        }
      }
      await Promise.all(batches);
      return items.map((i) => results.get(i.outboxId) ?? { outboxId: i.outboxId, ok: false, retryable: true, error: 'dingtalk: no result' });
    },
  };
}
