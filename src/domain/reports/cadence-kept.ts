import { addDays } from '../reminders/days.js';
import { heldIn, periodOf, type Period } from '../reminders/cadence.js';
import { MEETING_KINDS, MEETING_NAMES, type Cadence, type MeetingKind } from '../reminders/settings.js';
import type { ReportPeriod } from './period.js';
import type { CadenceLine, CadenceTotals, MeetingInput } from './types.js';

/**
 * 组织生活 kept to its cadence (三会一课, 主题党日, 组织生活会, 民主评议): for each meeting the branch must hold, the
 * cadence periods that ended within the report period, and how many had a meeting recorded. The period still
 * running on `asOf` is shown separately (it is not late yet). 党小组会 is required only of branches with groups.
 */

export const CADENCE_LABELS: Record<Cadence, string> = { monthly: '每月', quarterly: '每季度', yearly: '每年', off: '未要求' };

/** The cadence's periods that begin within [from, end]. */
export function periodsWithin(cadence: Exclude<Cadence, 'off'>, from: string, end: string): Period[] {
  const out: Period[] = [];
  for (let p = periodOf(cadence, from); p.start <= end; p = periodOf(cadence, addDays(p.end, 1))) out.push(p);
  return out;
}

export function cadenceLines(
  period: ReportPeriod,
  cadence: Record<MeetingKind, Cadence>,
  hasGroups: boolean,
  meetings: readonly MeetingInput[],
): CadenceLine[] {
  const lines: CadenceLine[] = [];
  for (const kind of MEETING_KINDS) {
    const dates = meetings.filter((m) => m.kind === kind && m.heldOn >= period.from && m.heldOn <= period.asOf).map((m) => m.heldOn);
    const required = cadence[kind] !== 'off' && (kind !== 'group_meeting' || hasGroups);
    if (!required) {
      if (dates.length) lines.push({ kind, name: MEETING_NAMES[kind], cadence: 'off', expected: 0, kept: 0, held: dates.length, missing: [], current: null });
      continue;
    }
    const c = cadence[kind] as Exclude<Cadence, 'off'>;
    let expected = 0;
    let kept = 0;
    const missing: string[] = [];
    let current: CadenceLine['current'] = null;
    if (!period.notStarted) {
      for (const p of periodsWithin(c, period.from, period.end)) {
        const held = dates.some((d) => heldIn(p, d));
        if (p.end <= period.asOf) {
          expected++;
          if (held) kept++;
          else missing.push(p.key);
        } else if (p.start <= period.asOf) {
          current = { key: p.key, held };
        }
      }
    }
    lines.push({ kind, name: MEETING_NAMES[kind], cadence: c, expected, kept, held: dates.length, missing, current });
  }
  return lines;
}

export function cadenceTotals(lines: readonly { expected: number; kept: number }[]): CadenceTotals {
  const expected = lines.reduce((n, l) => n + l.expected, 0);
  const kept = lines.reduce((n, l) => n + l.kept, 0);
  return { expected, kept, rate: expected === 0 ? null : Math.round((kept / expected) * 10_000) / 10_000 };
}

/** "2026-03" → "3月", "2026-Q1" → "一季度", "2026" → "全年". */
export function periodLabel(key: string): string {
  const q = /^\d{4}-Q([1-4])$/.exec(key);
  if (q) return `${'一二三四'[Number(q[1]) - 1]}季度`;
  const m = /^\d{4}-(\d{2})$/.exec(key);
  if (m) return `${Number(m[1])}月`;
  return '全年';
}

/** "3月、5月" / "—". */
export function missingLabel(line: Pick<CadenceLine, 'missing'>): string {
  return line.missing.length ? line.missing.map(periodLabel).join('、') : '—';
}

/** "本月已开" / "本季度尚未召开" / "全年已开" for the running period. */
export function currentLabel(line: Pick<CadenceLine, 'current' | 'cadence'>): string {
  if (!line.current) return '—';
  const unit = line.cadence === 'monthly' ? '本月' : line.cadence === 'quarterly' ? '本季度' : '本年度';
  return `${unit}${line.current.held ? '已召开' : '尚未召开'}`;
}
