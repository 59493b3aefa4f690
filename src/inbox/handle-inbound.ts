import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Db, Tx } from '../db/client.js';
import { rows } from '../db/migrate.js';
import { inboxEvents, outbox } from '../db/schema/index.js';
import type { Clock } from '../domain/clock.js';
import type { InboundEvent, OutboundMessage, Reply } from '../domain/messaging/types.js';
import type { Logger } from '../log.js';
import { OUTBOX_CHANNEL, outboxInsertSql, type EnqueueInput } from '../outbox/enqueue.js';
import { backoffMs } from '../outbox/backoff.js';
import { recipientId } from '../db/repositories/people-directory.js';
import { finishBatcher, type FinishResult } from './finish.js';
import { inboxStore } from './store.js';

/**
 * Runs the conversation for one event inside the transaction that marks it handled. `prepared` is what the
 * handler's own `prepare` read for this event, when it has one and it ran.
 */
export interface EventHandler {
  (tx: Tx, event: InboundEvent, prepared?: unknown): Promise<Reply[]>;
  /**
   * Reads the handling needs that may run before its transaction, outside it (at READ COMMITTED a statement
   * sees what is committed when it starts, inside a transaction or not): it runs while the event is stored, and
   * concurrent events share its statements. Must not write.
   */
  prepare?(db: Db, event: InboundEvent): Promise<unknown>;
}

/**
 * What a handler's `prepare` returns when it already has the replies and the handling needs nothing from the
 * transaction (e.g. the help card): the event is then finished without one.
 */
export class PreparedReplies {
  constructor(readonly replies: Reply[]) {}
}

export interface InboxDeps {
  database: Database;
  clock: Clock;
  logger: Logger;
  handler: EventHandler;
}

export interface HandleOptions {
  /** How long the platform's request may wait for the handling (WeCom ~3 s of 5 s; DingTalk ~1.5 s of 2 s). */
  softDeadlineMs: number;
  /** How many replies to the sender may go back in the HTTP answer itself (WeCom: 1; sandbox: 0). */
  passiveReplies: number;
}

export type InboundOutcome =
  | { duplicate: true }
  | { duplicate: false; completed: boolean; passive: OutboundMessage[] };

/** How long a passive-reply candidate waits in the outbox before it is sent anyway (crash safety). */
const PASSIVE_HOLD_MS = 60_000;
export const MAX_INBOX_ATTEMPTS = 8;

/**
 * The one entry for verified inbound events (ARCHITECTURE §3): store (dedupe), handle within a soft deadline,
 * answer. The row is committed before anything else happens, so a crash loses nothing: the retry sweep finds
 * it. Replies always go through the outbox in the handling transaction; a reply that can be answered
 * passively is held there and marked sent once it has gone back in the HTTP answer.
 */
export async function handleInbound(deps: InboxDeps, event: InboundEvent, opts: HandleOptions): Promise<InboundOutcome> {
  // Committed before the handling starts (store first); concurrent callbacks share the statement. The
  // handler's reads that need no transaction run meanwhile (an error there fails the handling, not the store).
  const prepared = deps.handler.prepare?.(deps.database.db, event);
  prepared?.catch(() => undefined);
  const id = await inboxStore(deps.database.db).store(event, deps.clock.now());
  if (id === undefined) return { duplicate: true };

  const work = processEvent(deps, id, event, 1, opts.passiveReplies, prepared);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.softDeadlineMs);
  });
  const first = await Promise.race([work, deadline]);
  clearTimeout(timer);

  if (first === 'timeout') {
    // Too late for a passive answer: release the held replies to the dispatcher as soon as the work ends.
    work
      .then((res) => (res.ok ? releaseHeld(deps, res.heldIds) : undefined))
      .catch((err: unknown) => deps.logger.error({ err, eventId: event.eventId }, 'releasing held replies failed'));
    return { duplicate: false, completed: false, passive: [] };
  }
  if (!first.ok) return { duplicate: false, completed: false, passive: [] };
  if (first.heldIds.length > 0) {
    await deps.database.db
      .update(outbox)
      .set({ status: 'sent', sentAt: deps.clock.now(), platformRef: 'passive-reply' })
      .where(and(inArray(outbox.id, first.heldIds), eq(outbox.status, 'pending')));
  }
  return { duplicate: false, completed: true, passive: first.heldMessages };
}

