import { eq, like, sql } from 'drizzle-orm';
import { outbox } from '../../src/db/schema/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { Reply } from '../../src/domain/messaging/types.js';
import { handleInbound, type EventHandler, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { countWhere, eventually, inboundEvent, inboxRows, outboxRow, quietLogger, RecordingPlatform } from '../support/messaging.js';

const reply = (text: string, to: Reply['to'] = 'sender'): Reply => ({ to, message: { type: 'text', text } });

describe(`inbound events: dedupe and the soft deadline (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const logger = quietLogger();
  const deps = (handler: EventHandler): InboxDeps => ({ database: t.database, clock, logger, handler });

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('stores and handles an event delivered 5 times in parallel exactly once', async () => {
    let calls = 0;
    const handler: EventHandler = async (_tx, event) => {
      calls += 1;
      return [reply(`收到 ${event.eventId}`)];
    };
    const event = inboundEvent('dup-1');
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => handleInbound(deps(handler), event, { softDeadlineMs: 5000, passiveReplies: 0 })),
    );

    expect(outcomes.filter((o) => o.duplicate)).toHaveLength(4);
    expect(outcomes.filter((o) => !o.duplicate)).toEqual([{ duplicate: false, completed: true, passive: [] }]);
    expect(calls).toBe(1);
    const inbox = (await inboxRows(t.database)).filter((r) => r.eventId === 'dup-1');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ status: 'done', attempts: 1, lastError: null, leaseUntil: null });
    // The handler's side effect (its reply) exists once.
    expect(await countWhere(t.database, sql`select count(*) as n from outbox where idempotency_key like 'reply:sandbox:dup-1:%'`)).toBe(1);
  });

  it('answers a fast handling passively and records the held reply as sent', async () => {
    const handler: EventHandler = async () => [reply('已记录：已学习 第1项'), reply('群里的通知', 'chat')];
    const event = inboundEvent('fast-1', { chatId: 'chat-9' });
    const outcome = await handleInbound(deps(handler), event, { softDeadlineMs: 5000, passiveReplies: 1 });

    expect(outcome).toEqual({ duplicate: false, completed: true, passive: [{ type: 'text', text: '已记录：已学习 第1项' }] });
    const list = await t.database.db
      .select({ kind: outbox.recipientKind, to: outbox.recipient, status: outbox.status, ref: outbox.platformRef })
      .from(outbox)
      .where(like(outbox.idempotencyKey, 'reply:sandbox:fast-1:%'))
      .orderBy(outbox.idempotencyKey);
    expect(list).toEqual([
      { kind: 'person', to: 'u1', status: 'sent', ref: 'passive-reply' },
      { kind: 'chat', to: 'chat-9', status: 'pending', ref: null },
    ]);
    const [inbox] = (await inboxRows(t.database)).filter((r) => r.eventId === 'fast-1');
    expect(inbox?.status).toBe('done');
  });

  it('past the soft deadline answers empty, then releases the held reply to the dispatcher', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const handler: EventHandler = async () => {
      await gate;
      finished = true;
      return [reply('慢慢处理完了')];
    };
    const started = clock.now();
    // softDeadlineMs is real time: handleInbound races the handling against a real timer.
    const outcome = await handleInbound(deps(handler), inboundEvent('slow-1'), { softDeadlineMs: 50, passiveReplies: 1 });
    expect(outcome).toEqual({ duplicate: false, completed: false, passive: [] });
    expect(finished).toBe(false);

    clock.advance(2000); // the handling takes a while in business time too
    release();
    const key = 'reply:sandbox:slow-1:0';
    const released = await eventually(async () => {
      const n = await countWhere(t.database, sql`select count(*) as n from outbox where idempotency_key = ${key} and not_before <= ${clock.now().toISOString()}::timestamptz`);
      return n === 1;
    });
    expect(released).toBe(true);
    const [inbox] = (await inboxRows(t.database)).filter((r) => r.eventId === 'slow-1');
    expect(inbox?.status).toBe('done');

    const platform = new RecordingPlatform();
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platform] });
    while ((await dispatcher.runOnce()) > 0);
    const [held] = await t.database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.idempotencyKey, key));
    const id = held!.id;
    const row = await outboxRow(t.database, id);
    expect(row.status).toBe('sent');
    expect(row.platformRef).toBe(`test:${id}`);
    // Sent well before the 60 s crash-safety hold would have let it go.
    expect(row.notBefore.getTime()).toBeLessThan(started.getTime() + 60_000);
    expect(platform.timesSeen(id)).toBe(1);
  });
});
