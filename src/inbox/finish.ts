import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rows } from '../db/migrate.js';
import { inboxEvents, outbox } from '../db/schema/index.js';
import { StatementBatcher } from '../db/statement-batcher.js';
import { outboxInsertEachAtSql, type EnqueueInput } from '../outbox/enqueue.js';

export interface FinishJob {
  inboxId: number;
  items: readonly EnqueueInput[];
  /** Idempotency keys of the replies held for a passive answer. */
  heldKeys: readonly string[];
  /** When the handling ran: the event's handled_at and its outbox rows' created_at. */
  now: Date;
}

export interface FinishResult {
  /** Outbox rows that were new (for a batch: of the whole batch — the count only decides whether to wake the dispatchers). */
  inserted: number;
  /** The pending outbox rows of the held replies. */
  held: { id: number; key: string }[];
}

/** Handlings finished per statement. */
const MAX_BATCH = 100;
/** Statements in flight at once; handlings ending meanwhile wait for the next one. */
const MAX_IN_FLIGHT = 2;

/**
 * The end of handlings that ran no statement of their own, in one statement for all that end together (one
 * round trip, one commit): enqueue their replies (deduped on the idempotency keys), mark their events done,
 * and return how many outbox rows were new and the pending outbox rows of the held replies — new ones from the
 * insert, and ones an earlier handling of the same event left (the statement's snapshot does not see its own
 * insert, so the two never overlap). Each handling's rows and its event's state change together, as they would
 * in its own transaction. If the statement fails, each handling is finished by a statement of its own.
 */
export async function finishHandlings(db: Db, jobs: readonly FinishJob[]): Promise<FinishResult[]> {
  const done = JSON.stringify(jobs.map((j) => ({ id: j.inboxId, at: j.now.toISOString() })));
  const heldKeys = JSON.stringify(jobs.flatMap((j) => j.heldKeys));
  const res = await db.execute(sql`
    with ins as (${outboxInsertEachAtSql(jobs.flatMap((j) => j.items.map((item) => ({ item, createdAt: j.now }))))}),
    done as (
      update ${inboxEvents} e set status = 'done', handled_at = d.at, lease_until = null, last_error = null
      from jsonb_to_recordset(${done}::jsonb) as d(id bigint, at timestamptz)
      where e.id = d.id
    ),
    keys as (select jsonb_array_elements_text(${heldKeys}::jsonb) as key)
    select (select count(*) from ins)::int as inserted, h.id, h.key
    from (select 1) one
    left join (
      select id, idempotency_key as key from ins where idempotency_key in (select key from keys)
      union all
      select id, idempotency_key from ${outbox} where idempotency_key in (select key from keys) and status = 'pending'
    ) h on true`);
  const list = rows<{ inserted: number | string; id: number | string | null; key: string | null }>(res);
  const inserted = Number(list[0]?.inserted ?? 0);
  const byKey = new Map<string, number>();
  for (const r of list) if (r.id !== null && r.key !== null) byKey.set(r.key, Number(r.id));
  return jobs.map((j) => ({
    inserted,
    held: j.heldKeys.flatMap((key) => (byKey.has(key) ? [{ id: byKey.get(key)!, key }] : [])),
  }));
}

const batchers = new WeakMap<Db, StatementBatcher<FinishJob, FinishResult>>();

/** The batcher of a database (one per process and database, so concurrent handlings share statements). */
export function finishBatcher(db: Db): StatementBatcher<FinishJob, FinishResult> {
  let b = batchers.get(db);
  if (!b) {
    b = new StatementBatcher((jobs) => finishHandlings(db, jobs), { maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT });
    batchers.set(db, b);
  }
  return b;
}
