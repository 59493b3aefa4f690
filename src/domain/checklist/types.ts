import type { ItemState } from '../../../cards/model.js';

/** One assignment as a person's list shows it. */
export interface AssignmentView {
  assignmentId: number;
  itemId: number;
  title: string;
  /** YYYY-MM-DD or null (no deadline). */
  dueDate: string | null;
  listKind: 'must_study' | 'elective_study' | 'self_study' | 'work' | 'innovation' | null;
  /** Whose it is: the person's own, or their branch's (completed by the secretary for the branch). */
  assignee: { kind: 'person'; personId: number } | { kind: 'unit'; unitId: number; unitName: string };
  /** The latest record decides: a completion not revoked since. */
  completion: { recordId: number; at: Date } | null;
  /** Approved extension in force. */
  extendedUntil: string | null;
  topicMonth: string | null;
}

export interface SnapshotEntry {
  no: number;
  assignmentId: number;
}

export interface ListSnapshot {
  cardKey: string;
  entries: SnapshotEntry[];
}

/** The card state of an assignment on a given day (business time zone). */
export function itemState(a: AssignmentView, today: string): ItemState {
  if (a.completion) return 'done';
  if (a.extendedUntil) return a.extendedUntil < today ? 'overdue' : 'extended';
  if (a.dueDate && a.dueDate < today) return 'overdue';
  return 'open';
}

/** "11-30" from "2026-11-30". */
export function shortDate(d: string | null): string | undefined {
  return d ? d.slice(5) : undefined;
}
