import type { PlatformId } from '../messaging/types.js';
import type { RoundResult } from './aggregate.js';
import type { ScoringFlag } from './flags.js';
import type { AggregationPolicy } from './policy.js';
import type { Scheme, SheetEntry } from './types.js';

/** What the 互观互检 workflow reads and writes; implemented over the database, bound to one transaction. */

export type RoundStatus = 'open' | 'closed' | 'published';
export type ScorerRole = 'peer' | 'committee';
export type SheetStatus = 'draft' | 'submitted';
export type SheetSource = 'h5' | 'card' | 'text' | 'admin';

export interface ChatView {
  id: number;
  platform: PlatformId;
  externalId: string;
  name: string;
  unitId: number | null;
}

export interface RoundBranchView {
  id: number;
  name: string;
}

export interface RoundView {
  id: number;
  title: string;
  status: RoundStatus;
  platform: PlatformId;
  chatId: number | null;
  /** The adapter's id of the chat, for messages to the group. */
  chatExternalId: string | null;
  startedBy: number | null;
  opensAt: Date;
  closesAt: Date;
  closedAt: Date | null;
  publishedAt: Date | null;
  schemeId: number;
  scheme: Scheme;
  policy: AggregationPolicy;
  showRanks: boolean;
  /** In the order they are listed (org order). */
  branches: RoundBranchView[];
}

export interface ScorerView {
  personId: number;
  name: string;
  role: ScorerRole;
  /** The scorer's own branch (回避); null for 机关党委 scorers. */
  branchId: number | null;
}

export interface SheetView {
  id: number;
  roundId: number;
  scorerId: number;
  targetUnitId: number;
  status: SheetStatus;
  entries: SheetEntry[];
  comment: string | null;
  /** Set on submit (hundredths of a point). */
  totalCents: number | null;
  source: SheetSource;
  revision: number;
  submittedAt: Date | null;
  updatedAt: Date;
}

export interface NewRound {
  title: string;
  schemeId: number;
  policy: AggregationPolicy;
  platform: PlatformId;
  chatId: number | null;
  startedBy: number | null;
  opensAt: Date;
  closesAt: Date;
  sourceEventId: string | null;
  branches: RoundBranchView[];
  scorers: ScorerView[];
  at: Date;
}

export interface SaveSheetInput {
  roundId: number;
  scorerId: number;
  targetUnitId: number;
  entries: SheetEntry[];
  comment: string | null;
  /** true = 提交 (validated in full, total recorded); false = 保存草稿 (a submitted sheet becomes a draft again: 重新打开). */
  submit: boolean;
  totalCents: number | null;
  source: SheetSource;
  /** `person:12` or `admin:cli`. */
  actor: string;
  at: Date;
}

export interface StoredResults {
  roundId: number;
  policyVersion: string;
  result: RoundResult;
  flags: ScoringFlag[];
  computedAt: Date;
}

export interface ScoringStore {
  chat(platform: PlatformId, externalId: string): Promise<ChatView | undefined>;
  /** A group chat the bot hears from for the first time: recorded, linked to no unit (= all branches). */
  registerChat(platform: PlatformId, externalId: string, name: string, at: Date): Promise<ChatView>;
  /** Branches a round in this chat covers: those linked to it, else every active 党支部 (org order). */
  chatBranches(chatId: number): Promise<RoundBranchView[]>;
  /** A scheme by name (exact, or contained in the name), else the latest imported; undefined when none. */
  findScheme(name: string | null): Promise<{ id: number; name: string; scheme: Scheme } | undefined>;
  /**
   * Who scores branches: their secretaries (peer, own branch), the 机关党委 panel (committee_member: peer, no
   * branch) and the 机关党委 secretary (committee). Active people only; a person appears once.
   */
  candidateScorers(branchIds: readonly number[]): Promise<ScorerView[]>;
  roundBySourceEvent(eventId: string): Promise<RoundView | undefined>;
  openRoundInChat(chatId: number): Promise<RoundView | undefined>;
  /**
   * Privately: for an admin (`personId` null) the newest round waiting to be published, else the newest round;
   * for a person, the newest round they score in.
   */
  latestRoundOf(personId: number | null): Promise<number | undefined>;
  /** The newest round of a chat, whatever its state. */
  latestRoundInChat(chatId: number): Promise<number | undefined>;
  /** Open rounds (before their deadline) in which the person scores, newest first. */
  openRoundsOf(personId: number, now: Date): Promise<RoundView[]>;
  /** Creates the round with its branches and scorers; null when the chat already has an open round. */
  createRound(input: NewRound): Promise<RoundView | null>;
  /** `lock` takes a row lock for the rest of the transaction (close, publish, saving a sheet). */
  round(id: number, lock?: boolean): Promise<RoundView | undefined>;
  scorers(roundId: number): Promise<ScorerView[]>;
  sheets(roundId: number): Promise<SheetView[]>;
  saveSheet(input: SaveSheetInput): Promise<SheetView>;
  /** open → closed; false when it was not open. */
  markClosed(roundId: number, by: string, at: Date): Promise<boolean>;
  saveResults(results: StoredResults): Promise<void>;
  results(roundId: number): Promise<StoredResults | undefined>;
  /** closed → published; false when it was not closed. */
  markPublished(roundId: number, by: string, at: Date): Promise<boolean>;
  /** Open rounds whose deadline has passed. */
  dueRounds(now: Date): Promise<number[]>;
  /** Active admins and the 机关党委 secretary: who reviews flags before publishing. */
  reviewers(): Promise<{ personId: number; name: string }[]>;
  audit(entry: { actor: string; action: string; subjectType: string; subjectId: string | number; data: Record<string, unknown>; at: Date }): Promise<void>;
}
