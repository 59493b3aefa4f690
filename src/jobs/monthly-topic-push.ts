import { eq, sql } from 'drizzle-orm';
import { buildChecklistCard } from '../../cards/builders/checklist.js';
import { buildMonthlyTopicCard } from '../../cards/builders/monthly-topic.js';
import type { Database, Tx } from '../db/client.js';
import { calendarOverrideStore } from '../db/repositories/calendar.js';
import { rows } from '../db/migrate.js';
import { activeRecipients } from '../db/repositories/recipients.js';
import { fanOutTopic, markTopicPushed } from '../db/repositories/topics.js';
import { listSnapshots, topics } from '../db/schema/index.js';
import { createCalendar, localDate, type Calendar } from '../domain/calendar.js';
import { itemState, shortDate, type AssignmentView } from '../domain/checklist/types.js';
import { monthLabel } from '../domain/conversation/checklist-handlers.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import type { PlatformId } from '../domain/messaging/types.js';
import type { EnqueueInput } from '../outbox/enqueue.js';
import type { Job } from './job.js';
import { dayTable, planPushes, type PushRequest } from './reminder-push-plan.js';

export interface PushDeps {
  database: Database;
  timezone: string;
  links: LinkSigner;
  platforms: PlatformId[];
  /** For the push policy (rest days); built from the database when absent. */
  calendar?: Calendar;
}

export type PushOutcome =
  | { status: 'no-topic'; month: string }
  | { status: 'pushed'; month: string; members: number; branchLists: number; unreachable: number; assignmentsCreated: number };

/** The first working day of a month in the business calendar. */
export async function firstWorkday(calendar: Calendar, month: string): Promise<string> {
  for (let d = 1; d <= 31; d++) {
    const day = `${month}-${String(d).padStart(2, '0')}`;
    if (new Date(`${day}T00:00:00Z`).toISOString().slice(0, 7) !== month) break;
    if (await calendar.isWorkday(day)) return day;
  }
  return `${month}-01`;
}

/**
 * Pushes a month's topic: every active member gets the topic card with their own 必学 items (and that
 * numbering becomes their list), every branch secretary also gets the branch's 工作清单 due this month.
 * One transaction; card keys are per month and person, so running it again sends nothing twice.
 */
export async function pushTopic(deps: PushDeps, month: string, at: Date): Promise<PushOutcome> {
  const calendar = deps.calendar ?? createCalendar(deps.timezone, calendarOverrideStore(deps.database.db));
  const isWorkday = await dayTable(calendar, localDate(at, deps.timezone), localDate(new Date(at.getTime() + 40 * 86_400_000), deps.timezone));
  return deps.database.db.transaction(async (tx) => {
    const [topic] = await tx.select().from(topics).where(eq(topics.month, month));
    if (!topic) return { status: 'no-topic', month } as const;
    const assignmentsCreated = await fanOutTopic(tx, topic.id, at);
    const recipients = await activeRecipients(tx, deps.platforms);
    const today = localDate(at, deps.timezone);

    const required = rows<{ person_id: number; assignment_id: number | string; title: string; done: boolean }>(
      await tx.execute(sql`
        select a.person_id, a.id as assignment_id, i.title,
               coalesce((select c.action = 'complete' from completion_records c where c.assignment_id = a.id order by c.id desc limit 1), false) as done
        from assignments a join plan_items i on i.id = a.item_id
        where i.topic_id = ${topic.id} and i.active and a.person_id is not null
        order by a.person_id, i.position`),
    );
    const byPerson = new Map<number, { id: string; title: string; done: boolean }[]>();
    for (const r of required) (byPerson.get(r.person_id) ?? byPerson.set(r.person_id, []).get(r.person_id)!).push({ id: String(r.assignment_id), title: r.title, done: r.done });

    const messages: EnqueueInput[] = [];
    const snapshots: { personId: number; cardKey: string; entries: { no: number; assignmentId: number }[]; sentAt: Date }[] = [];
    let unreachable = 0;
    for (const [personId, items] of byPerson) {
      const to = recipients.get(personId);
      if (!to) {
        unreachable++;
        continue;
      }
      const key = `topic:${month}:${personId}`;
      const card = buildMonthlyTopicCard({
        key, month: monthLabel(month), title: topic.title, summary: topic.summary,
        materials: topic.materials as { title: string; url: string }[], required: items, detailUrl: deps.links.topic(personId, month),
      });
      messages.push({ platform: to.platform, recipientKind: 'person', recipient: to.id, personId, message: { type: 'card', card }, idempotencyKey: key, notBefore: at });
      snapshots.push({ personId, cardKey: key, entries: items.map((it, i) => ({ no: i + 1, assignmentId: Number(it.id) })), sentAt: at });
    }

    const branchLists = await branchListMessages(tx, month, today, at, recipients, deps.links);
    messages.push(...branchLists);
    // Through the push policy like every push to a person: quiet hours, rest days, the weekly cap, once a day.
    const requests: PushRequest[] = messages.map((m) => {
      const topicCard = m.idempotencyKey.startsWith('topic:');
      const card = (m.message as { card: PushRequest['card'] }).card;
      return {
        personId: m.personId!, card, outboxKey: m.idempotencyKey, itemKey: m.idempotencyKey.replace(/:\d+$/, ''), kind: topicCard ? 'topic' : 'branch_list',
        class: 'notice', priority: topicCard ? 0 : 1, mergeable: false, assignmentIds: [], mergeLine: card.header.title,
      };
    });
    await planPushes(tx, requests, { now: at, timezone: deps.timezone, isWorkday, platforms: deps.platforms, links: deps.links, recipients });
    for (let i = 0; i < snapshots.length; i += 1000) {
      await tx
        .insert(listSnapshots)
        .values(snapshots.slice(i, i + 1000))
        .onConflictDoUpdate({ target: listSnapshots.personId, set: { cardKey: sql`excluded.card_key`, entries: sql`excluded.entries`, sentAt: sql`excluded.sent_at` } });
    }
    await markTopicPushed(tx, topic.id, at);
    return { status: 'pushed', month, members: snapshots.length, branchLists: branchLists.length, unreachable, assignmentsCreated } as const;
  });
}

