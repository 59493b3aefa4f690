import { makeCard, callback, DEFAULT_SOURCE } from '../../cards/builders/make-card.js';
import type { Card } from '../../cards/model.js';
import type { DbOrTx } from '../db/client.js';
import { activeRecipients, type PersonRecipient } from '../db/repositories/recipients.js';
import { branchOfPeople } from '../db/repositories/reminders-due.js';
import { insertPushLog, pendingSummaryLines, pushHistory, replacePendingCard, type PushLogRow } from '../db/repositories/reminders-push-log.js';
import { loadSettings } from '../db/repositories/reminders-store.js';
import type { Calendar } from '../domain/calendar.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import type { PlatformId } from '../domain/messaging/types.js';
import { addDays, dateRange, localClock, weekStart, type IsWorkday } from '../domain/reminders/days.js';
import { decidePushes, type PushCandidate, type PushDecision } from '../domain/reminders/push-policy.js';
import { enqueueMessages, type EnqueueInput } from '../outbox/enqueue.js';

/** One card a job would like to push to one person. */
export interface PushRequest extends PushCandidate {
  personId: number;
  card: Card;
  /** How the item reads inside a merged card. */
  mergeLine: string;
  assignmentIds: number[];
  /** A fixed outbox key (the monthly topic keeps its own); otherwise derived from day, person and item. */
  outboxKey?: string;
}

export interface PlanOptions {
  now: Date;
  timezone: string;
  /** Working days from today on (dayTable); asked before the transaction, as the calendar reads outside it. */
  isWorkday: IsWorkday;
  platforms: readonly PlatformId[];
  links: LinkSigner;
  dryRun?: boolean;
  /** Already loaded by the caller (the topic push loads them anyway). */
  recipients?: Map<number, PersonRecipient>;
}

export interface PlannedPush {
  personId: number;
  kind: string;
  itemKey: string;
  decision: PushDecision;
  outboxKey: string | null;
  title: string;
}

export interface PushPlan {
  planned: PlannedPush[];
  enqueued: number;
  unreachable: number;
}

/**
 * Working days for a window of local dates, asked of the Calendar port once per date. Call it before opening a
 * transaction: the calendar reads through its own connection, and on PGlite (one connection) it would wait
 * for the transaction forever.
 */
export async function dayTable(calendar: Calendar, from: string, to: string): Promise<IsWorkday> {
  const days = new Map<string, boolean>();
  for (const d of dateRange(from, to)) days.set(d, await calendar.isWorkday(d));
  // Outside the window: weekdays work. Only reached by far-off holds, which the next run recomputes anyway.
  return (d) => days.get(d) ?? ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
}

/**
 * The one place pushes to people are created: applies the push policy per person, builds merged cards,
 * logs each push and enqueues it (or, dry-run, only reports what it would do). Runs in the caller's
 * transaction; the same requests planned twice the same day enqueue nothing new.
 */
