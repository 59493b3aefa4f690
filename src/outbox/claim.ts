import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rows } from '../db/migrate.js';
import type { OutboundMessage, PlatformId } from '../domain/messaging/types.js';

export interface ClaimedRow {
  id: number;
  platform: PlatformId;
  recipientKind: 'person' | 'chat';
  recipient: string;
  message: OutboundMessage;
  idempotencyKey: string;
  replyContext: Record<string, unknown> | null;
  attempts: number;
}

/**
 * Claims up to `limit` due rows for this dispatcher. `FOR UPDATE SKIP LOCKED` lets several instances claim
 * side by side without waiting for or sharing rows; the lease lets a row claimed by a crashed instance be
 * claimed again once it runs out (the platform idempotency key then prevents a second card).
 */
export async function claimDueRows(db: Db, now: Date, limit: number, leaseMs: number, platforms: PlatformId[]): Promise<ClaimedRow[]> {
  if (platforms.length === 0) return [];
  // ISO strings, not Dates: drizzle's postgres.js driver passes raw-SQL parameters to the wire unserialised,
  // and postgres.js cannot write a Date there (PGlite can, which hid it).
  const lease = new Date(now.getTime() + leaseMs).toISOString();
  const at = now.toISOString();
  const platformList = sql.join(platforms.map((p) => sql`${p}::platform_name`), sql`, `);
  const res = await db.execute(sql`
    update outbox o set status = 'sending', lease_until = ${lease}::timestamptz, attempts = o.attempts + 1
    where o.id in (
      select id from outbox
      where platform in (${platformList})
        and ((status = 'pending' and not_before <= ${at}::timestamptz) or (status = 'sending' and lease_until < ${at}::timestamptz))
      order by not_before, id
      limit ${limit}
      for update skip locked
    )
    returning o.id, o.platform, o.recipient_kind, o.recipient, o.message, o.idempotency_key, o.reply_context, o.attempts`);
  return rows<{
    id: number | string;
    platform: PlatformId;
    recipient_kind: 'person' | 'chat';
    recipient: string;
    message: OutboundMessage | string;
    idempotency_key: string;
    reply_context: Record<string, unknown> | string | null;
    attempts: number;
  }>(res)
    .map((r) => ({
      id: Number(r.id),
      platform: r.platform,
      recipientKind: r.recipient_kind,
      recipient: r.recipient,
      message: (typeof r.message === 'string' ? JSON.parse(r.message) : r.message) as OutboundMessage,
      idempotencyKey: r.idempotency_key,
      replyContext: (typeof r.reply_context === 'string' ? JSON.parse(r.reply_context) : r.reply_context) as Record<string, unknown> | null,
      attempts: r.attempts,
    }))
    .sort((a, b) => a.id - b.id);
}
