import { describe, expect, it } from 'vitest';
import { StatementBatcher } from '../../src/db/statement-batcher.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('StatementBatcher', () => {
  it('runs what arrives together as one batch, answering each caller in order', async () => {
    const batches: number[][] = [];
    const b = new StatementBatcher<number, string>(async (xs) => {
      batches.push(xs);
      return xs.map((x) => `#${x}`);
    }, { maxBatch: 10, maxInFlight: 1 });
    expect(await Promise.all([1, 2, 3].map((x) => b.submit(x)))).toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('does not wait for a batch to fill: a lone request goes on the next turn', async () => {
    const b = new StatementBatcher<number, number>(async (xs) => xs, { maxBatch: 100, maxInFlight: 2 });
    expect(await b.submit(7)).toBe(7);
  });

  it('keeps at most maxInFlight batches running; what arrives meanwhile goes in the next one, up to maxBatch', async () => {
    const batches: number[][] = [];
    const gates: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const b = new StatementBatcher<number, number>(async (xs) => {
      batches.push(xs);
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return xs;
    }, { maxBatch: 3, maxInFlight: 2 });
    const all: Promise<number>[] = [b.submit(1)];
    await tick();
    all.push(b.submit(2));
    await tick();
    for (let i = 3; i <= 9; i++) all.push(b.submit(i));
    await tick();
    expect(batches).toEqual([[1], [2]]);
    while (batches.flat().length < 9 || gates.length > 0) {
      gates.shift()?.();
      await tick();
    }
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches.slice(2)).toEqual([[3, 4, 5], [6, 7, 8], [9]]);
    expect(most).toBe(2);
  });

  it('when a batch fails, runs its requests one by one, so only the bad one fails', async () => {
    const batches: number[][] = [];
    const b = new StatementBatcher<number, number>(async (xs) => {
      batches.push(xs);
      if (xs.includes(13)) throw new Error('13 is refused');
      return xs.map((x) => x * 2);
    }, { maxBatch: 10, maxInFlight: 1 });
    const results = await Promise.allSettled([12, 13, 14].map((x) => b.submit(x)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 24 },
      { status: 'rejected', reason: new Error('13 is refused') },
      { status: 'fulfilled', value: 28 },
    ]);
    expect(batches).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('a batch answered with the wrong number of results counts as failed', async () => {
    const b = new StatementBatcher<number, number>(async (xs) => (xs.length > 1 ? [1] : xs), { maxBatch: 10, maxInFlight: 1 });
    expect(await Promise.all([5, 6].map((x) => b.submit(x)))).toEqual([5, 6]);
  });
});
