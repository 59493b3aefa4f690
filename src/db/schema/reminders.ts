import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { orgUnits, people } from './org.js';

/**
 * Reminder settings as partial overrides: the row without a unit is the agency's, a row per branch overrides
 * it. Stored as JSON because the keys are the domain's (src/domain/reminders/settings.ts validates them).
 */
export const reminderSettings = pgTable(
  'reminder_settings',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    unitId: integer('unit_id').references(() => orgUnits.id),
    settings: jsonb('settings').notNull().default(sql`'{}'::jsonb`),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('reminder_settings_unit_key').on(t.unitId).nullsNotDistinct()],
);

/** A person's own word on reminders: "暂停提醒 3天" (muted until a date) or "少提醒" (a lower weekly cap). */
export const reminderPreferences = pgTable('reminder_preferences', {
  personId: integer('person_id').primaryKey().references(() => people.id),
  /** Non-urgent reminders are not sent up to and including this local date. */
  mutedUntil: date('muted_until', { mode: 'string' }),
  /** The person's own weekly cap, lower than the agency's. */
  weeklyCap: integer('weekly_cap'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * Every push the planner created, one row per reminder it carries (a merged card carries several, all with the
 * same outbox key). The cap, the duplicate rule and the burden figure are computed from here; the unique key
 * is "the same reminder to the same person on the same day" — so it is never sent twice, whatever instance.
 */
export const pushLog = pgTable(
  'push_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id').notNull().references(() => people.id),
    /** What the reminder is about: due_soon, due_today, overdue, escalation, escalation_admin, cadence, theme_day, topic. */
    kind: text('kind').notNull(),
    /** The card that carried it: the kind itself, or `merged`. */
    cardKind: text('card_kind').notNull(),
    urgent: boolean('urgent').notNull().default(false),
    /** Local date the push was planned on, and the Monday of the week it is delivered in. */
    day: date('day', { mode: 'string' }).notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    itemKey: text('item_key').notNull(),
    outboxKey: text('outbox_key').notNull(),
    /** How the reminder reads inside a merged card, so a later overflow can be folded into the same card. */
    line: text('line').notNull().default(''),
    /** Assignments the reminder is about; completing all of them cancels a push not yet sent. */
    assignmentIds: bigint('assignment_ids', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('push_log_person_day_item_key').on(t.personId, t.day, t.itemKey),
    index('push_log_week_idx').on(t.week, t.personId),
    index('push_log_outbox_key_idx').on(t.outboxKey),
  ],
);

/** 三会一课 and the rest, recorded as held by a secretary (card, text or admin API). */
export const meetingRecords = pgTable(
  'meeting_records',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    unitId: integer('unit_id').notNull().references(() => orgUnits.id),
    /** branch_committee, group_meeting, general_assembly, party_lecture, theme_day, life_meeting, appraisal. */
    kind: text('kind').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    minutesUrl: text('minutes_url'),
    recordedBy: integer('recorded_by').references(() => people.id),
    recordedVia: text('recorded_via').notNull(),
    sourceEventId: text('source_event_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('meeting_records_unit_idx').on(t.unitId, t.kind, t.heldOn),
    // A platform's retry of the same message records the meeting once.
    unique('meeting_records_event_key').on(t.sourceEventId, t.unitId),
  ],
);
