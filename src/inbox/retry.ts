import { sql } from 'drizzle-orm';
import { rows } from '../db/migrate.js';
import type { InboundEvent } from '../domain/messaging/types.js';
import { processEvent, type InboxDeps } from './handle-inbound.js';

/**
 * Picks up inbound events whose handling failed (after their backoff) or whose handler vanished (lease run
 * out: a crash). Any instance may run it; SKIP LOCKED keeps two from taking the same event. Retried events
 * answer through the outbox only — the platform's request is long gone.
 */
export async function retryDueInbox(deps: InboxDeps, limit = 50): Promise<number> {
  // ISO strings, not Dates: drizzle's postgres.js driver cannot send a Date as a raw-SQL parameter.
  const nowDate = deps.clock.now();
  const now = nowDate.toISOString();
  const lease = new Date(nowDate.getTime() + 60_000).toISOString();
  const res = await deps.database.db.execute(sql`
    update inbox_events e set status = 'processing', lease_until = ${lease}::timestamptz, attempts = e.attempts + 1
    where e.id in (
      select id from inbox_events
      where (status in ('pending', 'failed') and next_attempt_at <= ${now}::timestamptz)
         or (status = 'processing' and lease_until < ${now}::timestamptz)
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    returning e.id, e.event, e.attempts`);
  const claimed = rows<{ id: number | string; event: InboundEvent | string; attempts: number }>(res);
  for (const r of claimed) {
    const event = (typeof r.event === 'string' ? JSON.parse(r.event) : r.event) as InboundEvent;
    await processEvent(deps, Number(r.id), event, r.attempts, 0);
  }
  return claimed.length;
}
