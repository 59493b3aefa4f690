import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { orgUnits, people, roleName } from './org.js';

/** Admin API bearer tokens. Only a SHA-256 of the token is stored; the token itself is shown once. */
export const adminTokens = pgTable('admin_tokens', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull().unique(),
  tokenHash: text('token_hash').notNull().unique(),
  role: roleName('role').notNull(),
  scopeUnitId: integer('scope_unit_id').references(() => orgUnits.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/**
 * Append-only audit log with a hash chain: each row's hash covers the previous row's hash and its own
 * content, so the chain head printed on an export reveals any later edit. A trigger (migration 0001)
 * refuses UPDATE and DELETE.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull().unique(),
  },
  (t) => [index('audit_log_subject_idx').on(t.subjectType, t.subjectId)],
);

/**
 * Admin console sessions (the cookie holds a random token; only its SHA-256 is stored). A session ends on
 * sign-out, after ADMIN_SESSION_IDLE_MINUTES without a request, or at `expires_at` whatever the activity.
 */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    tokenHash: text('token_hash').notNull().unique(),
    personId: integer('person_id').notNull().references(() => people.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('admin_sessions_person_idx').on(t.personId)],
);

/** Spent sign-in links: a link's nonce is recorded when it is used, so each link signs in once. */
export const adminSigninNonces = pgTable('admin_signin_nonces', {
  nonce: text('nonce').primaryKey(),
  personId: integer('person_id').notNull().references(() => people.id),
  usedAt: timestamp('used_at', { withTimezone: true }).notNull(),
});
