/** What the 提醒 pages share: the section's tab bar, the branches a user may see, small parsing and formatting helpers. */
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { orgUnits } from '../../../db/schema/index.js';
import { localClock } from '../../../domain/reminders/days.js';
import { html, raw, type Raw } from '../../../h5/html.js';
import { canSeeUnit, type ConsoleUser } from '../../console-user.js';

export interface BranchOption {
  id: number;
  name: string;
}

/** Active 党支部 in organisation order, limited to what the user may see (a leader: their 分管范围). */
export async function visibleBranches(db: DbOrTx, user: ConsoleUser): Promise<BranchOption[]> {
  const list = await db
    .select({ id: orgUnits.id, name: orgUnits.name })
    .from(orgUnits)
    .where(and(eq(orgUnits.kind, 'branch'), eq(orgUnits.active, true)))
    .orderBy(asc(orgUnits.id));
  return list.filter((b) => canSeeUnit(user, b.id));
}

type Tab = 'settings' | 'meetings' | 'preview' | 'burden';

/** The section's own menu. The preview names people, so only admins get its tab (the page checks it too). */
export function remindersTabs(user: ConsoleUser, active: Tab): Raw {
  const tabs: { key: Tab; href: string; label: string }[] = [
    { key: 'settings', href: '/admin/reminders', label: '提醒设置' },
    { key: 'meetings', href: '/admin/reminders/meetings', label: '组织生活' },
    ...(user.canWrite ? [{ key: 'preview' as const, href: '/admin/reminders/preview', label: '发送预览' }] : []),
    { key: 'burden', href: '/admin/reminders/burden', label: '减负指标' },
  ];
  return html`<nav class="panel row" aria-label="提醒栏目">${tabs.map((t) =>
    t.key === active ? html`<a class="btn primary" href="${t.href}" aria-current="page">${t.label}</a>` : html`<a class="btn" href="${t.href}">${t.label}</a>`)}</nav>`;
}

/** A positive whole number from a query or form value, or null (absent / malformed). */
export function positiveInt(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n > 0 ? n : null;
}

/** "11-23 08:30" of an instant in the business time zone (the date part only when it is not `today`). */
export function localTimeLabel(at: Date, timezone: string, today: string): string {
  const c = localClock(at, timezone);
  const hhmm = `${String(Math.floor(c.minutes / 60)).padStart(2, '0')}:${String(c.minutes % 60).padStart(2, '0')}`;
  return c.date === today ? hhmm : `${c.date} ${hhmm}`;
}

/** An error line under a form field, referenced by the input's aria-describedby. */
export function fieldError(id: string, message: string | undefined): Raw | '' {
  return message ? html`<div class="field-error" id="${id}" role="alert">${message}</div>` : '';
}

/** aria-invalid and aria-describedby for an input (hint id, and the error id when there is an error). */
export function describedBy(hintId: string, errorId: string, hasError: boolean): Raw {
  return raw(` aria-describedby="${hasError ? `${hintId} ${errorId}` : hintId}"${hasError ? ' aria-invalid="true"' : ''}`);
}

/** Page-specific styles (the layout has no class for a field's error line). */
export const REMINDER_STYLES = html`<style>.field-error{color:#8e1c12;font-size:13px;font-weight:600}.field input[aria-invalid=true],.field select[aria-invalid=true]{border-color:#c62828;background:#fff8f7}
.fields{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:0 16px}.src{margin-left:6px}</style>`;
