import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { chats, orgUnits, people, platformName } from './org.js';

/**
 * 互观互检 (peer inspection and scoring). A round scores the branches linked to a group chat with one scheme
 * and one aggregation policy, both copied onto the round so a later edit never changes a past result.
 * Nothing here is deleted: sheets keep their revisions in the audit log, results are recorded once per round.
 */

export const scoringRoundStatus = pgEnum('scoring_round_status', ['open', 'closed', 'published']);
export const scoringScorerRole = pgEnum('scoring_scorer_role', ['peer', 'committee']);
export const scoringSheetStatus = pgEnum('scoring_sheet_status', ['draft', 'submitted']);
export const scoringSheetSource = pgEnum('scoring_sheet_source', ['h5', 'card', 'text', 'admin']);

/** A scoring scheme (计分方案) as imported; `definition` is the domain's validated `Scheme`. Immutable. */
export const scoringSchemes = pgTable('scoring_schemes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  definition: jsonb('definition').notNull(),
  /** sha256 of the canonical definition: importing the same scheme again finds the existing row. */
  digest: text('digest').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/**
 * Which branches a group chat's rounds cover. A chat without rows here covers every active branch of the
 * agency (the usual 机关党委 group of all branch secretaries).
 */
export const scoringChatBranches = pgTable(
  'scoring_chat_branches',
  {
    chatId: integer('chat_id').notNull().references(() => chats.id),
    unitId: integer('unit_id').notNull().references(() => orgUnits.id),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.unitId] })],
);

export const scoringRounds = pgTable(
  'scoring_rounds',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    title: text('title').notNull(),
    schemeId: integer('scheme_id').notNull().references(() => scoringSchemes.id),
    /** The domain's `AggregationPolicy`, copied at start. */
    policy: jsonb('policy').notNull(),
    policyVersion: text('policy_version').notNull(),
    platform: platformName('platform').notNull(),
    /** The group chat it was started in; null for a round started by an admin outside any chat. */
    chatId: integer('chat_id').references(() => chats.id),
    startedBy: integer('started_by').references(() => people.id),
    status: scoringRoundStatus('status').notNull().default('open'),
    opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** `person:12`, `deadline`, `admin:cli`. */
    closedBy: text('closed_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishedBy: text('published_by'),
    /** Raw ranks are computed always but shown only when the admin enables them. */
    showRanks: boolean('show_ranks').notNull().default(false),
    /** The inbound event that started it: handling the same event again finds this round. */
    sourceEventId: text('source_event_id').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // One open round per chat ("a second round started in the same chat while one is open" is refused).
    uniqueIndex('scoring_rounds_one_open_per_chat').on(t.chatId).where(sql`${t.status} = 'open' and ${t.chatId} is not null`),
    index('scoring_rounds_open_closes_idx').on(t.closesAt).where(sql`${t.status} = 'open'`),
    check('scoring_rounds_window', sql`${t.closesAt} > ${t.opensAt}`),
  ],
);

/** The branches a round scores, with the name they had when it started. */
export const scoringRoundBranches = pgTable(
  'scoring_round_branches',
  {
    roundId: integer('round_id').notNull().references(() => scoringRounds.id),
    unitId: integer('unit_id').notNull().references(() => orgUnits.id),
    name: text('name').notNull(),
    sort: integer('sort').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.unitId] })],
);

/**
 * Who scores in a round. `peer`: a branch secretary (scores every other branch — 回避 of `branchId`) or a
 * 机关党委 panel member (`branchId` null, scores every branch). `committee`: the 机关党委 secretary, whose sheet for
 * a branch is that branch's 点评分 (weighted separately by the policy).
 */
export const scoringRoundScorers = pgTable(
  'scoring_round_scorers',
  {
    roundId: integer('round_id').notNull().references(() => scoringRounds.id),
    personId: integer('person_id').notNull().references(() => people.id),
    role: scoringScorerRole('role').notNull(),
    /** The scorer's own branch in this round (never scored by them); null for 机关党委 scorers. */
    branchId: integer('branch_id').references(() => orgUnits.id),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.personId] })],
);

/** One scorer's sheet for one branch. Every save appends an audit entry with the entries, so history survives. */
export const scoringSheets = pgTable(
  'scoring_sheets',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    roundId: integer('round_id').notNull().references(() => scoringRounds.id),
    scorerId: integer('scorer_id').notNull().references(() => people.id),
    targetUnitId: integer('target_unit_id').notNull().references(() => orgUnits.id),
    status: scoringSheetStatus('status').notNull(),
    /** The domain's `SheetEntry[]`. */
    entries: jsonb('entries').notNull().default(sql`'[]'::jsonb`),
    /** 点评 / 评语 (free text). */
    comment: text('comment'),
    /** Total with category caps applied, in hundredths of a point; set on submit. */
    totalCents: integer('total_cents'),
    source: scoringSheetSource('source').notNull(),
    /** Increments on every save; the audit entry of each revision carries it. */
    revision: integer('revision').notNull().default(1),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('scoring_sheets_scorer_target_key').on(t.roundId, t.scorerId, t.targetUnitId), index('scoring_sheets_round_idx').on(t.roundId, t.status)],
);

/**
 * A round's computed results (the domain's `RoundResult`) and the admin-only flags, recorded at close with the
 * policy version that produced them. One per round; publishing marks the round, it does not recompute.
 */
export const scoringResults = pgTable('scoring_results', {
  roundId: integer('round_id')
    .primaryKey()
    .references(() => scoringRounds.id),
  policyVersion: text('policy_version').notNull(),
  result: jsonb('result').notNull(),
  flags: jsonb('flags').notNull().default(sql`'[]'::jsonb`),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
});
