import type { PersonView } from '../conversation/ports.js';
import type { AssignmentView, ListSnapshot, SnapshotEntry } from './types.js';

export interface RecordInput {
  assignmentId: number;
  personId: number;
  source: 'card' | 'text' | 'admin';
  evidence: string | null;
  sourceEventId: string;
  at: Date;
}

export interface ExtensionView {
  id: number;
  assignmentId: number;
  personId: number;
  personName: string;
  unitId: number;
  itemTitle: string;
  currentDue: string | null;
  requestedUntil: string;
  reason: string | null;
  status: 'pending' | 'approved' | 'rejected';
}

/** Everything the checklist conversation reads and writes; bound to the handling transaction. */
export interface ChecklistStore {
  /**
   * What a person should see on their list: their own open and recently done assignments, and for a
   * secretary (or committee member) their branch's assignments.
   */
  listFor(person: PersonView, today: string): Promise<AssignmentView[]>;
  /** One assignment, locked for the rest of the transaction (so two clicks cannot both record). */
  lockAssignment(assignmentId: number): Promise<AssignmentView | undefined>;
  /** May this person record completion of this assignment? (own, or their branch's as its secretary/委员) */
  mayComplete(person: PersonView, a: AssignmentView): boolean;
  saveSnapshot(personId: number, cardKey: string, entries: SnapshotEntry[], at: Date): Promise<void>;
  snapshot(personId: number): Promise<ListSnapshot | undefined>;
  recordCompletion(input: RecordInput): Promise<number>;
  /** Revokes a completion record (a new revoking record); returns the new record id. */
  recordRevocation(input: { completionRecordId: number; assignmentId: number; personId: number; source: 'card' | 'text'; sourceEventId: string; at: Date }): Promise<number>;
  /** The person's latest completion that has not been revoked, for a bare "撤销". */
  lastOwnCompletion(personId: number): Promise<{ recordId: number; assignmentId: number } | undefined>;
  completionRecord(recordId: number): Promise<{ recordId: number; assignmentId: number; personId: number; revoked: boolean } | undefined>;
  createExtension(input: { assignmentId: number; personId: number; until: string; reason: string | null; sourceEventId: string; at: Date }): Promise<number>;
  extension(id: number, lock?: boolean): Promise<ExtensionView | undefined>;
  decideExtension(input: { id: number; approve: boolean; deciderId: number; note: string | null; at: Date }): Promise<void>;
  /** Secretaries (and committee members as a fallback) of a branch. */
  branchSecretaries(unitId: number): Promise<PersonView[]>;
  /** Branch progress: per item, how many of the branch's assignments are done. */
  branchProgress(unitId: number): Promise<{ title: string; done: number; total: number; dueDate: string | null }[]>;
  /** The current month's topic, for "本月主题". */
  topicFor(month: string): Promise<{ id: number; month: string; title: string; summary: string; materials: { title: string; url: string }[] } | undefined>;
  /** Help throttle: returns true (and remembers now) when no help was sent in the last hour. */
  claimHelp(personId: number, at: Date): Promise<boolean>;
  /** 双提醒: a person's "暂停提醒 3天" (mutedUntil) or "少提醒" (own weekly cap); undefined fields stay. */
  setReminderPreference(personId: number, pref: { mutedUntil?: string | null; weeklyCap?: number | null }, at: Date): Promise<void>;
  /** Records a meeting of a branch as held; cancels its reminders still waiting. Same event twice: created false. */
  recordMeeting(input: { unitId: number; kind: string; heldOn: string; recordedBy: number; via: 'card' | 'text'; sourceEventId: string; at: Date }): Promise<{ created: boolean; cancelled: number }>;
  audit(entry: { actor: string; action: string; subjectType: string; subjectId: string | number; data: Record<string, unknown>; at: Date }): Promise<void>;
}
