import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxPlatform } from '../../adapters/sandbox/platform.js';
import { sandboxMessages } from '../../src/db/schema/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { OutboxDispatcher, outboxCounts } from '../../src/outbox/dispatcher.js';
import { enqueueMessages } from '../../src/outbox/enqueue.js';
import { TokenBucket, type Sleep } from '../../src/outbox/token-bucket.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { quietLogger, textItems } from '../support/messaging.js';

/** Simulated time: sleeping moves the manual clock, so rates are measured exactly and instantly. */
function simulated(start = '2026-11-23T01:00:00Z'): { clock: ManualClock; sleep: Sleep; slept: () => number } {
  const clock = new ManualClock(start);
  let total = 0;
  return {
    clock,
    sleep: async (ms) => {
      total += ms;
      clock.advance(ms);
    },
    slept: () => total,
  };
}

const within = (actual: number, expected: number, tolerance = 0.05) => {
  expect(actual).toBeGreaterThanOrEqual(expected * (1 - tolerance));
  expect(actual).toBeLessThanOrEqual(expected * (1 + tolerance));
};

describe('token bucket accuracy (simulated time)', () => {
  it('takes 1 000 single tokens at 20/s in (1000 − burst)/20 s', async () => {
    const { clock, sleep } = simulated();
    const bucket = new TokenBucket(20, 10, clock, sleep);
    const t0 = clock.now().getTime();
    for (let i = 0; i < 1000; i++) await bucket.take();
    within((clock.now().getTime() - t0) / 1000, (1000 - 10) / 20);
  });

  it('is just as accurate for batches, including batches larger than the burst', async () => {
    for (const sizes of [[7], [50], [1, 13, 40, 3]]) {
      const { clock, sleep } = simulated();
      const bucket = new TokenBucket(20, 10, clock, sleep);
      const t0 = clock.now().getTime();
      let taken = 0;
      for (let i = 0; taken < 1000; i++) {
        const n = Math.min(sizes[i % sizes.length]!, 1000 - taken);
        await bucket.take(n);
        taken += n;
      }
      within((clock.now().getTime() - t0) / 1000, (1000 - 10) / 20);
    }
  });

  it('serves concurrent callers in order without exceeding the rate', async () => {
    const { clock, sleep } = simulated();
    const bucket = new TokenBucket(20, 1, clock, sleep);
    const t0 = clock.now().getTime();
    const done: number[] = [];
    await Promise.all(Array.from({ length: 100 }, (_, i) => bucket.take(2).then(() => done.push(i))));
    expect(done).toEqual(Array.from({ length: 100 }, (_, i) => i));
    within((clock.now().getTime() - t0) / 1000, (200 - 1) / 20);
  });

  it('saves up at most `burst` tokens while idle', async () => {
    const { clock, sleep, slept } = simulated();
    const bucket = new TokenBucket(20, 10, clock, sleep);
    clock.advance(3_600_000);
    await bucket.take(10);
    expect(slept()).toBe(0);
    await bucket.take(20);
    within(slept() / 1000, 1);
  });
});

describe(`sandbox platform behind a token bucket, through the real dispatcher (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('dispatches 500 rows at 100/s in (500 − burst)/100 s of simulated time', async () => {
    const { clock, sleep } = simulated();
    const burst = 10;
    const limiter = new TokenBucket(100, burst, clock, sleep);
    const platform = createSandboxPlatform({ database: t.database, clock, limiter, maxBatch: 50 });
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger: quietLogger(), platforms: [platform], batchSize: 200 });
    await t.database.db.transaction((tx) => enqueueMessages(tx, textItems(500, clock.now(), 'rate'), clock.now()));

    const t0 = clock.now().getTime();
    while ((await dispatcher.runOnce()) > 0);
    within((clock.now().getTime() - t0) / 1000, (500 - burst) / 100);
    expect(await outboxCounts(t.database)).toEqual({ sent: 500 });
    expect(await t.database.db.$count(sandboxMessages)).toBe(500);
  });
});
