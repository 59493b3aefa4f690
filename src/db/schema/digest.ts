import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, timestamp, unique } from 'drizzle-orm/pg-core';
import { people } from './org.js';
import { assignments } from './plans.js';

/**
 * The current state of every assignment, derived by triggers (migration 0009) from `assignments` and the
 * append-only `completion_records`: one row per assignment, `done` = its latest record is a completion.
 * Never written by the application. It exists so that set-based reads over a million assignments (the leaders'
 * digest) find the open ones through a small partial index instead of asking for every assignment's latest
 * record. `item_id`, `person_id`, `unit_id` and `due_date` mirror the assignment's own columns.
 */
export const assignmentProgress = pgTable(
  'assignment_progress',
  {
    assignmentId: bigint('assignment_id', { mode: 'number' })
      .primaryKey()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    itemId: integer('item_id').notNull(),
    personId: integer('person_id'),
    unitId: integer('unit_id'),
    dueDate: date('due_date', { mode: 'string' }),
    done: boolean('done').notNull().default(false),
    /** The latest completion record (the highest id), and its time. */
    recordId: bigint('record_id', { mode: 'number' }),
    changedAt: timestamp('changed_at', { withTimezone: true }),
  },
  (t) => [
    index('assignment_progress_item_idx').on(t.itemId),
    index('assignment_progress_due_idx').on(t.dueDate).where(sql`${t.dueDate} is not null`),
    index('assignment_progress_open_idx').on(t.dueDate).where(sql`not ${t.done}`),
  ],
);

/** Each leader's digest figures per local day (the latest computed that day), for "what changed since yesterday". */
export const digestSnapshots = pgTable(
  'digest_snapshots',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    day: date('day', { mode: 'string' }).notNull(),
    /** The domain's `DigestFigures`. */
    figures: jsonb('figures').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('digest_snapshots_person_day_key').on(t.personId, t.day)],
);

/** A leader's word on the digest: "简报无异常时不发" (no card on quiet days) / "恢复每日简报". */
export const digestPreferences = pgTable('digest_preferences', {
  personId: integer('person_id')
    .primaryKey()
    .references(() => people.id),
  skipQuietDays: boolean('skip_quiet_days').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
