import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { enqueueMessages } from '../../src/outbox/enqueue.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { eventually, quietLogger, RecordingPlatform, textItems } from '../support/messaging.js';

// The one place with real waiting (ARCHITECTURE §7): what is under test is a wake-up across connections.
const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`outbox: LISTEN/NOTIFY wakes a dispatcher (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  let dispatcher: OutboxDispatcher | undefined;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const statusOf = async (key: string) => (await t.database.db.select({ s: outbox.status }).from(outbox).where(eq(outbox.idempotencyKey, key)))[0]?.s;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
  });
  afterAll(async () => t.drop());

  it('sends a row promptly after enqueueMessages commits, long before the next poll', async () => {
    const platform = new RecordingPlatform();
    dispatcher = new OutboxDispatcher({ database: t.database, clock, logger: quietLogger(), platforms: [platform], pollMs: 60_000 });
    await dispatcher.start();
    await realSleep(100); // let the first (empty) round finish: the dispatcher is now idle for 60 s

    const started = Date.now();
    await t.database.db.transaction((tx) => enqueueMessages(tx, textItems(3, clock.now(), 'notify'), clock.now()));
    const sent = await eventually(async () => (await statusOf('notify:2')) === 'sent' && (await statusOf('notify:0')) === 'sent', 5000);
    expect(sent).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(new Set(platform.seen).size).toBe(3);
  });

  it('does not lose a wake-up that arrives while a round is running after an idle poll timed out', async () => {
    const pollMs = 1500;
    const platform = new RecordingPlatform();
    // Due one second from "now": the round that is running when the notification comes cannot see it yet.
    await t.database.db.transaction((tx) => enqueueMessages(tx, textItems(1, new Date(clock.now().getTime() + 1000), 'late'), clock.now()));
    dispatcher = new OutboxDispatcher({ database: t.database, clock, logger: quietLogger(), platforms: [platform], pollMs });
    await dispatcher.start();
    await realSleep(300); // first round done; the dispatcher idles until its poll timer fires at ~pollMs

    // Hold the outbox so the round after the timed-out idle blocks in its claim query.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table outbox in access exclusive mode`);
      locked();
      await gate;
    });
    await isLocked;
    await realSleep(pollMs); // the poll timer fires; that round is now waiting for the lock

    clock.advance(1000); // the row becomes due…
    dispatcher.wake(); // …and a notification arrives (this is what the LISTEN callback calls)
    release();
    await holder;
    const woke = Date.now();
    const sent = await eventually(async () => (await statusOf('late:0')) === 'sent', 5000, 5);
    expect(sent).toBe(true);
    // Woken: the next round runs at once. Lost wake-up: it would wait out a full pollMs first.
    expect(Date.now() - woke).toBeLessThan(pollMs / 2);
  });
});
