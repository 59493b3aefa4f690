/** Chinese labels and small figures shared by the plan pages. */
import { html, type Raw } from '../../../h5/html.js';
import { LIST_KIND_NAMES } from '../../../db/repositories/plans-edit.js';
import type { ItemLevel, ListKind } from '../../../db/repositories/plans-desired.js';
import type { Figures } from './progress-read.js';

export const LEVEL_NAMES: Readonly<Record<ItemLevel, string>> = { aspect: '方面', goal: '目标', task: '任务' };

export function listKindName(k: ListKind | null): string {
  return k === null ? '' : LIST_KIND_NAMES[k];
}

/** "60%" of done/total, or "—" without assignments. */
export function rate(f: Figures): string {
  return f.total === 0 ? '—' : `${Math.round((f.done / f.total) * 100)}%`;
}

/** "完成 3/5" and an "逾期 1" badge when anything is overdue. */
export function figureBadges(f: Figures): Raw {
  if (f.total === 0) return html`<span class="badge">未分派</span>`;
  const cls = f.done === f.total ? 'ok' : '';
  return html`<span class="badge ${cls}">完成 ${f.done}/${f.total}</span>${f.overdue > 0 ? html` <span class="badge bad">逾期 ${f.overdue}</span>` : ''}`;
}

/** "2026-11-23 09:05" in the business time zone. */
export function localDateTime(at: Date, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at).map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
