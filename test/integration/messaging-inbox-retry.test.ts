import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxEvents, outbox } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { handleInbound, MAX_INBOX_ATTEMPTS, type EventHandler, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import { retryDueInbox } from '../../src/inbox/retry.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { inboundEvent, quietLogger } from '../support/messaging.js';

describe(`inbound events: failures, retries, crashes (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const logger = quietLogger();
  const opts = { softDeadlineMs: 5000, passiveReplies: 0 };
  /** The handler the deps call; each test sets its own. */
  let handler: EventHandler = async () => [];
  const deps = (): InboxDeps => ({ database: t.database, clock, logger, handler: (tx, e) => handler(tx, e) });
  const inboxRow = async (eventId: string) => {
    const [row] = await t.database.db.select().from(inboxEvents).where(eq(inboxEvents.eventId, eventId));
    if (!row) throw new Error(`no inbox row ${eventId}`);
    return row;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('records a failure, retries after the backoff, and a now-succeeding handler finishes the event', async () => {
    let calls = 0;
    handler = async (_tx, event) => {
      calls += 1;
      if (calls === 1) throw new Error('组织库暂时不可用');
      return [{ to: 'sender', message: { type: 'text', text: `ok ${event.eventId}` } }];
    };
    const outcome = await handleInbound(deps(), inboundEvent('fail-1'), opts);
    expect(outcome).toEqual({ duplicate: false, completed: false, passive: [] });

    const failed = await inboxRow('fail-1');
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: '组织库暂时不可用', leaseUntil: null });
    // The handling transaction rolled back: no reply was enqueued.
    expect(await t.database.db.select().from(outbox).where(eq(outbox.idempotencyKey, 'reply:sandbox:fail-1:0'))).toEqual([]);
    const wait = failed.nextAttemptAt.getTime() - clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(2500); // backoff(1, base 5 s) is 2.5–5 s
    expect(wait).toBeLessThanOrEqual(5000);

    // Not due yet: nothing is retried.
    expect(await retryDueInbox(deps())).toBe(0);
    expect(calls).toBe(1);

    clock.set(new Date(failed.nextAttemptAt.getTime() + 1));
    expect(await retryDueInbox(deps())).toBe(1);
    expect(calls).toBe(2);
    expect(await inboxRow('fail-1')).toMatchObject({ status: 'done', attempts: 2, lastError: null });
    const [reply] = await t.database.db.select().from(outbox).where(eq(outbox.idempotencyKey, 'reply:sandbox:fail-1:0'));
    expect(reply).toMatchObject({ status: 'pending', recipient: 'u1', message: { type: 'text', text: 'ok fail-1' } });
    // Done is done: a later sweep leaves it alone.
    clock.advance(3_600_000);
    expect(await retryDueInbox(deps())).toBe(0);
    expect(calls).toBe(2);
  });

  it(`gives up after ${MAX_INBOX_ATTEMPTS} failed attempts: the event is dead`, async () => {
    let calls = 0;
    handler = async () => {
      calls += 1;
      throw new Error(`still broken #${calls}`);
    };
    await handleInbound(deps(), inboundEvent('dead-1'), opts);
    for (let attempt = 2; attempt <= MAX_INBOX_ATTEMPTS; attempt++) {
      const before = await inboxRow('dead-1');
      expect(before).toMatchObject({ status: 'failed', attempts: attempt - 1 });
      clock.set(new Date(before.nextAttemptAt.getTime() + 1));
      expect(await retryDueInbox(deps())).toBe(1);
    }
    expect(calls).toBe(MAX_INBOX_ATTEMPTS);
    const dead = await inboxRow('dead-1');
    expect(dead).toMatchObject({ status: 'dead', attempts: MAX_INBOX_ATTEMPTS, lastError: `still broken #${MAX_INBOX_ATTEMPTS}`, leaseUntil: null });

    clock.advance(24 * 3_600_000);
    expect(await retryDueInbox(deps())).toBe(0);
    expect(calls).toBe(MAX_INBOX_ATTEMPTS);
  });

  it('takes over an event whose handling crashed once its lease has run out', async () => {
    let calls = 0;
    handler = async () => {
      calls += 1;
      return [{ to: 'sender', message: { type: 'text', text: 'recovered' } }];
    };
    const event = inboundEvent('crash-1');
    const now = clock.now();
    // Exactly what handleInbound's first step commits; then the process "dies" before handling it.
    await t.database.db.insert(inboxEvents).values({
      platform: event.platform,
      eventId: event.eventId,
      receivedAt: now,
      event,
      status: 'processing',
      attempts: 1,
      nextAttemptAt: now,
      leaseUntil: new Date(now.getTime() + 60_000),
    });
    // A redelivery by the platform is a duplicate, not a second handling.
    expect(await handleInbound(deps(), event, opts)).toEqual({ duplicate: true });

    clock.advance(59_000);
    expect(await retryDueInbox(deps())).toBe(0); // lease still held
    expect(calls).toBe(0);

    clock.advance(2_000);
    expect(await retryDueInbox(deps())).toBe(1);
    expect(calls).toBe(1);
    expect(await inboxRow('crash-1')).toMatchObject({ status: 'done', attempts: 2, leaseUntil: null });
    const replies = await t.database.db.select().from(outbox).where(eq(outbox.idempotencyKey, 'reply:sandbox:crash-1:0'));
    expect(replies.map((r) => r.status)).toEqual(['pending']);
  });

  it('two sweeps running at once take each due event once', async () => {
    let calls = 0;
    handler = async () => {
      calls += 1;
      throw new Error('boom');
    };
    for (let i = 0; i < 6; i++) await handleInbound(deps(), inboundEvent(`race-${i}`), opts);
    calls = 0;
    clock.advance(10 * 60_000);
    handler = async () => {
      calls += 1;
      return [];
    };
    const [a, b] = await Promise.all([retryDueInbox(deps()), retryDueInbox(deps())]);
    expect(a + b).toBe(6);
    expect(calls).toBe(6);
    for (let i = 0; i < 6; i++) expect(await inboxRow(`race-${i}`)).toMatchObject({ status: 'done', attempts: 2 });
  });
});
