import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rows } from '../db/migrate.js';
import { inboxEvents } from '../db/schema/index.js';
import type { InboundEvent } from '../domain/messaging/types.js';

/** How long a handling may take before another instance assumes it died. */
const LEASE_MS = 60_000;
/** Events per insert statement. */
const MAX_BATCH = 200;
/** Insert statements in flight at once; events arriving meanwhile wait for the next one. */
const MAX_IN_FLIGHT = 2;

interface Waiter {
  event: InboundEvent;
  at: Date;
  resolve(id: number | undefined): void;
  reject(err: unknown): void;
}

/**
 * The store step of the inbox (ARCHITECTURE §3): inserts verified events, `processing` with a lease, deduped
 * on UNIQUE(platform, event_id), each committed before its handling starts. Events that arrive together go in
 * one statement (one round trip, one commit) — under load dozens of callbacks arrive within a millisecond, and
 * a round trip costs more than the insert. Nothing waits for a batch to fill: a statement goes out on the next
 * turn of the event loop whenever fewer than MAX_IN_FLIGHT are running, so a lone event is not delayed. If a
 * batch fails, its events are retried one by one, so one bad event fails only its own callback.
 */
export class InboxStore {
  private queue: Waiter[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly db: Db) {}

  /** The new row's id, or undefined when the event is already stored (a platform's retry, or a duplicate in the same batch). */
  store(event: InboundEvent, at: Date): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, at, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      await this.insertBatch(batch);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async insertBatch(batch: Waiter[]): Promise<void> {
    // One row per key: of two deliveries of the same event in one batch, the second is a duplicate.
    const first = new Map<string, Waiter>();
    for (const w of batch) {
      const key = `${w.event.platform}\u0000${w.event.eventId}`;
      if (first.has(key)) w.resolve(undefined);
      else first.set(key, w);
    }
    const unique = [...first.values()];
    let ids: Map<string, number>;
    try {
      ids = await this.insert(unique);
    } catch (err) {
      if (unique.length === 1) {
        unique[0]!.reject(err);
        return;
      }
      // Keep one event's failure (e.g. text PostgreSQL refuses) from failing the others.
      await Promise.all(
        unique.map(async (w) => {
          try {
            const one = await this.insert([w]);
            w.resolve(one.get(`${w.event.platform}\u0000${w.event.eventId}`));
          } catch (e) {
            w.reject(e);
          }
        }),
      );
      return;
    }
    for (const [key, w] of first) w.resolve(ids.get(key));
  }

  /** Inserts the events; returns the ids of the rows that were new, by platform + event id. */
  private async insert(events: Waiter[]): Promise<Map<string, number>> {
    // ISO strings, not Dates: drizzle's postgres.js driver cannot send a Date as a raw-SQL parameter.
    const json = JSON.stringify(
      events.map((w) => ({
        platform: w.event.platform,
        event_id: w.event.eventId,
        at: w.at.toISOString(),
        event: w.event,
        lease_until: new Date(w.at.getTime() + LEASE_MS).toISOString(),
      })),
    );
    const res = await this.db.execute(sql`
      insert into ${inboxEvents} (platform, event_id, received_at, event, status, attempts, next_attempt_at, lease_until)
      select x.platform, x.event_id, x.at, x.event, 'processing', 1, x.at, x.lease_until
      from jsonb_to_recordset(${json}::jsonb) as x(platform platform_name, event_id text, at timestamptz, event jsonb, lease_until timestamptz)
      on conflict (platform, event_id) do nothing
      returning id, platform, event_id`);
    return new Map(rows<{ id: number | string; platform: string; event_id: string }>(res).map((r) => [`${r.platform}\u0000${r.event_id}`, Number(r.id)]));
  }
}

const stores = new WeakMap<Db, InboxStore>();

/** The store of a database (one per process and database, so concurrent callbacks share statements). */
export function inboxStore(db: Db): InboxStore {
  let s = stores.get(db);
  if (!s) {
    s = new InboxStore(db);
    stores.set(db, s);
  }
  return s;
}
