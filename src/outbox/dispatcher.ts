import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import type { Clock } from '../domain/clock.js';
import type { Platform, SendResult } from '../domain/messaging/platform.js';
import type { PlatformId } from '../domain/messaging/types.js';
import type { Logger } from '../log.js';
import { backoffMs } from './backoff.js';
import { claimDueRows, type ClaimedRow } from './claim.js';
import { OUTBOX_CHANNEL } from './enqueue.js';

export interface DispatcherOptions {
  database: Database;
  clock: Clock;
  logger: Logger;
  platforms: Platform[];
  /** Rows claimed per round. */
  batchSize?: number;
  leaseMs?: number;
  /** Poll interval when nothing wakes us (LISTEN/NOTIFY is only a hint). */
  pollMs?: number;
  /** After this many attempts a retryable failure becomes permanent. */
  maxAttempts?: number;
  random?: () => number;
}

/**
 * Sends what the outbox holds: claim due rows, hand them to their platform in batches, record each result.
 * Several dispatchers (in one or many instances) can run at once; none sends a row another has claimed.
 */
export class OutboxDispatcher {
  private readonly platforms: Map<PlatformId, Platform>;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly opts: DispatcherOptions) {
    this.platforms = new Map(opts.platforms.map((p) => [p.id, p]));
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.unlisten = await this.opts.database.listen(OUTBOX_CHANNEL, () => this.wake());
    } catch (err) {
      this.opts.logger.warn({ err }, 'outbox: LISTEN unavailable, polling only');
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.unlisten?.().catch(() => undefined);
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (err) {
        this.opts.logger.error({ err }, 'outbox round failed');
      }
      if (handled === 0 && this.running) await this.idle();
    }
  }

  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      // Ending by the timer must also drop the waker: a stale one would swallow the next wake() (set `woken`
      // back to false) while a round runs, and a notification arriving then would wait out a whole pollMs.
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.opts.pollMs ?? 1000);
      this.wakeUp = () => {
        this.woken = false;
        done();
      };
    });
  }

  /** One round: claim, send, record. Returns the number of rows handled. */
  async runOnce(): Promise<number> {
    const now = this.opts.clock.now();
    const claimed = await claimDueRows(this.opts.database.db, now, this.opts.batchSize ?? 500, this.opts.leaseMs ?? 60_000, [...this.platforms.keys()]);
    if (claimed.length === 0) return 0;
    const byPlatform = new Map<PlatformId, ClaimedRow[]>();
    for (const row of claimed) (byPlatform.get(row.platform) ?? byPlatform.set(row.platform, []).get(row.platform)!).push(row);
    await Promise.all([...byPlatform].map(([id, list]) => this.sendAll(this.platforms.get(id)!, list)));
    return claimed.length;
  }

  private async sendAll(platform: Platform, list: ClaimedRow[]): Promise<void> {
    for (let i = 0; i < list.length; i += platform.maxBatch) {
      const chunk = list.slice(i, i + platform.maxBatch);
      let results: SendResult[];
      try {
        results = await platform.send(
          chunk.map((r) => ({
            outboxId: r.id,
            recipientKind: r.recipientKind,
            recipient: r.recipient,
            message: r.message,
            idempotencyKey: r.idempotencyKey,
            replyContext: r.replyContext,
          })),
        );
      } catch (err) {
        // A platform that throws instead of answering per item: treat the whole chunk as retryable.
        const error = err instanceof Error ? err.message : String(err);
        results = chunk.map((r) => ({ outboxId: r.id, ok: false, retryable: true, error }));
      }
      await this.record(chunk, results);
    }
  }

  private async record(chunk: ClaimedRow[], results: SendResult[]): Promise<void> {
    const now = this.opts.clock.now();
    const byId = new Map(results.map((r) => [r.outboxId, r]));
    const sent: { id: number; ref: string | null }[] = [];
    const retry: { id: number; notBefore: string; error: string; refund: number }[] = [];
    const failed: { id: number; error: string }[] = [];
    for (const row of chunk) {
      const r = byId.get(row.id) ?? { outboxId: row.id, ok: false as const, retryable: true, error: 'platform returned no result for this row' };
      if (r.ok) {
        sent.push({ id: row.id, ref: r.platformRef ?? null });
      } else if (r.retryable && r.deferred) {
        // Held back by a rate limit: the claim's attempt is given back, so deferrals never exhaust maxAttempts.
        retry.push({ id: row.id, notBefore: new Date(now.getTime() + (r.retryAfterMs ?? 1000)).toISOString(), error: r.error.slice(0, 1000), refund: 1 });
      } else if (r.retryable && row.attempts < (this.opts.maxAttempts ?? 10)) {
        const delay = r.retryAfterMs ?? backoffMs(row.attempts, { random: this.opts.random });
        retry.push({ id: row.id, notBefore: new Date(now.getTime() + delay).toISOString(), error: r.error.slice(0, 1000), refund: 0 });
      } else {
        this.opts.logger.warn({ outboxId: row.id, platform: row.platform, error: r.error }, 'outbox row failed permanently');
        failed.push({ id: row.id, error: r.error.slice(0, 1000) });
      }
    }
    // One statement per outcome for the whole chunk: a rate-limited burst defers hundreds of rows at a time, and a
    // round trip per row would make recording slower than sending.
    const list = <T>(items: T[], f: (t: T) => unknown) => sql.join(items.map((i) => sql`${f(i)}`), sql`, `);
    await this.opts.database.db.transaction(async (tx) => {
      if (sent.length > 0) {
        await tx.execute(sql`
          update outbox o set status = 'sent', sent_at = ${now.toISOString()}::timestamptz, lease_until = null, last_error = null, platform_ref = v.ref
          from (select unnest(array[${list(sent, (s) => s.id)}]::bigint[]) as id, unnest(array[${list(sent, (s) => s.ref)}]::text[]) as ref) v
          where o.id = v.id`);
      }
      if (retry.length > 0) {
        await tx.execute(sql`
          update outbox o set status = 'pending', lease_until = null, not_before = v.not_before, last_error = v.error, attempts = o.attempts - v.refund
          from (select unnest(array[${list(retry, (r) => r.id)}]::bigint[]) as id, unnest(array[${list(retry, (r) => r.notBefore)}]::timestamptz[]) as not_before,
                       unnest(array[${list(retry, (r) => r.error)}]::text[]) as error, unnest(array[${list(retry, (r) => r.refund)}]::int[]) as refund) v
          where o.id = v.id`);
      }
      if (failed.length > 0) {
        await tx.execute(sql`
          update outbox o set status = 'failed', lease_until = null, last_error = v.error
          from (select unnest(array[${list(failed, (f) => f.id)}]::bigint[]) as id, unnest(array[${list(failed, (f) => f.error)}]::text[]) as error) v
          where o.id = v.id`);
      }
    });
  }
}

/** Counts by status, for tests, benchmarks and the admin console. */
export async function outboxCounts(database: Database): Promise<Record<string, number>> {
  const res = await database.db.select({ status: outbox.status, n: sql<number>`count(*)::int` }).from(outbox).groupBy(outbox.status);
  return Object.fromEntries(res.map((r) => [r.status, Number(r.n)]));
}
