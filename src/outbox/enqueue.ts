import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { rows } from '../db/migrate.js';
import { outbox } from '../db/schema/index.js';
import type { OutboundMessage, PlatformId } from '../domain/messaging/types.js';

export const OUTBOX_CHANNEL = 'outbox_due';

export interface EnqueueInput {
  platform: PlatformId;
  recipientKind: 'person' | 'chat';
  recipient: string;
  personId?: number | null;
  message: OutboundMessage;
  /** Unique per message instance: enqueueing the same key again is a no-op (nothing is sent twice). */
  idempotencyKey: string;
  notBefore: Date;
  replyContext?: Record<string, unknown> | null;
}

/** Rows per insert statement; keeps each statement's JSON parameter a few MB for a 50 000-recipient push. */
const CHUNK = 2000;

/**
 * `insert … on conflict (idempotency_key) do nothing returning id, idempotency_key` for `items`, meant as a
 * data-modifying CTE: the rows go in as one JSON parameter instead of drizzle's multi-row VALUES (building a
 * 2 000-row, 18 000-parameter insert costs drizzle ~0.3-0.7 s of CPU per chunk, which put a 50 000-recipient
 * push at ~15 s), and the statement text is the same for any number of rows.
 */
export function outboxInsertSql(items: readonly EnqueueInput[], now: Date): SQL {
  const json = JSON.stringify(items.map(jsonRow));
  return sql`
    insert into ${outbox} (platform, recipient_kind, recipient, person_id, message, idempotency_key, not_before, reply_context, created_at)
    select x.platform, x.recipient_kind, x.recipient, x.person_id, x.message, x.idempotency_key, x.not_before, x.reply_context, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${json}::jsonb) as x(platform platform_name, recipient_kind recipient_kind, recipient text, person_id integer,
      message jsonb, idempotency_key text, not_before timestamptz, reply_context jsonb)
    on conflict (idempotency_key) do nothing
    returning id, idempotency_key`;
}

/**
 * As outboxInsertSql, for rows enqueued at different times (the handlings of several events, finished by one
 * statement): each row carries its own `created_at`.
 */
export function outboxInsertEachAtSql(rows: readonly { item: EnqueueInput; createdAt: Date }[]): SQL {
  const json = JSON.stringify(rows.map((r) => ({ ...jsonRow(r.item), created_at: r.createdAt.toISOString() })));
  return sql`
    insert into ${outbox} (platform, recipient_kind, recipient, person_id, message, idempotency_key, not_before, reply_context, created_at)
    select x.platform, x.recipient_kind, x.recipient, x.person_id, x.message, x.idempotency_key, x.not_before, x.reply_context, x.created_at
    from jsonb_to_recordset(${json}::jsonb) as x(platform platform_name, recipient_kind recipient_kind, recipient text, person_id integer,
      message jsonb, idempotency_key text, not_before timestamptz, reply_context jsonb, created_at timestamptz)
    on conflict (idempotency_key) do nothing
    returning id, idempotency_key`;
}

function jsonRow(m: EnqueueInput): Record<string, unknown> {
  return {
    platform: m.platform,
    recipient_kind: m.recipientKind,
    recipient: m.recipient,
    person_id: m.personId ?? null,
    message: m.message,
    idempotency_key: m.idempotencyKey,
    not_before: m.notBefore.toISOString(),
    reply_context: m.replyContext ?? null,
  };
}

/**
 * `pg_notify` on the dispatchers' channel once if the CTE `ins` (an outbox insert) added a row, as a scalar
 * subquery for the statement's select list. The notification is delivered at commit (and PostgreSQL folds
 * repeats within one transaction into one); a dispatcher that misses it still finds the rows on its next poll.
 */
const wakeDispatchersIfInserted: SQL = sql`(select count(*) from (select pg_notify(${OUTBOX_CHANNEL}, '') from ins limit 1) w)::int`;

/**
 * Adds rows to the outbox (inside the caller's transaction, so the records and the messages about them
 * commit together) and wakes the dispatchers, one statement per chunk. Returns how many rows were new.
 */
export async function enqueueMessages(tx: DbOrTx, items: EnqueueInput[], now: Date): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < items.length; i += CHUNK) {
    const res = await tx.execute(sql`
      with ins as (${outboxInsertSql(items.slice(i, i + CHUNK), now)})
      select count(*)::int as n, ${wakeDispatchersIfInserted} as woke from ins`);
    inserted += Number(rows<{ n: number | string }>(res)[0]?.n ?? 0);
  }
  return inserted;
}
