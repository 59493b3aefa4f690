/**
 * The figures of a leader's daily digest: what the card says, what the H5 detail page charts and drills into,
 * and what is stored each day per leader (so tomorrow's digest can say what changed). Counts only, never
 * individuals (减负: no ranking of people). Dates are local calendar dates YYYY-MM-DD in APP_TIMEZONE.
 *
 * STABLE: other code (the H5 detail page) is built on these shapes. Add optional fields freely; change the
 * meaning of a field only together with DIGEST_FIGURES_VERSION.
 *
 * Counting rules (implemented set-based in src/db/repositories/digest-read.ts):
 * - An assignment is an item given to a branch (工作清单) or to a person (学习清单). It counts for the branch of
 *   that unit, or of the person's current unit (a 党小组 counts for the branch above it). Inactive items, people
 *   and branches are left out.
 * - Its due date is the latest approved extension, else its own, else the item's. It is done when its latest
 *   completion record is a completion (an undo reopens it).
 * - overdue: open and due before `date`. due soon: open and due from `date` up to `dueSoonUntil` (the third
 *   working day after `date`, rest days in between included).
 * - month-to-date ("本月"): the assignments due in the month of `date`; `done` counts those done by now.
 */
export const DIGEST_FIGURES_VERSION = 1;

export interface DigestFigures {
  version: typeof DIGEST_FIGURES_VERSION;
  /** The day the digest is for. */
  date: string;
  /** YYYY-MM of `date`: the month of the month-to-date figures and of `trend`. */
  month: string;
  /** Last day of the "due soon" window (inclusive). */
  dueSoonUntil: string;
  /** When the figures were computed (ISO 8601 instant). */
  computedAt: string;
  scope: DigestScope;
  totals: DigestTotals;
  /** Every active branch in scope, in organisation order (also when nothing is wrong there). */
  branches: BranchFigures[];
  /** Open items due soon, soonest first, summed over the branches in scope. */
  dueSoon: DueSoonItem[];
  /** Branches behind the organisational-life cadence: the meeting's last finished period passed without a record. */
  cadence: CadenceGap[];
  /** Open 互观互检 rounds covering a branch in scope whose sheets are not all submitted. */
  scoring: ScoringWait[];
  /** Month-to-date, one point per day from the 1st to `date`, summed over the branches in scope. */
  trend: TrendPoint[];
  /** The year's plan items by 五型 dimension (configured names, in configured order). */
  dimensions: DimensionFigures[];
  /** Item-level drill-down: per branch, its items with something open or due this month (see DrillRow). Empty in stored snapshots. */
  drill: DrillRow[];
}

/** Whose digest: the whole agency (leaders without a 分管范围, admins) or the branches under some units. */
export type DigestScope = { kind: 'agency' } | { kind: 'units'; unitIds: number[] };

export interface DigestTotals {
  branches: number;
  members: number;
  monthTotal: number;
  monthDone: number;
  overdue: number;
  /** Branches with at least one overdue assignment. */
  overdueBranches: number;
  dueSoon: number;
}

export interface BranchFigures {
  branchId: number;
  name: string;
  /** Active people of the branch and its 党小组. */
  members: number;
  /** Assignments due this month, and how many of them are done. */
  monthTotal: number;
  monthDone: number;
  /** Open assignments past their due date, and how many distinct items they are. */
  overdue: number;
  overdueItems: number;
  /** The overdue item with the earliest due date (ties: the lower item id). */
  oldestOverdue: { itemId: number; title: string; due: string } | null;
  dueSoon: number;
  /** Drill rows of this branch left out of `drill` (beyond DRILL_ROWS_PER_BRANCH). */
  drillOmitted: number;
}

export interface DueSoonItem {
  itemId: number;
  title: string;
  /** The earliest due date among its open assignments in scope. */
  due: string;
  /** Open assignments (people or branches) still to do. */
  open: number;
  /** Branches where it is open, in organisation order. */
  branchIds: number[];
}

export interface CadenceGap {
  branchId: number;
  branchName: string;
  /** branch_committee, group_meeting, general_assembly, party_lecture, theme_day, life_meeting, appraisal. */
  kind: string;
  /** Its Chinese name, e.g. 支部委员会. */
  meeting: string;
  /** The period without a record: 2026-10 (monthly), 2026-Q3 (quarterly), 2025 (yearly). */
  period: string;
  periodEnd: string;
}

export interface ScoringWait {
  roundId: number;
  title: string;
  /** ISO 8601 instant. */
  closesAt: string;
  /** Sheets the round expects and has (submitted), round-wide. */
  expected: number;
  submitted: number;
  /** Scorers with sheets missing, round-wide. */
  pendingScorers: number;
  /** Of those, scorers whose own branch is in scope (a branch secretary). */
  pendingScorersInScope: number;
  /** The round's branches that are in scope. */
  branchIds: number[];
}

export interface TrendPoint {
  date: string;
  /** Month assignments due on or before this day (the month's total is reached at the last due date). */
  due: number;
  /** Month assignments done by the end of this day, dated by their current completion (done before the 1st counts on the 1st). */
  done: number;
}

export interface DimensionFigures {
  name: string;
  /** Assignments of the year's plan items tagged with it (an item tagged twice counts in both). */
  total: number;
  done: number;
  overdue: number;
}

/**
 * One item in one branch. Rows exist for items with an assignment due this month or open and due by
 * `dueSoonUntil`; each branch keeps its DRILL_ROWS_PER_BRANCH most pressing rows (most overdue, then due
 * soon, then most still open this month).
 */
export interface DrillRow {
  branchId: number;
  itemId: number;
  title: string;
  /** must_study, elective_study, self_study, work, innovation, or null. */
  listKind: string | null;
  /** The item's own due date (assignments may differ by extension). */
  due: string | null;
  dimensions: string[];
  monthTotal: number;
  monthDone: number;
  overdue: number;
  dueSoon: number;
  /** Earliest due date among its overdue assignments. */
  oldestOverdue: string | null;
}

export const DRILL_ROWS_PER_BRANCH = 30;

/** What changed since the previous stored figures (usually the previous working day). */
export interface DigestChanges {
  /** The date of the figures compared with. */
  since: string;
  /** Same month: month assignments newly done (net of undos) since then. Null across a month boundary. */
  newlyDone: number | null;
  overdueBefore: number;
  overdueNow: number;
  /** Branches whose overdue count changed, largest change first. */
  overdueByBranch: { branchId: number; name: string; before: number; now: number }[];
  /** Cadence gaps closed (meeting recorded) and new ones. */
  cadenceClosed: CadenceGap[];
  cadenceNew: CadenceGap[];
  /** Sheets submitted since then, per round still waiting. */
  scoringSubmitted: { roundId: number; title: string; sheets: number }[];
}