export async function planPushes(tx: DbOrTx, requests: PushRequest[], opts: PlanOptions): Promise<PushPlan> {
  const { now, timezone: tz } = opts;
  const today = localClock(now, tz).date;
  const byPerson = new Map<number, PushRequest[]>();
  for (const r of requests) (byPerson.get(r.personId) ?? byPerson.set(r.personId, []).get(r.personId)!).push(r);
  const personIds = [...byPerson.keys()];
  const recipients = opts.recipients ?? (await activeRecipients(tx, opts.platforms));
  const book = await loadSettings(tx);
  const branchOf = await branchOfPeople(tx, personIds);
  const thisWeek = weekStart(today);
  const weeks = [thisWeek, addDays(thisWeek, 7), addDays(thisWeek, 14)];
  const history = await pushHistory(tx, personIds, weeks, today);
  const isWorkday = opts.isWorkday;

  const planned: PlannedPush[] = [];
  const messages: EnqueueInput[] = [];
  const log: PushLogRow[] = [];
  const summaries: { outboxKey: string; personId: number; lines: string[] }[] = [];
  let unreachable = 0;
  for (const [personId, list] of byPerson) {
    const s = book.forUnit(branchOf.get(personId) ?? null);
    const h = history.get(personId)!;
    const cap = Math.min(s.weeklyCap, h.personalCap ?? Infinity);
    const decisions = decidePushes(list, { sentByWeek: h.sentByWeek, keysToday: h.keysToday, mutedUntil: h.mutedUntil, weeklyCap: cap, quietStart: s.quietStart, quietEnd: s.quietEnd }, { now, tz, isWorkday });
    const to = recipients.get(personId);
    const merged: { r: PushRequest; d: Extract<PushDecision, { action: 'merge' }> }[] = [];
    list.forEach((r, i) => {
      const d = decisions[i]!;
      const base = { personId, kind: r.kind, itemKey: r.itemKey, decision: d, title: r.card.header.title };
      if (d.action === 'drop-duplicate' || d.action === 'drop-muted') return planned.push({ ...base, outboxKey: null });
      if (!to) {
        unreachable++;
        return planned.push({ ...base, outboxKey: null });
      }
      if (d.action === 'merge') {
        merged.push({ r, d });
        return planned.push({ ...base, outboxKey: summaryKey(d.week, thisWeek, today, personId) });
      }
      const outboxKey = r.outboxKey ?? `reminder:${today}:${personId}:${r.itemKey}`;
      planned.push({ ...base, outboxKey });
      messages.push({ platform: to.platform, recipientKind: 'person', recipient: to.id, personId, message: { type: 'card', card: r.card }, idempotencyKey: outboxKey, notBefore: d.at });
      log.push({ personId, kind: r.kind, cardKind: r.kind, urgent: r.class === 'urgent', day: today, week: d.week, itemKey: r.itemKey, outboxKey, assignmentIds: r.assignmentIds, line: r.mergeLine });
    });
    if (merged.length > 0 && to) {
      const outboxKey = summaryKey(merged[0]!.d.week, thisWeek, today, personId);
      summaries.push({ outboxKey, personId, lines: merged.map((m) => m.r.mergeLine) });
      messages.push({ platform: to.platform, recipientKind: 'person', recipient: to.id, personId, message: { type: 'card', card: mergedCard(outboxKey, summaries.at(-1)!.lines, opts.links.checklist(personId)) }, idempotencyKey: outboxKey, notBefore: merged[0]!.d.at });
      for (const { r, d } of merged) log.push({ personId, kind: r.kind, cardKind: 'merged', urgent: false, day: today, week: d.week, itemKey: r.itemKey, outboxKey, assignmentIds: r.assignmentIds, line: r.mergeLine });
    }
  }
  if (opts.dryRun) return { planned, enqueued: 0, unreachable };
  // A summary for next week may already be waiting (yesterday's overflow): fold today's lines into it.
  const earlier = await pendingSummaryLines(tx, summaries.map((m) => m.outboxKey));
  const fresh = await insertPushLog(tx, log, now);
  const freshOutbox = new Set(log.filter((l) => fresh.has(`${l.personId}|${l.itemKey}`)).map((l) => l.outboxKey));
  for (const m of summaries) {
    const before = earlier.get(m.outboxKey);
    if (before && freshOutbox.has(m.outboxKey)) await replacePendingCard(tx, m.outboxKey, { type: 'card', card: mergedCard(m.outboxKey, [...before, ...m.lines], opts.links.checklist(m.personId)) });
  }
  const enqueued = await enqueueMessages(tx, messages.filter((m) => freshOutbox.has(m.idempotencyKey)), now);
  return { planned, enqueued, unreachable };
}

/** Today's summary, or — for overflow past the cap — the one summary of the week it is delivered in. */
const summaryKey = (week: string, thisWeek: string, today: string, personId: number): string =>
  week === thisWeek ? `merged:${today}:${personId}` : `merged:week-${week}:${personId}`;

/** The cap's overflow: one card listing what would otherwise have been several. */
function mergedCard(key: string, lines: string[], url: string): Card {
  const shown = lines.slice(0, 8);
  const more = lines.length - shown.length;
  return makeCard({
    kind: 'reminder',
    key,
    header: { title: '提醒汇总', subtitle: `共 ${lines.length} 项`, source: DEFAULT_SOURCE },
    blocks: [{ type: 'text', text: [...shown.map((l, i) => `${i + 1}. ${l}`), ...(more > 0 ? [`……另有 ${more} 项`] : []), '为减少打扰，本周的提醒已合并发送。'].join('\n') }],
    actions: [callback('my-tasks', '我的任务', '我的任务', {}, 'secondary')],
    link: { label: '查看我的清单', url },
  });
}
