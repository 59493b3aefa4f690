import { addDays, instantAt, localClock, minutesOf, weekStart, type IsWorkday } from './days.js';

/**
 * The low-burden rules (PRODUCT §3, the December 2023 guidance against 指尖上的形式主义) as one pure decision
 * per push: quiet hours, no scheduled pushes on rest days, a weekly cap per person with the overflow merged
 * into one card, never the same reminder twice a day, and a person's own "暂停提醒".
 */
export type PushClass =
  /** Escalations: not capped, not muted, allowed on rest days (still never at night). */
  | 'urgent'
  /** Reminders the person may mute. */
  | 'reminder'
  /** Scheduled notices (the monthly topic): capped, not muted. */
  | 'notice';

export interface PushCandidate {
  itemKey: string;
  kind: string;
  class: PushClass;
  /** Lower is more important: it keeps a card of its own when the cap forces merging. */
  priority: number;
  /** May be folded into the merged card (a topic card with its own buttons may not). */
  mergeable: boolean;
}

export interface PersonPushState {
  /** Non-urgent pushes already planned per delivery week (Monday's date → count of cards). */
  sentByWeek: Record<string, number>;
  /** Item keys already pushed to this person today. */
  keysToday: ReadonlySet<string>;
  /** Non-urgent reminders are muted up to and including this local date. */
  mutedUntil: string | null;
  weeklyCap: number;
  quietStart: string;
  quietEnd: string;
}

export interface PolicyContext {
  now: Date;
  tz: string;
  isWorkday: IsWorkday;
}

export type PushDecision =
  | { action: 'send'; at: Date; week: string }
  | { action: 'hold'; at: Date; week: string; reason: 'quiet-hours' | 'rest-day' | 'weekly-cap' }
  | { action: 'merge'; at: Date; week: string }
  | { action: 'drop-duplicate' }
  | { action: 'drop-muted' };

function inQuiet(minutes: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start > end ? minutes >= start || minutes < end : minutes >= start && minutes < end;
}

/** The first instant at or after `from` when a push may go out, and why it had to wait (if it did). */
export function nextAllowed(from: Date, urgent: boolean, s: Pick<PersonPushState, 'quietStart' | 'quietEnd'>, ctx: Omit<PolicyContext, 'now'>): { at: Date; reason: 'quiet-hours' | 'rest-day' | null } {
  const start = minutesOf(s.quietStart);
  const end = minutesOf(s.quietEnd);
  let at = from;
  let reason: 'quiet-hours' | 'rest-day' | null = null;
  for (let i = 0; i < 60; i++) {
    const { date, minutes } = localClock(at, ctx.tz);
    if (!urgent && !ctx.isWorkday(date)) {
      at = instantAt(addDays(date, 1), s.quietEnd, ctx.tz);
      reason ??= 'rest-day';
      continue;
    }
    if (inQuiet(minutes, start, end)) {
      // Before midnight the quiet period ends tomorrow; after midnight, today.
      at = instantAt(start > end && minutes >= start ? addDays(date, 1) : date, s.quietEnd, ctx.tz);
      reason ??= 'quiet-hours';
      continue;
    }
    return { at, reason };
  }
  return { at, reason };
}

const timed = (at: Date, now: Date, tz: string, reason: 'quiet-hours' | 'rest-day' | null): PushDecision => {
  const week = weekStart(localClock(at, tz).date);
  return at.getTime() > now.getTime() ? { action: 'hold', at, week, reason: reason ?? 'quiet-hours' } : { action: 'send', at, week };
};

/**
 * Decides every candidate push for one person planned at `ctx.now`; returns decisions in the candidates'
 * order. Candidates decided `merge` go out together as one card (the caller builds it).
 */
export function decidePushes(candidates: readonly PushCandidate[], state: PersonPushState, ctx: PolicyContext): PushDecision[] {
  const today = localClock(ctx.now, ctx.tz).date;
  const out: PushDecision[] = new Array<PushDecision>(candidates.length);
  const seen = new Set(state.keysToday);
  const capped: number[] = [];
  candidates.forEach((c, i) => {
    if (seen.has(c.itemKey)) {
      out[i] = { action: 'drop-duplicate' };
      return;
    }
    seen.add(c.itemKey);
    if (c.class === 'reminder' && state.mutedUntil !== null && state.mutedUntil >= today) {
      out[i] = { action: 'drop-muted' };
      return;
    }
    if (c.class === 'urgent') {
      const n = nextAllowed(ctx.now, true, state, ctx);
      out[i] = timed(n.at, ctx.now, ctx.tz, n.reason);
      return;
    }
    capped.push(i);
  });
  if (capped.length === 0) return out;

  const first = nextAllowed(ctx.now, false, state, ctx);
  const week = weekStart(localClock(first.at, ctx.tz).date);
  const slots = state.weeklyCap - (state.sentByWeek[week] ?? 0);
  // Cards of their own first, then by importance; the stable sort keeps the caller's order among equals.
  const order = [...capped].sort((a, b) => Number(candidates[b]!.mergeable === false) - Number(candidates[a]!.mergeable === false) || candidates[a]!.priority - candidates[b]!.priority);
  if (order.length <= slots) {
    for (const i of order) out[i] = timed(first.at, ctx.now, ctx.tz, first.reason);
    return out;
  }
  // Over the cap: keep slots-1 cards, fold the rest into one; with no slot left, everything waits for next week.
  const nextWeek = nextAllowed(instantAt(addDays(week, 7), state.quietEnd, ctx.tz), false, state, ctx).at;
  const nextWeekDecision = (): PushDecision => ({ action: 'hold', at: nextWeek, week: weekStart(localClock(nextWeek, ctx.tz).date), reason: 'weekly-cap' });
  const own = slots > 0 ? order.slice(0, slots - 1) : [];
  for (const i of own) out[i] = timed(first.at, ctx.now, ctx.tz, first.reason);
  const rest = order.slice(own.length);
  const mergeable = rest.filter((i) => candidates[i]!.mergeable);
  // With no slot left the overflow joins next week's single summary card (the caller folds it in), even alone.
  const mergeAt = slots > 0 ? timed(first.at, ctx.now, ctx.tz, first.reason) : nextWeekDecision();
  for (const i of rest) {
    if (!candidates[i]!.mergeable) out[i] = nextWeekDecision();
    else if (mergeable.length === 1 && slots > 0) out[i] = mergeAt;
    else out[i] = { action: 'merge', at: 'at' in mergeAt ? mergeAt.at : first.at, week: 'week' in mergeAt ? mergeAt.week : week };
  }
  return out;
}
