import type { IsWorkday } from '../reminders/days.js';
import type { CadenceGap, DigestFigures, DrillRow } from './types.js';

/**
 * Per-branch figures as the database computes them, once, for a set of branches (the union of the leaders'
 * scopes); `figuresForScope` sums them for each leader. Everything here is per branch so that slicing is exact.
 */
export interface DigestRaw {
  date: string;
  month: string;
  dueSoonUntil: string;
  computedAt: string;
  /** The branches computed, in organisation order, with their active members. */
  branches: { branchId: number; name: string; members: number }[];
  /** Assignments due this month, and done. */
  monthly: { branchId: number; total: number; done: number }[];
  /** Month assignments by due date, and done ones by the local date of their current completion. */
  dueByDay: { branchId: number; day: string; n: number }[];
  doneByDay: { branchId: number; day: string; n: number }[];
  overdue: { branchId: number; count: number; items: number; oldest: { itemId: number; title: string; due: string } | null }[];
  /** Open assignments due from `date` to `dueSoonUntil`, per branch and item. */
  dueSoon: { branchId: number; itemId: number; title: string; due: string; open: number }[];
  /** Configured dimensions (active, in order) and the year's plan items by branch and dimension. */
  dimensionNames: string[];
  dimensions: { branchId: number; name: string; total: number; done: number; overdue: number }[];
  /** The DRILL_ROWS_PER_BRANCH most pressing rows of each branch, and how many rows each branch has in all. */
  drill: DrillRow[];
  drillRows: { branchId: number; rows: number }[];
  cadence: CadenceGap[];
  scoring: RawScoringRound[];
}

export interface RawScoringRound {
  roundId: number;
  title: string;
  closesAt: string;
  expected: number;
  submitted: number;
  /** Scorers with sheets missing, by their own branch (null: 机关党委 scorers). */
  pending: { branchId: number | null; scorers: number }[];
  /** The branches the round scores. */
  branchIds: number[];
}

/** A leader as the job sees them: their 分管范围 rows and their quiet-day preference. */
export interface DigestLeader {
  personId: number;
  name: string;
  /** scope_unit_id of each leader role row; null = no unit (the whole agency). */
  scopeUnitIds: (number | null)[];
  skipQuietDays: boolean;
}

/** An organisation unit, for resolving a scope to branches. */
export interface DigestUnit {
  id: number;
  kind: 'committee' | 'branch' | 'group';
  parentId: number | null;
  name: string;
}

/** What the digest reads and stores; implemented over the database (src/db/repositories/digest-*.ts). */
export interface DigestStore {
  /** Active units, in organisation order. */
  units(): Promise<DigestUnit[]>;
  /** The raw figures for these branches as of `now` (`dueSoonUntil` computed by the caller from the calendar). */
  compute(branchIds: number[], opts: { date: string; dueSoonUntil: string; now: Date }): Promise<DigestRaw>;
  /** Every active leader (the daily job), or one person when a leader (undefined otherwise). */
  leaders(): Promise<DigestLeader[]>;
  leader(personId: number): Promise<DigestLeader | undefined>;
  /**
   * Working days from `from` to `to` (inclusive; weekdays beyond), read through this store's connection — for
   * callers inside a transaction, where the Calendar port must not be used (it has its own connection).
   */
  workdays(from: string, to: string): Promise<IsWorkday>;
  /** The latest stored figures of each person before `date`. */
  previous(personIds: number[], date: string): Promise<Map<number, DigestFigures>>;
  /**
   * The figures stored for this person and day (the day's last computation, what their latest card said);
   * undefined when there are none or they are of another DIGEST_FIGURES_VERSION. Without the drill rows.
   */
  snapshot(personId: number, date: string): Promise<DigestFigures | undefined>;
  /** Stores (or replaces) each person's figures for the day. */
  saveSnapshots(items: { personId: number; figures: DigestFigures }[], at: Date): Promise<void>;
  setSkipQuietDays(personId: number, skip: boolean, at: Date): Promise<void>;
}
