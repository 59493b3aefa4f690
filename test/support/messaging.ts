import { Writable } from 'node:stream';
import { eq, type SQL } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';
import { inboxEvents, outbox } from '../../src/db/schema/index.js';
import type { Platform, SendItem, SendResult } from '../../src/domain/messaging/platform.js';
import type { InboundEvent, PlatformId } from '../../src/domain/messaging/types.js';
import type { EnqueueInput } from '../../src/outbox/enqueue.js';
import { createLogger, type Logger } from '../../src/log.js';

/** A logger that writes nowhere (the code under test logs failures on purpose). */
export function quietLogger(): Logger {
  const sink = new Writable({ write: (_c, _e, cb: () => void) => cb() });
  return createLogger({ level: 'silent', destination: sink });
}

export function inboundEvent(eventId: string, over: Partial<InboundEvent> = {}): InboundEvent {
  return { platform: 'sandbox', eventId, kind: 'message', senderId: 'u1', text: '已学习 1', occurredAt: '2026-11-23T01:00:00Z', ...over };
}

export function textItems(n: number, at: Date, prefix = 'm', platform: PlatformId = 'sandbox'): EnqueueInput[] {
  return Array.from({ length: n }, (_, i) => ({
    platform,
    recipientKind: 'person' as const,
    recipient: `p${i}`,
    message: { type: 'text' as const, text: `hello ${i}` },
    idempotencyKey: `${prefix}:${i}`,
    notBefore: at,
  }));
}

type Decide = (item: SendItem, timesSeen: number) => SendResult;

/**
 * A stateful test platform: remembers every outboxId it was asked to send (with repeats), and answers per
 * item through `decide` (default: sent, platformRef `test:<id>`).
 */
export class RecordingPlatform implements Platform {
  readonly seen: number[] = [];
  private readonly counts = new Map<number, number>();
  constructor(
    readonly id: PlatformId = 'sandbox',
    readonly maxBatch = 100,
    private readonly decide: Decide = (item) => ({ outboxId: item.outboxId, ok: true, platformRef: `test:${item.outboxId}` }),
  ) {}

  async send(items: SendItem[]): Promise<SendResult[]> {
    // Yield once, like a network call, so concurrent dispatchers really interleave.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return items.map((item) => {
      const n = (this.counts.get(item.outboxId) ?? 0) + 1;
      this.counts.set(item.outboxId, n);
      this.seen.push(item.outboxId);
      return this.decide(item, n);
    });
  }

  timesSeen(id: number): number {
    return this.counts.get(id) ?? 0;
  }
}

export async function outboxRow(database: Database, id: number) {
  const [row] = await database.db.select().from(outbox).where(eq(outbox.id, id));
  if (!row) throw new Error(`no outbox row ${id}`);
  return row;
}

export async function inboxRows(database: Database) {
  return database.db.select().from(inboxEvents).orderBy(inboxEvents.id);
}

export async function countWhere(database: Database, query: SQL): Promise<number> {
  const res = await database.db.execute(query);
  return Number(rows<{ n: number | string }>(res)[0]?.n ?? 0);
}

/**
 * Re-checks `probe` until it returns true or `timeoutMs` of real time passes. Only for work the code under
 * test finishes in the background (no handle to await); the checks themselves are database reads.
 */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 5000, everyMs = 10): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
