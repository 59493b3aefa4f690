import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const sandboxDirection = pgEnum('sandbox_direction', ['in', 'out']);

/**
 * The sandbox messenger's "chat server": what members typed (in) and what the bot sent (out), per
 * conversation. A conversation is `person:<id>` (1:1 with the bot) or `chat:<id>` (a group chat).
 */
export const sandboxMessages = pgTable(
  'sandbox_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversation: text('conversation').notNull(),
    direction: sandboxDirection('direction').notNull(),
    /** Sender's sandbox id for inbound messages; for outbound, the recipient. */
    party: text('party').notNull(),
    text: text('text'),
    /** For outbound cards: the neutral card (the page renders it with the sandbox renderer). */
    card: jsonb('card'),
    /** The card as the sandbox renderer rendered it when sent (what the person saw, like a platform's copy). */
    html: text('html'),
    /** The outbox row (outbound) or inbound event id (inbound) this message belongs to. */
    ref: text('ref'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('sandbox_messages_conversation_idx').on(t.conversation, t.id),
    // Like a platform's task_id: a resend of the same outbox row (after a crash) is not a second message.
    uniqueIndex('sandbox_messages_ref_key').on(t.ref),
  ],
);
