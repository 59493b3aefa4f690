import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { enqueueMessages } from '../../src/outbox/enqueue.js';
import { outbox } from '../../src/db/schema/index.js';
import { inArray } from 'drizzle-orm';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { outboxRow, quietLogger, RecordingPlatform, textItems } from '../support/messaging.js';

describe(`outbox: retryable and permanent send errors (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const logger = quietLogger();

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  async function enqueueOne(key: string): Promise<number> {
    await t.database.db.transaction((tx) => enqueueMessages(tx, textItems(1, clock.now(), key), clock.now()));
    const [row] = await t.database.db.select({ id: outbox.id }).from(outbox).where(inArray(outbox.idempotencyKey, [`${key}:0`]));
    return row!.id;
  }

  it('backs off a row after retryable failures (attempts, last_error, not_before) and sends it once due', async () => {
    // 系统繁忙 twice for this row, then it goes through.
    const platform = new RecordingPlatform('sandbox', 100, (item, n) =>
      n <= 2 ? { outboxId: item.outboxId, ok: false, retryable: true, error: `-1 系统繁忙 (${n})` } : { outboxId: item.outboxId, ok: true, platformRef: 'msg-1' },
    );
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platform] });
    const id = await enqueueOne('busy');

    for (const attempt of [1, 2]) {
      const now = clock.now().getTime();
      expect(await dispatcher.runOnce()).toBe(1);
      const row = await outboxRow(t.database, id);
      expect(row).toMatchObject({ status: 'pending', attempts: attempt, lastError: `-1 系统繁忙 (${attempt})`, leaseUntil: null, sentAt: null });
      // Full jitter over a ceiling of 2 s · 2^(attempt-1), never less than half of it (backoff.ts).
      const delay = row.notBefore.getTime() - now;
      const ceiling = 2000 * 2 ** (attempt - 1);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);

      // Just before it is due, nobody takes it.
      clock.set(new Date(row.notBefore.getTime() - 1));
      expect(await dispatcher.runOnce()).toBe(0);
      clock.set(row.notBefore);
    }
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await outboxRow(t.database, id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null, platformRef: 'msg-1', sentAt: clock.now() });
    expect(platform.timesSeen(id)).toBe(3);
    expect(await dispatcher.runOnce()).toBe(0);
  });

  it('honours a platform retry-after hint instead of the backoff', async () => {
    const platform = new RecordingPlatform('sandbox', 100, (item, n) =>
      n === 1 ? { outboxId: item.outboxId, ok: false, retryable: true, error: '45009 接口调用超过限制', retryAfterMs: 30_000 } : { outboxId: item.outboxId, ok: true },
    );
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platform] });
    const id = await enqueueOne('limit');
    const now = clock.now().getTime();
    expect(await dispatcher.runOnce()).toBe(1);
    expect((await outboxRow(t.database, id)).notBefore.getTime()).toBe(now + 30_000);
    clock.advance(30_000);
    expect(await dispatcher.runOnce()).toBe(1);
    expect((await outboxRow(t.database, id)).status).toBe('sent');
  });

  it('marks a permanent error failed with the reason, and never tries it again', async () => {
    const platform = new RecordingPlatform('sandbox', 100, (item) => ({ outboxId: item.outboxId, ok: false, retryable: false, error: '81013 invalid userid' }));
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platform] });
    const id = await enqueueOne('invalid-user');
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await outboxRow(t.database, id)).toMatchObject({ status: 'failed', attempts: 1, lastError: '81013 invalid userid', leaseUntil: null, sentAt: null });
    clock.advance(24 * 3_600_000);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(platform.timesSeen(id)).toBe(1);
  });

  it('turns a retryable error permanent once maxAttempts is reached (also for a throwing platform)', async () => {
    const platform = new RecordingPlatform('sandbox', 100, () => {
      throw new Error('connect ECONNREFUSED');
    });
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platform], maxAttempts: 3 });
    const id = await enqueueOne('down');
    for (const attempt of [1, 2, 3]) {
      expect(await dispatcher.runOnce()).toBe(1);
      const row = await outboxRow(t.database, id);
      expect(row).toMatchObject({ attempts: attempt, lastError: 'connect ECONNREFUSED', status: attempt < 3 ? 'pending' : 'failed' });
      clock.set(new Date(row.notBefore.getTime() + 1));
    }
    clock.advance(24 * 3_600_000);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(platform.timesSeen(id)).toBe(3);
  });

  it('a deferral by a rate limit is no attempt: deferred 12 times with maxAttempts 3, the row is still sent', async () => {
    // E.g. WeCom's 30-per-minute limit for one member during a burst: the adapter holds the card back.
    const platform = new RecordingPlatform('sandbox', 100, (item, n) =>
      n <= 12 ? { outboxId: item.outboxId, ok: false, retryable: true, deferred: true, error: '对该成员的发送频率已达上限', retryAfterMs: 5_000 } : { outboxId: item.outboxId, ok: true },
    );
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platform], maxAttempts: 3 });
    const [a, b] = [await enqueueOne('deferred-a'), await enqueueOne('deferred-b')];
    for (let round = 1; round <= 12; round++) {
      expect(await dispatcher.runOnce()).toBe(2);
      for (const id of [a, b]) expect(await outboxRow(t.database, id)).toMatchObject({ status: 'pending', attempts: 0, lastError: '对该成员的发送频率已达上限' });
      expect((await outboxRow(t.database, a)).notBefore.getTime()).toBe(clock.now().getTime() + 5_000);
      clock.advance(5_000);
    }
    expect(await dispatcher.runOnce()).toBe(2);
    for (const id of [a, b]) {
      expect(await outboxRow(t.database, id)).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect(platform.timesSeen(id)).toBe(13);
    }
  });

  it('records a mixed chunk in one go: sent, retried, deferred and failed rows each get their own outcome', async () => {
    const outcome = new Map<string, 'ok' | 'retry' | 'defer' | 'fail'>([['mix-ok:0', 'ok'], ['mix-retry:0', 'retry'], ['mix-defer:0', 'defer'], ['mix-fail:0', 'fail']]);
    const keys = new Map<number, string>();
    const platform = new RecordingPlatform('sandbox', 100, (item) => {
      const o = outcome.get(keys.get(item.outboxId)!);
      if (o === 'ok') return { outboxId: item.outboxId, ok: true, platformRef: 'm' };
      if (o === 'fail') return { outboxId: item.outboxId, ok: false, retryable: false, error: 'bad user' };
      return { outboxId: item.outboxId, ok: false, retryable: true, error: o!, retryAfterMs: 1000, ...(o === 'defer' ? { deferred: true } : {}) };
    });
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platform] });
    for (const k of ['mix-ok', 'mix-retry', 'mix-defer', 'mix-fail']) keys.set(await enqueueOne(k), `${k}:0`);
    expect(await dispatcher.runOnce()).toBe(4);
    const byKey = new Map<string, Awaited<ReturnType<typeof outboxRow>>>();
    for (const [id, k] of keys) byKey.set(k, await outboxRow(t.database, id));
    expect(byKey.get('mix-ok:0')).toMatchObject({ status: 'sent', attempts: 1, platformRef: 'm' });
    expect(byKey.get('mix-retry:0')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'retry' });
    expect(byKey.get('mix-defer:0')).toMatchObject({ status: 'pending', attempts: 0, lastError: 'defer' });
    expect(byKey.get('mix-fail:0')).toMatchObject({ status: 'failed', attempts: 1, lastError: 'bad user' });
    expect(byKey.get('mix-retry:0')!.notBefore.getTime()).toBe(clock.now().getTime() + 1000);
    // Both come back when due (and leave nothing behind for the next test).
    clock.advance(1000);
    outcome.set('mix-retry:0', 'ok').set('mix-defer:0', 'ok');
    expect(await dispatcher.runOnce()).toBe(2);
  });

  it('re-claims a row whose sender crashed mid-send once its lease has run out', async () => {
    const id = await enqueueOne('crashed-sender');
    // A dispatcher claimed it (status sending, lease 60 s) and died before recording anything.
    const dead = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [new RecordingPlatform('wecom')] });
    expect(await dead.runOnce()).toBe(0); // wrong platform: it only claims its own rows
    await t.database.db.update(outbox).set({ status: 'sending', attempts: 1, leaseUntil: new Date(clock.now().getTime() + 60_000) }).where(inArray(outbox.id, [id]));
    const platform = new RecordingPlatform();
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger, platforms: [platform] });
    expect(await dispatcher.runOnce()).toBe(0);
    clock.advance(60_001);
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await outboxRow(t.database, id)).toMatchObject({ status: 'sent', attempts: 2, platformRef: `test:${id}` });
  });
});