type ProcessResult = { ok: true; heldIds: number[]; heldMessages: OutboundMessage[] } | { ok: false };

/**
 * The outbox rows of an event's replies, and which of them are held for a passive answer. `recipients` holds
 * the platform identity of each person a reply goes to (absent: none — the reply is dropped).
 */
function replyItems(
  event: InboundEvent,
  replies: readonly Reply[],
  now: Date,
  passiveReplies: number,
  recipients: ReadonlyMap<number, string | undefined> = new Map(),
  log?: () => Logger,
): { items: EnqueueInput[]; held: number[]; heldKeys: string[]; now: Date } {
  const held: number[] = [];
  const items: EnqueueInput[] = [];
  for (const [i, r] of replies.entries()) {
    let recipientKind: 'person' | 'chat' = 'person';
    let recipient = event.senderId;
    let personId: number | null = null;
    if (typeof r.to === 'object') {
      const id = recipients.get(r.to.personId);
      if (!id) {
        log?.().warn({ personId: r.to.personId }, 'reply dropped: the person has no identity on this platform');
        continue;
      }
      recipient = id;
      personId = r.to.personId;
    } else if (r.to === 'chat' && event.chatId !== undefined) {
      recipientKind = 'chat';
      recipient = event.chatId;
    }
    const holdThis = r.to === 'sender' && held.length < passiveReplies;
    if (holdThis) held.push(items.length);
    items.push({
      platform: event.platform,
      recipientKind,
      recipient,
      personId,
      message: r.message,
      // Derived from the event: handling the same event again yields the same rows, which dedupe.
      idempotencyKey: `reply:${event.platform}:${event.eventId}:${i}`,
      notBefore: holdThis ? new Date(now.getTime() + PASSIVE_HOLD_MS) : now,
      // Context such as a DingTalk sessionWebhook belongs to the sender's conversation only.
      replyContext: recipient === event.senderId || recipientKind === 'chat' ? (event.replyContext ?? null) : null,
    });
  }
  return { items, held, heldKeys: held.map((i) => items[i]!.idempotencyKey), now };
}

/**
 * Handles one stored event; on failure records the error and schedules a retry. Never throws. `prepared` is
 * the handler's `prepare` already started for this event (otherwise it runs here).
 */
export async function processEvent(
  deps: InboxDeps,
  inboxId: number,
  event: InboundEvent,
  attempt: number,
  passiveReplies: number,
  prepared?: Promise<unknown>,
): Promise<ProcessResult> {
  const log = () => deps.logger.child({ platform: event.platform, eventId: event.eventId });
  try {
    const context = await (prepared ?? deps.handler.prepare?.(deps.database.db, event));
    const handled =
      context instanceof PreparedReplies && context.replies.every((r) => typeof r.to !== 'object')
        ? { ...replyItems(event, context.replies, deps.clock.now(), passiveReplies), finished: undefined }
        : await deps.database.db.transaction(async (transaction) => {
            const now = deps.clock.now();
            const watch = watched(transaction);
            const tx = watch.tx;
            const replies = await deps.handler(tx, event, context);
            // Another person (e.g. the secretary who approves): their identity on the event's platform.
            const recipients = new Map<number, string | undefined>();
            for (const r of replies) {
              if (typeof r.to === 'object' && !recipients.has(r.to.personId)) recipients.set(r.to.personId, await recipientId(tx, event.platform, r.to.personId));
            }
            const built = replyItems(event, replies, now, passiveReplies, recipients, log);
            // The handling ran no statement of its own: the transaction holds nothing, and the closing statement
            // is atomic by itself, so it runs outside it — one statement for the events that finish together.
            if (!watch.used) return { ...built, finished: undefined };
            const finished = finishHandling(transaction, inboxId, built.items, built.heldKeys, now);
            finished.catch(() => undefined); // its error fails the transaction, and is reported from there
            // On PostgreSQL the transaction's COMMIT goes out right behind this last statement, without waiting for
            // its answer (src/db/postgres-tuned.ts), so it is awaited after the commit: its failure still fails
            // (rolls back) the transaction. The embedded database has no round trips to save.
            return { ...built, finished: deps.database.kind === 'postgres' ? finished : await finished };
          });
    const { items, held, heldKeys } = handled;
    const finish = await (handled.finished ?? finishBatcher(deps.database.db).submit({ inboxId, items, heldKeys, now: handled.now }));
    if (finish.inserted > 0) deps.database.notify(OUTBOX_CHANNEL);
    const heldRows = finish.held;
    const heldIds = heldKeys.map((k) => heldRows.find((r) => r.key === k)?.id).filter((id): id is number => id !== undefined);
    const heldMessages = held.filter((_, j) => heldRows.some((r) => r.key === heldKeys[j])).map((i) => items[i]!.message);
    return { ok: true as const, heldIds, heldMessages };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const dead = attempt >= MAX_INBOX_ATTEMPTS;
    const l = log();
    l.error({ err, attempt, dead }, 'inbound event handling failed');
    const now = deps.clock.now();
    await deps.database.db
      .update(inboxEvents)
      .set({
        status: dead ? 'dead' : 'failed',
        leaseUntil: null,
        lastError: message.slice(0, 2000),
        nextAttemptAt: new Date(now.getTime() + backoffMs(attempt, { baseMs: 5000 })),
      })
      .where(eq(inboxEvents.id, inboxId))
      .catch((e: unknown) => l.error({ err: e }, 'could not record the failure; the lease will expire and the event be retried'));
    return { ok: false };
  }
}

