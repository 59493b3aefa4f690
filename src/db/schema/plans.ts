import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { orgUnits, people } from './org.js';

export const listKind = pgEnum('list_kind', ['must_study', 'elective_study', 'self_study', 'work', 'innovation']);
export const itemLevel = pgEnum('item_level', ['aspect', 'goal', 'task']);
export const assigneeKind = pgEnum('assignee_kind', ['unit', 'person']);
export const completionAction = pgEnum('completion_action', ['complete', 'revoke']);
export const completionSource = pgEnum('completion_source', ['card', 'text', 'admin']);
export const extensionStatus = pgEnum('extension_status', ['pending', 'approved', 'rejected']);

/** The agency's "五型" (names differ by agency, so they are data; seeded with the common five). */
export const dimensions = pgTable('dimensions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull().unique(),
  /** Other names documents use for it, e.g. 学习型 for 服务型 in some agencies. */
  aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
  sort: integer('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

/** A year's plan (工作要点 / 实施方案), imported from a document. */
export const plans = pgTable(
  'plans',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    year: integer('year').notNull(),
    title: text('title').notNull(),
    sourceName: text('source_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [unique('plans_year_title_key').on(t.year, t.title)],
);

/** A month's theme (每月主题) pushed to every member; its 必学 items are plan items with topic_id set. */
export const topics = pgTable('topics', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  /** YYYY-MM. */
  month: text('month').notNull().unique(),
  title: text('title').notNull(),
  summary: text('summary').notNull().default(''),
  materials: jsonb('materials').notNull().default(sql`'[]'::jsonb`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: text('created_by').notNull(),
  pushedAt: timestamp('pushed_at', { withTimezone: true }),
});

/**
 * The goal tree: aspect → goal → task (方面 → 子目标 → 子任务), or a month topic's 必学 items. `path` (the
 * outline markers, e.g. "一/1.") identifies an item within its plan, so re-importing a document finds it.
 */
export const planItems = pgTable(
  'plan_items',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    planId: integer('plan_id').references(() => plans.id),
    topicId: integer('topic_id').references(() => topics.id),
    parentId: integer('parent_id').references((): AnyPgColumn => planItems.id),
    path: text('path').notNull(),
    position: integer('position').notNull(),
    level: itemLevel('level').notNull(),
    marker: text('marker').notNull().default(''),
    title: text('title').notNull(),
    text: text('text').notNull().default(''),
    dueDate: date('due_date', { mode: 'string' }),
    responsibleUnitId: integer('responsible_unit_id').references(() => orgUnits.id),
    responsiblePersonId: integer('responsible_person_id').references(() => people.id),
    /** 责任单位/责任人 as the document wrote it, when it names no known unit or person. */
    responsibleText: text('responsible_text'),
    listKind: listKind('list_kind'),
    dimensions: text('dimensions').array().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('plan_items_plan_path_key').on(t.planId, t.topicId, t.path).nullsNotDistinct(),
    index('plan_items_parent_idx').on(t.parentId),
    check('plan_items_owner', sql`(${t.planId} is null) <> (${t.topicId} is null)`),
  ],
);

/** An item fanned out to a branch (work items) or a person (study items); one row per (item, assignee). */
export const assignments = pgTable(
  'assignments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    itemId: integer('item_id').notNull().references(() => planItems.id),
    assigneeKind: assigneeKind('assignee_kind').notNull(),
    unitId: integer('unit_id').references(() => orgUnits.id),
    personId: integer('person_id').references(() => people.id),
    dueDate: date('due_date', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('assignments_item_assignee_key').on(t.itemId, t.unitId, t.personId).nullsNotDistinct(),
    check('assignments_one_assignee', sql`(${t.assigneeKind} = 'unit' and ${t.unitId} is not null and ${t.personId} is null) or (${t.assigneeKind} = 'person' and ${t.personId} is not null and ${t.unitId} is null)`),
    index('assignments_person_idx').on(t.personId),
    index('assignments_unit_idx').on(t.unitId),
  ],
);

/**
 * Append-only completion records: a completion, or a revocation of an earlier one (undo). Nothing is updated
 * or deleted; the current state of an assignment is its latest record. `sourceEventId` ties a record to the
 * inbound event that caused it.
 */
export const completionRecords = pgTable(
  'completion_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    assignmentId: bigint('assignment_id', { mode: 'number' }).notNull().references(() => assignments.id),
    personId: integer('person_id').notNull().references(() => people.id),
    action: completionAction('action').notNull(),
    revokesId: bigint('revokes_id', { mode: 'number' }).references((): AnyPgColumn => completionRecords.id),
    source: completionSource('source').notNull(),
    evidence: text('evidence'),
    sourceEventId: text('source_event_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('completion_records_assignment_idx').on(t.assignmentId, t.id),
    index('completion_records_person_idx').on(t.personId, t.at),
    // One event makes at most one record per assignment, whatever retries happen.
    unique('completion_records_event_key').on(t.sourceEventId, t.assignmentId, t.action),
  ],
);

/** What the last list card showed a person: its numbers → assignments, so "2、3 完成" means what they saw. */
export const listSnapshots = pgTable('list_snapshots', {
  personId: integer('person_id').primaryKey().references(() => people.id),
  cardKey: text('card_key').notNull(),
  /** [{ no, assignmentId }] in card order. */
  entries: jsonb('entries').notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
});

export const extensionRequests = pgTable(
  'extension_requests',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    assignmentId: bigint('assignment_id', { mode: 'number' }).notNull().references(() => assignments.id),
    personId: integer('person_id').notNull().references(() => people.id),
    requestedUntil: date('requested_until', { mode: 'string' }).notNull(),
    reason: text('reason'),
    status: extensionStatus('status').notNull().default('pending'),
    decidedBy: integer('decided_by').references(() => people.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    sourceEventId: text('source_event_id').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('extension_requests_assignment_idx').on(t.assignmentId)],
);

/** Small per-person conversation state: when the bot last answered an unclear message with help. */
export const conversationState = pgTable('conversation_state', {
  personId: integer('person_id').primaryKey().references(() => people.id),
  lastHelpAt: timestamp('last_help_at', { withTimezone: true }),
});
