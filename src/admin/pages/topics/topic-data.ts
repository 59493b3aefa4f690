/** Reading topics for the pages: one month's topic, when it is pushed, and what a push put in the queue. */
import { sql } from 'drizzle-orm';
import { rows } from '../../../db/migrate.js';
import { listTopics } from '../../../db/repositories/topics.js';
import { localDate } from '../../../domain/calendar.js';
import { NotFoundError } from '../../../errors.js';
import type { AppDeps } from '../../../http/deps.js';
import { firstWorkday } from '../../../jobs/monthly-topic-push.js';

export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

export type StoredTopic = Awaited<ReturnType<typeof listTopics>>[number] & { materials: { title: string; url: string }[] };

/** A month in a URL, or 404. */
export function monthParam(value: string | undefined): string {
  if (value === undefined || !MONTH_RE.test(value)) throw new NotFoundError('月份格式应为 YYYY-MM');
  return value;
}

/** "2026年12月" */
export function monthTitle(month: string): string {
  return MONTH_RE.test(month) ? `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月` : month;
}

export async function allTopics(deps: AppDeps): Promise<StoredTopic[]> {
  return (await listTopics(deps.database.db)) as StoredTopic[];
}

export async function findTopic(deps: AppDeps, month: string): Promise<StoredTopic> {
  const topic = (await allTopics(deps)).find((t) => t.month === month);
  if (!topic) throw new NotFoundError(`${monthTitle(month)}还没有主题`);
  return topic;
}

export type PushSchedule =
  | { state: 'pushed'; at: Date }
  | { state: 'scheduled'; date: string; time: string }
  | { state: 'missed'; date: string; time: string };

/**
 * When the topic goes out: the monthly-topic-push job runs at TOPIC_PUSH_TIME and pushes only on the month's
 * first working day (firstWorkday, the same function the job uses). Once that moment has passed without a push,
 * only 立即推送 sends it.
 */
export async function pushSchedule(deps: AppDeps, topic: { month: string; pushedAt: Date | null }): Promise<PushSchedule> {
  if (topic.pushedAt) return { state: 'pushed', at: topic.pushedAt };
  const date = await firstWorkday(deps.calendar, topic.month);
  const time = deps.config.topicPushTime;
  const now = deps.clock.now();
  const today = localDate(now, deps.config.timezone);
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: deps.config.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
  const past = today > date || (today === date && clock >= time);
  return { state: past ? 'missed' : 'scheduled', date, time };
}

/** Messages of this month's topic push in the outbox (topic cards and secretaries' branch lists). */
export async function queuedForMonth(deps: AppDeps, month: string): Promise<number> {
  const [r] = rows<{ n: number }>(await deps.database.db.execute(sql`
    select count(*)::int as n from outbox where idempotency_key like ${`topic:${month}:%`} or idempotency_key like ${`branch-list:${month}:%`}`));
  return Number(r?.n ?? 0);
}

export async function activeMembers(deps: AppDeps): Promise<number> {
  const [r] = rows<{ n: number }>(await deps.database.db.execute(sql`select count(*)::int as n from people where active`));
  return Number(r?.n ?? 0);
}
