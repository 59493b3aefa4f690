import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import type { OutboundMessage, PlatformId } from '../domain/messaging/types.js';

export const OUTBOX_CHANNEL = 'outbox_due';

export interface EnqueueInput {
  platform: PlatformId;
  recipientKind: 'person' | 'chat';
  recipient: string;
  personId?: number | null;
  message: OutboundMessage;
  /** Unique per message instance: enqueueing the same key again is a no-op (nothing is sent twice). */
  idempotencyKey: string;
  notBefore: Date;
  replyContext?: Record<string, unknown> | null;
}

/** Multi-row insert; chunked so a 50 000-recipient push stays within the driver's parameter limit. */
const CHUNK = 2000;

/**
 * Adds rows to the outbox (inside the caller's transaction, so the records and the messages about them
 * commit together) and wakes the dispatchers. Returns how many rows were new.
 */
export async function enqueueMessages(tx: DbOrTx, items: EnqueueInput[], now: Date): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    const res = await tx
      .insert(outbox)
      .values(
        chunk.map((m) => ({
          platform: m.platform,
          recipientKind: m.recipientKind,
          recipient: m.recipient,
          personId: m.personId ?? null,
          message: m.message,
          idempotencyKey: m.idempotencyKey,
          notBefore: m.notBefore,
          replyContext: m.replyContext ?? null,
          createdAt: now,
        })),
      )
      .onConflictDoNothing({ target: outbox.idempotencyKey })
      .returning({ id: outbox.id });
    inserted += res.length;
  }
  // Delivered at commit; a dispatcher that misses it still finds the rows on its next poll.
  if (inserted > 0) await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  return inserted;
}
