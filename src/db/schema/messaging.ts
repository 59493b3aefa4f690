import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { people, platformName } from './org.js';

export const inboxStatus = pgEnum('inbox_status', ['pending', 'processing', 'done', 'failed', 'dead']);
export const outboxStatus = pgEnum('outbox_status', ['pending', 'sending', 'sent', 'failed', 'cancelled']);
export const recipientKind = pgEnum('recipient_kind', ['person', 'chat']);

/**
 * Every verified inbound event, stored before the platform gets its answer (ARCHITECTURE §3). The unique key
 * makes a platform's retry of the same event a no-op; the status and lease let a crashed or failed handling
 * be picked up again by any instance.
 */
export const inboxEvents = pgTable(
  'inbox_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    platform: platformName('platform').notNull(),
    eventId: text('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** The adapter's InboundEvent (already verified and decoded; never contains secrets). */
    event: jsonb('event').notNull(),
    status: inboxStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    /** While `processing`: when another instance may assume this one died and take the event over. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    handledAt: timestamp('handled_at', { withTimezone: true }),
  },
  (t) => [
    unique('inbox_events_platform_event_key').on(t.platform, t.eventId),
    index('inbox_events_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'failed', 'processing')`),
  ],
);

/** The durable outbound queue: one row per recipient and message, sent exactly once. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    platform: platformName('platform').notNull(),
    recipientKind: recipientKind('recipient_kind').notNull(),
    /** The adapter's opaque id of the person (userid / staffId) or chat. */
    recipient: text('recipient').notNull(),
    personId: integer('person_id').references(() => people.id),
    /** OutboundMessage: `{type:'card', card}` or `{type:'text', text}` — platform-neutral. */
    message: jsonb('message').notNull(),
    /** Unique per message instance; also the seed of the platform's own idempotency key (task_id / outTrackId). */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /** Inbound-event context an adapter may need to answer (e.g. a DingTalk sessionWebhook); opaque here. */
    replyContext: jsonb('reply_context'),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    status: outboxStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    /** task_id / outTrackId / msgid, for later card updates. */
    platformRef: text('platform_ref'),
    /** WeCom ResponseCode for updating the card after a click; single use, expires after 72 h. */
    responseCode: text('response_code'),
    responseCodeExpiresAt: timestamp('response_code_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_due_idx').on(t.notBefore, t.id).where(sql`${t.status} in ('pending', 'sending')`),
    index('outbox_person_idx').on(t.personId, t.createdAt),
  ],
);
