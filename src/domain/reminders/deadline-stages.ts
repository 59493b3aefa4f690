import { workdayOnOrBefore, workdaysBefore, workdaysBetween, type IsWorkday } from './days.js';
import type { ReminderSettings } from './settings.js';

/** Which 责任落实提醒 an open item gets on a day, and who it is for. */
export type DeadlineStage =
  | { kind: 'due_soon'; daysBefore: number }
  | { kind: 'due_today' }
  | { kind: 'overdue'; workdaysOverdue: number }
  /** Private card to the branch secretary. */
  | { kind: 'escalation'; workdaysOverdue: number }
  /** Private card to the 机关党委 admins. */
  | { kind: 'escalation_admin'; workdaysOverdue: number };

/**
 * The stage of an open item with effective due date `due` (an approved extension already applied) on the
 * working day `today`. A due date on a holiday or 调休 rest day counts as the working day before it for the
 * reminders ahead of it; overdue counts working days after the due date itself.
 */
export function deadlineStage(due: string, today: string, s: Pick<ReminderSettings, 'dueDaysBefore' | 'escalateSecretaryAfter' | 'escalateAdminAfter'>, isWorkday: IsWorkday): DeadlineStage | null {
  if (!isWorkday(today)) return null;
  const overdue = due < today ? workdaysBetween(isWorkday, due, today) : 0;
  if (overdue === 0) {
    const reminderDue = workdayOnOrBefore(isWorkday, due);
    if (today === reminderDue) return { kind: 'due_today' };
    if (today > reminderDue) return null;
    for (const n of s.dueDaysBefore) if (workdaysBefore(isWorkday, reminderDue, n) === today) return { kind: 'due_soon', daysBefore: n };
    return null;
  }
  if (overdue === 1) return { kind: 'overdue', workdaysOverdue: overdue };
  if (overdue === s.escalateSecretaryAfter) return { kind: 'escalation', workdaysOverdue: overdue };
  if (overdue === s.escalateSecretaryAfter + s.escalateAdminAfter) return { kind: 'escalation_admin', workdaysOverdue: overdue };
  return null;
}

/** Earliest effective due date that can have a stage today: bounds the set-based query. */
export function stageWindow(today: string, s: Pick<ReminderSettings, 'dueDaysBefore' | 'escalateSecretaryAfter' | 'escalateAdminAfter'>): { from: number; to: number } {
  // Calendar days, generous: 60 working days never exceed 100 calendar days even around 春节.
  const back = Math.ceil((s.escalateSecretaryAfter + s.escalateAdminAfter) * 1.6) + 12;
  const ahead = Math.ceil(Math.max(0, ...s.dueDaysBefore) * 1.6) + 12;
  return { from: -back, to: ahead };
}