/** Each secretary: their branch's 工作清单 items due by the end of the month (nothing when there are none). */
async function branchListMessages(
  tx: Tx,
  month: string,
  today: string,
  at: Date,
  recipients: Awaited<ReturnType<typeof activeRecipients>>,
  links: LinkSigner,
): Promise<EnqueueInput[]> {
  const res = rows<{ secretary_id: number; unit_name: string; assignment_id: number | string; title: string; due: string | null; done: boolean }>(
    await tx.execute(sql`
      select r.person_id as secretary_id, u.name as unit_name, a.id as assignment_id, i.title, coalesce(a.due_date, i.due_date)::text as due,
             coalesce((select c.action = 'complete' from completion_records c where c.assignment_id = a.id order by c.id desc limit 1), false) as done
      from person_roles r
      join people p on p.id = r.person_id and p.active
      join org_units u on u.id = r.scope_unit_id and u.kind = 'branch'
      join assignments a on a.unit_id = u.id
      join plan_items i on i.id = a.item_id and i.active
      where r.role = 'secretary' and coalesce(a.due_date, i.due_date) <= (date_trunc('month', ${`${month}-01`}::date) + interval '1 month - 1 day')::date
      order by r.person_id, coalesce(a.due_date, i.due_date), a.id`),
  );
  const bySecretary = new Map<number, typeof res>();
  for (const r of res) (bySecretary.get(r.secretary_id) ?? bySecretary.set(r.secretary_id, []).get(r.secretary_id)!).push(r);
  const out: EnqueueInput[] = [];
  for (const [personId, items] of bySecretary) {
    const open = items.filter((i) => !i.done);
    const to = recipients.get(personId);
    if (!to || open.length === 0) continue;
    const key = `branch-list:${month}:${personId}`;
    const card = buildChecklistCard({
      key, scope: 'branch', ownerName: items[0]!.unit_name,
      items: open.map((i) => {
        const view = { completion: null, extendedUntil: null, dueDate: i.due } as unknown as AssignmentView;
        return { id: String(i.assignment_id), title: i.title, state: itemState(view, today), ...(shortDate(i.due) ? { due: shortDate(i.due)! } : {}) };
      }),
      detailUrl: links.checklist(personId),
    });
    out.push({ platform: to.platform, recipientKind: 'person', recipient: to.id, personId, message: { type: 'card', card }, idempotencyKey: key, notBefore: at });
  }
  return out;
}

/** Fires daily at the configured time; pushes only on the month's first working day, once. */
export function monthlyTopicPushJob(pushTime: string): Job {
  const [h, m] = pushTime.split(':').map(Number) as [number, number];
  return {
    name: 'monthly-topic-push',
    cron: `${m} ${h} * * *`,
    description: '每月第一个工作日推送每月主题（及支部书记的本月工作清单）',
    workdaysOnly: true,
    async run(deps, at) {
      const today = localDate(at, deps.timezone);
      const month = today.slice(0, 7);
      const first = await firstWorkday(deps.calendar, month);
      if (today !== first) return { status: 'not-first-workday', today, firstWorkday: first };
      return pushTopic({ database: deps.database, timezone: deps.timezone, links: deps.links, platforms: deps.platforms, calendar: deps.calendar }, month, at);
    },
  };
}
