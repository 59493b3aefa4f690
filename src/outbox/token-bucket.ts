import type { Clock } from '../domain/clock.js';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. take() waits until the tokens
 * are there. Clock and sleep are injected, so tests measure the rate exactly without real waiting.
 * Callers are served in order (a queue), so one large request cannot be starved by many small ones.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep = realSleep,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('rate must be > 0 and burst >= 1');
    this.tokens = burst;
    this.last = clock.now().getTime();
  }

  take(n = 1): Promise<void> {
    const run = this.queue.then(() => this.takeNow(n));
    // Keep the chain alive even if a caller's wait is abandoned.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async takeNow(n: number): Promise<void> {
    const need = Math.min(n, this.burst);
    let remaining = n;
    while (remaining > 0) {
      this.refill();
      const chunk = Math.min(remaining, need);
      if (this.tokens >= chunk) {
        this.tokens -= chunk;
        remaining -= chunk;
        continue;
      }
      const waitMs = Math.ceil(((chunk - this.tokens) / this.ratePerSecond) * 1000);
      await this.sleep(Math.max(1, waitMs));
    }
  }

  private refill(): void {
    const now = this.clock.now().getTime();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerSecond);
  }
}