/**
 * The end of a handling, in one statement (one round trip) inside its transaction: enqueue the replies
 * (deduped on their idempotency keys), mark the event done, and return how many outbox rows were new and the
 * pending outbox rows of the held replies — new ones from the insert, and ones an earlier handling of the same
 * event left (the statement's snapshot does not see its own insert, so the two never overlap). The dispatchers
 * are woken after the commit (Database.notify), not by a NOTIFY in this transaction: that would serialise the
 * commits of all concurrent handlings on PostgreSQL's notify lock.
 */
async function finishHandling(tx: Tx, inboxId: number, items: readonly EnqueueInput[], heldKeys: readonly string[], now: Date): Promise<FinishResult> {
  const at = now.toISOString();
  const markDone = sql`update ${inboxEvents} set status = 'done', handled_at = ${at}::timestamptz, lease_until = null, last_error = null where id = ${inboxId}`;
  if (items.length === 0) {
    await tx.execute(markDone);
    return { inserted: 0, held: [] };
  }
  if (heldKeys.length === 0) {
    const res = await tx.execute(sql`with ins as (${outboxInsertSql(items, now)}), done as (${markDone}) select count(*)::int as inserted from ins`);
    return { inserted: Number(rows<{ inserted: number | string }>(res)[0]?.inserted ?? 0), held: [] };
  }
  const keys = sql.join(heldKeys.map((k) => sql`${k}`), sql`, `);
  const res = await tx.execute(sql`
    with ins as (${outboxInsertSql(items, now)}), done as (${markDone})
    select (select count(*) from ins)::int as inserted, h.id, h.key
    from (select 1) one
    left join (
      select id, idempotency_key as key from ins where idempotency_key in (${keys})
      union all
      select id, idempotency_key from ${outbox} where idempotency_key in (${keys}) and status = 'pending'
    ) h on true`);
  const list = rows<{ inserted: number | string; id: number | string | null; key: string | null }>(res);
  return {
    inserted: Number(list[0]?.inserted ?? 0),
    held: list.filter((r) => r.id !== null && r.key !== null).map((r) => ({ id: Number(r.id), key: r.key! })),
  };
}

async function releaseHeld(deps: InboxDeps, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await deps.database.db
    .update(outbox)
    .set({ notBefore: deps.clock.now() })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending')));
  deps.database.notify(OUTBOX_CHANNEL);
}

/**
 * The handling's transaction, and whether anything used it: any property read of the handle counts (a
 * statement cannot run without one), so `used` false means no statement ran in it.
 */
function watched(tx: Tx): { tx: Tx; readonly used: boolean } {
  const state = { used: false };
  const proxy = new Proxy(tx, {
    get(target, prop, receiver) {
      state.used = true;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return {
    tx: proxy,
    get used() {
      return state.used;
    },
  };
}
