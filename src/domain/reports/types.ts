import type { Cadence, MeetingKind } from '../reminders/settings.js';
import type { ReportPeriod } from './period.js';

/**
 * 年中查账 / 年底交账: what the database gives (…Row, …Input) and what the report says (the rest). Counts only,
 * never a ranking of people (减负).
 *
 * Counting rules (the SQL in src/exports/year-report-data.ts implements them; the leader digest uses the same):
 * - The year's items are the active items of plans of that year and of the monthly topics of its months.
 * - An assignment counts for the branch it was given to, or for the branch of the person's current unit (a 党小组
 *   counts for the branch above it); people no longer active and people at 机关党委 level are left out.
 * - Its due date is the latest extension approved before the cutoff, else its own, else the item's.
 * - It is done when its latest completion record made before the cutoff is a completion (an undo reopens it);
 *   done late when that completion's local date is after the due date.
 */

export type ListKind = 'must_study' | 'elective_study' | 'self_study' | 'work' | 'innovation';
export type AssigneeKind = 'unit' | 'person';

/** One item of the year (plan task or monthly-topic 必学 item). */
export interface ReportItem {
  id: number;
  title: string;
  /** Outline path within its plan ("一、/1."), or 必学N for topic items. */
  path: string;
  listKind: ListKind | null;
  dimensions: string[];
  /** The item's own due date (assignments may differ by extension). */
  dueDate: string | null;
  /** "2026年机关党建工作要点" or "2026年3月主题：…". */
  source: string;
}

/** Figures of one item in one branch, for one kind of assignee (the SQL's group). */
export interface ItemFigureRow {
  branchId: number;
  itemId: number;
  assignee: AssigneeKind;
  planned: number;
  done: number;
  doneLate: number;
  /** Open and due before the cutoff. */
  overdue: number;
  /** Due before the cutoff (done or not). */
  dueByCutoff: number;
  /** Assignments whose due date comes from an approved extension. */
  extended: number;
  /** Done with evidence (心得/佐证) written. */
  withEvidence: number;
  dueMin: string | null;
  dueMax: string | null;
  /** Latest completion (local wall-clock time, YYYY-MM-DDTHH:mm:ss), when any is done. */
  lastDoneAt: string | null;
  /** For a single assignment (a branch's own item): its completion's evidence and source. */
  evidence: string | null;
  source: 'card' | 'text' | 'admin' | null;
}

export interface BranchInput {
  id: number;
  name: string;
  active: boolean;
  hasGroups: boolean;
  /** Active people of the branch and its 党小组. */
  members: number;
}

export interface MeetingInput {
  branchId: number;
  kind: string;
  heldOn: string;
}

/** One branch's line of a published 互观互检 round's stored result. */
export interface RoundBranchResult {
  branchId: number;
  total: number | null;
  totalText: string | null;
  stars: number;
  starLabel: string;
  classLabel: string | null;
}

export interface PublishedRound {
  id: number;
  title: string;
  /** Local dates. */
  opensOn: string;
  publishedOn: string | null;
  branches: RoundBranchResult[];
}

export interface YearReportInput {
  period: ReportPeriod;
  /** When the report was made (ISO instant) and the agency (机关党委) it is for. */
  generatedAt: string;
  agency: string;
  /** "全部党支部", or the units the report is limited to. */
  scopeLabel: string;
  branches: BranchInput[];
  /** Configured dimension names in order (五型). */
  dimensionNames: string[];
  items: ReportItem[];
  figures: ItemFigureRow[];
  meetings: MeetingInput[];
  /** Each branch's effective meeting cadence (reminder settings). */
  cadenceOf(branchId: number): Record<MeetingKind, Cadence>;
  rounds: PublishedRound[];
}

/** Additive counts and the rates derived from them. */
export interface Figures {
  planned: number;
  /** Due before the cutoff: what should be done by now (应完成). */
  dueByNow: number;
  done: number;
  doneLate: number;
  overdue: number;
  /** Open and not yet due (or without a due date). */
  openNotDue: number;
  /** done / planned; null without items. */
  completionRate: number | null;
  /** Of what is due by now, the share done; null when nothing is due yet. */
  dueCompletionRate: number | null;
}

export interface ItemLine {
  item: ReportItem;
  assignee: AssigneeKind;
  figures: Figures;
  /** 已完成 / 逾期完成 / 逾期未完成 / 未到期 (a branch item), or "8/10人完成，逾期2人" (people's items). */
  status: string;
  /** Earliest and latest due date among the assignments (they differ after extensions). */
  dueMin: string | null;
  dueMax: string | null;
  extended: number;
  lastDoneAt: string | null;
  evidence: string | null;
  withEvidence: number;
  source: 'card' | 'text' | 'admin' | null;
}

export interface DimensionLine {
  name: string;
  figures: Figures;
}

export interface CadenceLine {
  kind: MeetingKind;
  name: string;
  /** 'off' when not required (shown only because meetings were recorded anyway). */
  cadence: Cadence;
  /** Periods that ended on or before `asOf`, and how many of them had a meeting recorded. */
  expected: number;
  kept: number;
  /** Meetings recorded in the period up to `asOf`. */
  held: number;
  /** Periods that ended without one ("2026-03", "2026-Q1"). */
  missing: string[];
  /** The period still running at `asOf` (null when none): whether it has a meeting yet. */
  current: { key: string; held: boolean } | null;
}

export interface CadenceTotals {
  expected: number;
  kept: number;
  /** kept / expected; null when nothing was expected yet. */
  rate: number | null;
}

export interface BranchReport {
  id: number;
  name: string;
  active: boolean;
  members: number;
  figures: Figures;
  dimensions: DimensionLine[];
  items: ItemLine[];
  cadence: CadenceLine[];
  cadenceTotals: CadenceTotals;
  /** One line per published round of the period that scored this branch. */
  scoring: (RoundBranchResult & { roundId: number; title: string; publishedOn: string | null })[];
}

export interface YearReport {
  period: ReportPeriod;
  title: string;
  generatedAt: string;
  agency: string;
  scopeLabel: string;
  totals: Figures;
  cadenceTotals: CadenceTotals;
  members: number;
  branches: BranchReport[];
  /** Over every branch in the report; an item tagged twice counts in both, untagged items under UNTAGGED. */
  dimensions: DimensionLine[];
  rounds: { id: number; title: string; opensOn: string; publishedOn: string | null }[];
  /** The counting rules, in Chinese, for the sheet and the page. */
  notes: string[];
}
