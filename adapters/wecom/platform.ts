import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Platform, SendItem, SendResult } from '../../src/domain/messaging/platform.js';
import type { Logger } from '../../src/log.js';
import { WecomApiError } from './api-errors.js';
import type { WecomClient } from './client.js';
import { MemberRateLimit } from './member-rate-limit.js';
import { DONE_LABEL } from './passive-answer.js';
import { renderWecomBotCardReply, renderWecomBotMarkdown } from './render-bot.js';
import { renderWecomButtonUpdate, renderWecomCardUpdate, renderWecomMarkdownMessage, renderWecomTemplateCardMessage } from './render-message.js';
import { sendRoute } from './send-routes.js';
import { wecomTaskId } from './task-id.js';
import { WECOM_LIMITS as L } from './limits.js';
import { truncateUtf8 } from '../../cards/utf8.js';

export interface WecomPlatformOptions {
  client: WecomClient;
  agentId: number;
  database: Database;
  clock: Clock;
  logger: Logger;
  memberLimit?: MemberRateLimit;
  /** Calls in flight at once within one send() (§14 45033 is the signal it is too many). */
  concurrency?: number;
}

/** §9 / §7: a response_code lives 72 h. */
const RESPONSE_CODE_MS = 72 * 3600_000;

type Outcome = SendResult;
const ok = (item: SendItem, ref?: string): Outcome => ({ outboxId: item.outboxId, ok: true, ...(ref ? { platformRef: ref } : {}) });
const fail = (item: SendItem, err: unknown): Outcome => {
  const e = err instanceof WecomApiError ? err : undefined;
  return {
    outboxId: item.outboxId, ok: false, retryable: e ? e.retryable : false,
    error: err instanceof Error ? err.message : String(err),
    ...(e?.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  };
};

/**
 * The outbox's way out to WeCom. Template cards go one member per call, with task_id = the row's
 * idempotency key (§8: unique per app): a resend after a crash or timeout gets 42014 and counts as delivered,
 * so nobody gets a card twice, and a click's TaskId names exactly one row. (A 1000-member batch would share
 * one task_id: a retry whose batch differs could then be wrongly taken as delivered — README "task_id".)
 * Identical texts, which have no task_id, are batched up to 1000 per call (§7 touser).
 */
export function createWecomPlatform(opts: WecomPlatformOptions): Platform {
  const limit = opts.memberLimit ?? new MemberRateLimit();
  const concurrency = opts.concurrency ?? 16;
  const log = opts.logger;

  async function messageSend(body: Record<string, unknown>, touser: string[]): Promise<{ rejected: Map<string, string>; msgid?: string; responseCode?: string }> {
    const res = await opts.client.call('POST', '/cgi-bin/message/send', { body });
    // §7 / §16.11: partial failure still sends; the ids come back lower-cased.
    const rejected = new Map<string, string>();
    const list = (v: unknown) => (typeof v === 'string' && v !== '' ? v.split('|').map((s) => s.toLowerCase()) : []);
    for (const u of list(res.invaliduser)) rejected.set(u, '接收人无效或不在应用可见范围内（invaliduser）');
    for (const u of list(res.unlicenseduser)) rejected.set(u, '接收人没有企业微信基础接口许可（unlicenseduser）');
    const touched = new Set(touser.map((u) => u.toLowerCase()));
    for (const u of rejected.keys()) if (!touched.has(u)) rejected.delete(u);
    return {
      rejected,
      ...(typeof res.msgid === 'string' && res.msgid ? { msgid: res.msgid } : {}),
      ...(typeof res.response_code === 'string' && res.response_code ? { responseCode: res.response_code } : {}),
    };
  }

  const codes: { id: number; code: string }[] = [];

  async function sendCardOrText(item: SendItem): Promise<Outcome> {
    const slot = limit.take(item.recipient);
    if (!slot.ok) return { outboxId: item.outboxId, ok: false, retryable: true, error: '对该成员的发送频率已达上限（每分钟 30 条），稍后再发', retryAfterMs: slot.retryAfterMs, deferred: true };
    const target = { agentId: opts.agentId, touser: [item.recipient] };
    const taskId = wecomTaskId(item.idempotencyKey);
    let body: Record<string, unknown>;
    let ref: string | undefined;
    try {
      if (item.message.type === 'text') {
        body = textBody(opts.agentId, [item.recipient], item.message.text);
      } else {
        try {
          body = { ...renderWecomTemplateCardMessage(item.message.card, target, { taskId }) };
          ref = taskId;
        } catch {
          // Not showable as a template card (e.g. a notice without a link, §8 card_action): markdown (§10).
          body = { ...renderWecomMarkdownMessage(item.message.card, target) };
        }
      }
      const res = await messageSend(body, [item.recipient]);
      const why = res.rejected.get(item.recipient.toLowerCase());
      if (why) return { outboxId: item.outboxId, ok: false, retryable: false, error: why };
      if (res.responseCode) codes.push({ id: item.outboxId, code: res.responseCode });
      return ok(item, ref ?? res.msgid);
    } catch (err) {
      limit.untake(item.recipient);
      // §16.10: the task_id exists, so the first attempt was accepted — delivered, not a second card.
      if (ref && err instanceof WecomApiError && err.errcode === 42014) return ok(item, ref);
      return fail(item, err);
    }
  }

  async function updateCard(item: SendItem, responseCode: string): Promise<Outcome> {
    if (item.message.type !== 'card') return sendCardOrText(item);
    const card = item.message.card;
    const target = { agentId: opts.agentId, responseCode, userids: [item.recipient] };
    try {
      // Same choice as the passive answer (passive-answer.ts): a completion greys the clicked button.
      const body = card.kind === 'completion' ? renderWecomButtonUpdate(DONE_LABEL, target) : renderWecomCardUpdate(card, target);
      await opts.client.call('POST', '/cgi-bin/message/update_template_card', { body });
      return ok(item, `update:${item.outboxId}`);
    } catch (err) {
      if (err instanceof WecomApiError && err.retryable) return fail(item, err);
      // Used, expired or not updatable: say it as a new message instead.
      log.info({ outboxId: item.outboxId, err: err instanceof Error ? err.message : String(err) }, 'wecom card update failed; sending a message instead');
      return sendCardOrText(item);
    }
  }

  async function viaResponseUrl(item: SendItem, url: string, singleChat: boolean): Promise<Outcome> {
    const m = item.message;
    let body: Record<string, unknown>;
    if (m.type === 'text') body = { msgtype: 'markdown', markdown: { content: truncateUtf8(m.text, L.botMarkdownBytes) } };
    else if (singleChat) {
      // §12: template cards only in single chat; in groups markdown (quoting the triggering message).
      try {
        body = renderWecomBotCardReply(m.card, { interactive: true, taskId: wecomTaskId(item.idempotencyKey) });
      } catch {
        body = renderWecomBotMarkdown(m.card);
      }
    } else body = renderWecomBotMarkdown(m.card);
    try {
      await opts.client.postResponseUrl(url, body);
      return ok(item, `response_url:${item.outboxId}`);
    } catch (err) {
      if (err instanceof WecomApiError && err.retryable) return fail(item, err);
      if (item.recipientKind === 'person') return sendCardOrText(item);
      return fail(item, err);
    }
  }

  async function sendTexts(batch: SendItem[]): Promise<Outcome[]> {
    const out: Outcome[] = [];
    const go: SendItem[] = [];
    for (const item of batch) {
      const slot = limit.take(item.recipient);
      if (slot.ok) go.push(item);
      else out.push({ outboxId: item.outboxId, ok: false, retryable: true, error: '对该成员的发送频率已达上限，稍后再发', retryAfterMs: slot.retryAfterMs, deferred: true });
    }
    if (go.length === 0) return out;
    const text = (go[0]!.message as { text: string }).text;
    try {
      const res = await messageSend(textBody(opts.agentId, go.map((i) => i.recipient), text), go.map((i) => i.recipient));
      for (const item of go) {
        const why = res.rejected.get(item.recipient.toLowerCase());
        out.push(why ? { outboxId: item.outboxId, ok: false, retryable: false, error: why } : ok(item, res.msgid));
      }
    } catch (err) {
      for (const item of go) limit.untake(item.recipient);
      for (const item of go) out.push(fail(item, err));
    }
    return out;
  }

  return {
    id: 'wecom',
    maxBatch: L.recipients,
    async send(items: SendItem[]): Promise<SendResult[]> {
      const now = opts.clock.now();
      const results = new Map<number, Outcome>();
      const tasks: (() => Promise<Outcome[]>)[] = [];
      const texts = new Map<string, SendItem[]>();
      for (const item of items) {
        const route = sendRoute(item, now);
        if (route.kind === 'unreachable-chat') {
          results.set(item.outboxId, { outboxId: item.outboxId, ok: false, retryable: false, error: '智能机器人所在群只能通过 1 小时内的 response_url 回复一次；该回复已无法送达群聊' });
        } else if (route.kind === 'response-url') {
          tasks.push(async () => [await viaResponseUrl(item, route.url, route.singleChat)]);
        } else if (route.kind === 'update-card') {
          tasks.push(async () => [await updateCard(item, route.responseCode)]);
        } else if (item.message.type === 'text') {
          const list = texts.get(item.message.text) ?? [];
          if (list.length === 0) texts.set(item.message.text, list);
          list.push(item);
        } else {
          tasks.push(async () => [await sendCardOrText(item)]);
        }
      }
      for (const group of texts.values()) {
        for (let i = 0; i < group.length; i += L.recipients) {
          const batch = group.slice(i, i + L.recipients);
          tasks.push(() => (batch.length === 1 ? sendCardOrText(batch[0]!).then((r) => [r]) : sendTexts(batch)));
        }
      }
      await runPool(tasks, concurrency, (list) => list.forEach((r) => results.set(r.outboxId, r)));
      // A lost response_code only costs a later card update, never the delivery: do not fail the sends for it.
      await storeResponseCodes(opts.database, codes.splice(0), now).catch((err: unknown) => log.warn({ err }, 'storing wecom response codes failed'));
      return items.map((i) => results.get(i.outboxId) ?? { outboxId: i.outboxId, ok: false, retryable: true, error: 'no result' });
    },
  };
}

function textBody(agentId: number, touser: string[], text: string): Record<string, unknown> {
  // §7: content ≤ 2048 bytes; agentid an integer; no time-window duplicate check (it would hide real repeats).
  return { touser: touser.join('|'), msgtype: 'text', agentid: agentId, text: { content: truncateUtf8(text, L.textBytes) }, safe: 0, enable_duplicate_check: 0 };
}

async function runPool<T>(tasks: (() => Promise<T>)[], width: number, onResult: (r: T) => void): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      onResult(await task());
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
}

/** ARCHITECTURE §3: keep each card's send response_code (72 h, once) on its row for later card updates. */
async function storeResponseCodes(database: Database, codes: { id: number; code: string }[], now: Date): Promise<void> {
  if (codes.length === 0) return;
  const ids = sql.join(codes.map((c) => sql`${c.id}`), sql`, `);
  const vals = sql.join(codes.map((c) => sql`${c.code}`), sql`, `);
  const until = new Date(now.getTime() + RESPONSE_CODE_MS).toISOString();
  await database.db.execute(sql`
    update outbox o set response_code = v.code, response_code_expires_at = ${until}::timestamptz
    from (select unnest(array[${ids}]::bigint[]) as id, unnest(array[${vals}]::text[]) as code) v
    where o.id = v.id`);
}
