import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Reply } from '../../src/domain/messaging/types.js';
import { handleInbound, PreparedReplies, type EventHandler, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { countWhere, inboundEvent, inboxRows, quietLogger } from '../support/messaging.js';

const reply = (text: string): Reply => ({ to: 'sender', message: { type: 'text', text } });

/**
 * How a handling ends (src/inbox/handle-inbound.ts, finish.ts): a handling that ran no statement of its own is
 * finished outside its transaction, together with the others that end at the same time, in one statement; one
 * that did is finished inside its transaction, so its own writes and its replies commit together.
 */
describe(`inbound events: finishing handlings together (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const deps = (handler: EventHandler): InboxDeps => ({ database: t.database, clock, logger: quietLogger(), handler });
  const deliver = (handler: EventHandler, id: string) => handleInbound(deps(handler), inboundEvent(id), { softDeadlineMs: 10_000, passiveReplies: 0 });
  const status = async (id: string) => (await inboxRows(t.database)).find((r) => r.eventId === id)?.status;

  beforeAll(async () => {
    t = await createTestDatabase();
    await t.database.db.execute(sql`create table finish_side_effects (event_id text primary key)`);
  });
  afterAll(async () => t.drop());

  it('finishes many concurrent handlings; one whose replies the database refuses fails alone', async () => {
    // PostgreSQL's jsonb cannot hold NUL: that event's closing statement fails, in a batch and alone.
    const handler: EventHandler = async (_tx, event) => [reply(event.eventId === 'batch-3' ? 'bad \u0000 text' : `好的 ${event.eventId}`)];
    const ids = Array.from({ length: 12 }, (_, i) => `batch-${i}`);
    const outcomes = await Promise.all(ids.map((id) => deliver(handler, id)));
    expect(outcomes.filter((o) => !o.duplicate && o.completed)).toHaveLength(11);
    for (const id of ids) expect(await status(id)).toBe(id === 'batch-3' ? 'failed' : 'done');
    expect(await countWhere(t.database, sql`select count(*) as n from outbox where idempotency_key like 'reply:sandbox:batch-%'`)).toBe(11);
    const [row] = rows<{ created_at: Date | string; handled_at: Date | string }>(
      await t.database.db.execute(sql`select o.created_at, e.handled_at from outbox o join inbox_events e on o.idempotency_key = 'reply:sandbox:' || e.event_id || ':0' where e.event_id = 'batch-0'`),
    );
    expect(new Date(row!.created_at).toISOString()).toBe(clock.now().toISOString());
    expect(new Date(row!.handled_at).toISOString()).toBe(clock.now().toISOString());
  });

  it('finishes a handling that wrote something inside its transaction: its writes and replies commit or fail together', async () => {
    const handler: EventHandler = async (tx, event) => {
      await tx.execute(sql`insert into finish_side_effects values (${event.eventId})`);
      return [reply(event.eventId === 'tx-bad' ? 'bad \u0000 text' : '已记录')];
    };
    await Promise.all([deliver(handler, 'tx-good'), deliver(handler, 'tx-bad')]);
    expect(await status('tx-good')).toBe('done');
    expect(await status('tx-bad')).toBe('failed');
    const written = rows<{ event_id: string }>(await t.database.db.execute(sql`select event_id from finish_side_effects order by event_id`)).map((r) => r.event_id);
    expect(written).toEqual(['tx-good']);
    expect(await countWhere(t.database, sql`select count(*) as n from outbox where idempotency_key like 'reply:sandbox:tx-%'`)).toBe(1);
  });

  it('replies a handler prepared without a transaction are enqueued as if it had made them in one', async () => {
    let calls = 0;
    const handler: EventHandler = Object.assign(
      async () => {
        calls++;
        return [reply('should not run')];
      },
      { prepare: async () => new PreparedReplies([reply('提前准备好的答复')]) },
    );
    const outcome = await deliver(handler, 'prepared-1');
    expect(outcome).toEqual({ duplicate: false, completed: true, passive: [] });
    expect(calls).toBe(0);
    expect(await status('prepared-1')).toBe('done');
    const [msg] = rows<{ message: { text: string } | string }>(await t.database.db.execute(sql`select message from outbox where idempotency_key = 'reply:sandbox:prepared-1:0'`));
    const message = typeof msg!.message === 'string' ? (JSON.parse(msg!.message) as { text: string }) : msg!.message;
    expect(message.text).toBe('提前准备好的答复');
  });
});
