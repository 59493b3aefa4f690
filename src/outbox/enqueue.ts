import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { rows } from '../db/migrate.js';
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

/** Rows per insert statement; keeps each statement's JSON parameter a few MB for a 50 000-recipient push. */
const CHUNK = 2000;

/**
 * Adds rows to the outbox (inside the caller's transaction, so the records and the messages about them
 * commit together) and wakes the dispatchers. Returns how many rows were new.
 */
export async function enqueueMessages(tx: DbOrTx, items: EnqueueInput[], now: Date): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < items.length; i += CHUNK) {
    // One JSON parameter per chunk instead of drizzle's multi-row VALUES: building a 2 000-row, 18 000-parameter
    // insert costs drizzle ~0.3-0.7 s of CPU per chunk, which put a 50 000-recipient push at ~15 s.
    const chunk = JSON.stringify(
      items.slice(i, i + CHUNK).map((m) => ({
        platform: m.platform,
        recipient_kind: m.recipientKind,
        recipient: m.recipient,
        person_id: m.personId ?? null,
        message: m.message,
        idempotency_key: m.idempotencyKey,
        not_before: m.notBefore.toISOString(),
        reply_context: m.replyContext ?? null,
      })),
    );
    const res = await tx.execute(sql`
      insert into ${outbox} (platform, recipient_kind, recipient, person_id, message, idempotency_key, not_before, reply_context, created_at)
      select x.platform, x.recipient_kind, x.recipient, x.person_id, x.message, x.idempotency_key, x.not_before, x.reply_context, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${chunk}::jsonb) as x(platform platform_name, recipient_kind recipient_kind, recipient text, person_id integer,
        message jsonb, idempotency_key text, not_before timestamptz, reply_context jsonb)
      on conflict (idempotency_key) do nothing
      returning id`);
    inserted += rows(res).length;
  }
  // Delivered at commit; a dispatcher that misses it still finds the rows on its next poll.
  if (inserted > 0) await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  return inserted;
}
