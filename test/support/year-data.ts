import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { conversationHandler } from '../../src/conversation.js';
import type { Database } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';
import { checklistStore } from '../../src/db/repositories/checklist-store.js';
import { importPlan, loadDimensionConfig } from '../../src/db/repositories/plans.js';
import { recordMeeting } from '../../src/db/repositories/reminders-store.js';
import { scoringStore } from '../../src/db/repositories/scoring-store.js';
import { seedDemo } from '../../src/demo.js';
import type { ManualClock } from '../../src/domain/clock.js';
import type { InboundEvent } from '../../src/domain/messaging/types.js';
import type { MeetingKind } from '../../src/domain/reminders/settings.js';
import { linkSigner } from '../../src/h5/link-signer.js';
import { handleInbound } from '../../src/inbox/handle-inbound.js';
import { readPlanFile } from '../../src/importers/read-plan-file.js';
import { pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { createLogger } from '../../src/log.js';
import { LogCapture } from './app.js';
import { buildScoringRound, seedScoringOrg, type BuiltRound } from './scoring-round.js';

/**
 * A year of 党建 work in the database, built through production code: the demo organisation (seedDemo, plus the
 * 机关党委书记 and a 委员 for 互观互检), January's monthly topic pushed to everyone, the year's plan imported from a
 * 工作要点 document (fanned out to every branch), replies and clicks through the real inbox and conversation
 * (completions with 心得, an undo, a meeting by text), a few records and an extension through the checklist store,
 * meetings through the reminders store, and a published 互观互检 round. The clock walks through 2026.
 */

export const TZ = 'Asia/Shanghai';
export const YEAR = 2026;

export const PLAN_TEXT = `2026年机关党建工作要点

一、推进政治型机关建设
1. 开展专题学习。3月底前各党支部完成专题学习。
2. 严肃党内政治生活。6月底前完成组织生活大排查。
二、推进服务型和实干型机关建设
3. 开展调查研究。6月底前形成调研报告。
4. 办好民生实事。年底前完成。
三、推进廉洁型机关建设
5. 开展廉政教育。上半年完成。
`;

export interface YearData {
  /** Person ids by name, branch ids by short name (第一党支部 …). */
  person: Record<string, number>;
  branch: Record<string, number>;
  /** Plan task ids by number (1–5) and the plan id. */
  task: Record<number, number>;
  planId: number;
  round: BuiltRound;
}

const q = async <T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await database.db.execute(query));

export async function buildYear(database: Database, clock: ManualClock): Promise<YearData> {
  const links = linkSigner({ secret: 'x'.repeat(40), publicBaseUrl: 'http://h5.test', clock });
  const inbox = { database, clock, logger: createLogger({ level: 'silent', destination: new LogCapture() }), handler: conversationHandler({ links, timezone: TZ, clock }) };
  let seq = 0;
  const deliver = (e: InboundEvent) => handleInbound(inbox, e, { softDeadlineMs: 10_000, passiveReplies: 0 });
  const say = (from: number, text: string) =>
    deliver({ platform: 'sandbox', eventId: `year-${++seq}`, kind: 'message', senderId: String(from), text, occurredAt: clock.now().toISOString() });

  // 5 January 2026, a Monday: the organisation, January's topic, the plan.
  clock.set('2026-01-05T01:00:00Z');
  await seedDemo(database, clock, TZ);
  await seedScoringOrg(database, clock);
  await pushTopic({ database, timezone: TZ, links, platforms: ['sandbox'] }, '2026-01', clock.now());
  const dir = mkdtempSync(join(tmpdir(), 'year-plan-'));
  const planPath = join(dir, '2026年机关党建工作要点.txt');
  writeFileSync(planPath, PLAN_TEXT);
  const file = await readPlanFile(planPath, { dimensions: await loadDimensionConfig(database.db) });
  const plan = await importPlan(database, { outline: file.outline, details: file.details, year: YEAR, sourceName: '2026年机关党建工作要点.txt', warnings: file.warnings, actor: 'test', clock });

  const person = Object.fromEntries((await q<{ id: number; name: string }>(database, sql`select id, name from people`)).map((p) => [p.name, p.id]));
  const branch = Object.fromEntries(
    (await q<{ id: number; name: string }>(database, sql`select id, name from org_units where kind = 'branch'`)).map((b) => [b.name.replace(/（.*$/, ''), b.id]),
  );
  const tasks = await q<{ id: number; title: string }>(database, sql`select id, title from plan_items where plan_id = ${plan.planId} and level = 'task' order by id`);
  const task = Object.fromEntries(tasks.map((t, i) => [i + 1, t.id]));
  const assignment = async (itemId: number, unitId: number): Promise<number> =>
    Number((await q<{ id: number }>(database, sql`select id from assignments where item_id = ${itemId} and unit_id = ${unitId}`))[0]!.id);
  /** "我的任务", then the number the person's list gives the assignment, as they would read it. */
  const numberOf = async (personId: number, assignmentId: number): Promise<number> => {
    await say(personId, '我的任务');
    const [snap] = await q<{ entries: { no: number; assignmentId: number }[] }>(database, sql`select entries from list_snapshots where person_id = ${personId}`);
    const entry = snap!.entries.find((e) => Number(e.assignmentId) === assignmentId);
    if (!entry) throw new Error(`assignment ${assignmentId} is not on ${personId}'s list`);
    return entry.no;
  };
  const topicAssignment = async (personId: number, path: string): Promise<number> =>
    Number((await q<{ id: number }>(database, sql`select a.id from assignments a join plan_items i on i.id = a.item_id where a.person_id = ${personId} and i.path = ${path}`))[0]!.id);

  // January: members study; one undoes a click.
  clock.set('2026-01-12T02:00:00Z');
  for (const name of ['张伟', '赵丽娟', '何建华', '罗雪']) {
    const id = person[name]!;
    await say(id, `第${await numberOf(id, await topicAssignment(id, '必学1'))}项已学习，心得：${name}学习全会公报的体会`);
  }
  await say(person['张伟']!, `${await numberOf(person['张伟']!, await topicAssignment(person['张伟']!, '必学2'))} 已学习`);
  const li = person['李秀梅']!;
  await deliver({ platform: 'sandbox', eventId: `year-${++seq}`, kind: 'action', senderId: String(li), action: { actionId: 'learned', payload: { item: String(await topicAssignment(li, '必学1')) } }, occurredAt: clock.now().toISOString() });
  const [click] = await q<{ id: number }>(database, sql`select id from completion_records where person_id = ${li} order by id desc limit 1`);
  clock.advance(60_000);
  await deliver({ platform: 'sandbox', eventId: `year-${++seq}`, kind: 'action', senderId: String(li), action: { actionId: 'undo', payload: { record: String(click!.id) } }, occurredAt: clock.now().toISOString() });
  // February: a late study record (due 31 January).
  clock.set('2026-02-03T02:00:00Z');
  await say(person['孙浩']!, `${await numberOf(person['孙浩']!, await topicAssignment(person['孙浩']!, '必学1'))} 已学习`);

  // 10 March: 第一党支部 completes task 1 on time, by text, with evidence.
  const wang = person['王海峰']!;
  const b1 = branch['第一党支部']!;
  clock.set('2026-03-10T02:00:00Z');
  await say(wang, `第${await numberOf(wang, await assignment(task[1]!, b1))}项完成，心得：组织专题学习三次`);
  // 2 April: 第二党支部's task 1, late, recorded by an admin through the store.
  const b2 = branch['第二党支部']!;
  clock.set('2026-04-02T02:00:00Z');
  const b2Task1 = await assignment(task[1]!, b2);
  // (Inside a transaction only the transaction's handle may be used: PGlite has one connection.)
  await database.db.transaction(async (tx) => {
    const store = checklistStore(tx);
    await store.recordCompletion({ assignmentId: b2Task1, personId: person['何建华']!, source: 'admin', evidence: '补录：专题学习记录已归档', sourceEventId: 'admin-1', at: clock.now() });
    await store.audit({ actor: 'admin:test', action: 'completion.record', subjectType: 'assignment', subjectId: b2Task1, data: { source: 'admin' }, at: clock.now() });
  });

  // A 互观互检 round in April, published.
  clock.set('2026-04-13T01:00:00Z');
  const round = await buildScoringRound(database, clock, { title: '2026年上半年互观互检', withResults: true });
  clock.set('2026-04-21T02:00:00Z');
  await scoringStore(database.db).markPublished(round.round.id, 'admin:test', clock.now());

  // 20 June: 第一党支部's task 2 extended to 31 July (approved), completed 20 July: not late.
  clock.set('2026-06-18T02:00:00Z');
  const b1Task2 = await assignment(task[2]!, b1);
  const ext = await checklistStore(database.db).createExtension({ assignmentId: b1Task2, personId: wang, until: '2026-07-31', reason: '调研任务集中', sourceEventId: 'ext-1', at: clock.now() });
  clock.set('2026-06-20T02:00:00Z');
  await database.db.transaction((tx) => checklistStore(tx).decideExtension({ id: ext, approve: true, deciderId: person['周晓燕']!, note: '同意', at: clock.now() }));

  // 第一党支部's meetings: 支委会 every month but March, 主题党日 monthly, 党员大会 in Q1, 党课 in Q2, one 党小组会.
  const meeting = (kind: MeetingKind, heldOn: string, via: 'admin' | 'card' = 'admin') =>
    recordMeeting(database.db, { unitId: b1, kind, heldOn, minutesUrl: kind === 'general_assembly' ? 'https://intranet.example/minutes/1' : null, recordedBy: wang, via, sourceEventId: null, at: clock.now() });
  clock.set('2026-06-25T02:00:00Z');
  for (const m of ['01', '02', '04', '05', '06']) await meeting('branch_committee', `2026-${m}-12`);
  for (const m of ['01', '02', '03', '04', '05', '06']) await meeting('theme_day', `2026-${m}-15`);
  await meeting('general_assembly', '2026-02-10');
  await meeting('party_lecture', '2026-05-20');
  await meeting('group_meeting', '2026-03-05');
  await recordMeeting(database.db, { unitId: b2, kind: 'branch_committee', heldOn: '2026-01-09', minutesUrl: null, recordedBy: person['何建华']!, via: 'admin', sourceEventId: null, at: clock.now() });

  // 8 July: a meeting by text; 15 July task 3 late; 20 July task 2 within its extension.
  clock.set('2026-07-08T02:00:00Z');
  await say(wang, '支委会已开');
  clock.set('2026-07-15T02:00:00Z');
  await say(wang, `第${await numberOf(wang, await assignment(task[3]!, b1))}项完成，心得：调研报告已报送`);
  clock.set('2026-07-20T02:00:00Z');
  await say(wang, `第${await numberOf(wang, await assignment(task[2]!, b1))}项完成`);

  clock.set('2026-11-23T02:00:00Z');
  return { person, branch, task, planId: plan.planId!, round };
}

/* ---------- the oracle: the counting rules recomputed in plain code from the raw rows ---------- */

export interface Expected {
  planned: number;
  done: number;
  doneLate: number;
  overdue: number;
  dueByNow: number;
}

/**
 * Per "branch:item:unit|person", what the report must say as of `cutoff` (the day after the last day it covers):
 * every assignment of the year's active items, the latest record and the latest approved extension made before
 * the cutoff (local midnight in Asia/Shanghai), each assignment counted for its branch (people: their current unit's).
 */
export async function expectedFigures(database: Database, cutoff: string): Promise<Map<string, Expected>> {
  const cut = new Date(`${cutoff}T00:00:00+08:00`).getTime();
  const assignments = await q<{ id: string | number; item_id: number; assignee_kind: 'unit' | 'person'; unit_id: number | null; person_unit: number | null; person_active: boolean | null; due: string | null }>(database, sql`
    select a.id, a.item_id, a.assignee_kind, a.unit_id, p.unit_id as person_unit, p.active as person_active, coalesce(a.due_date, i.due_date)::text as due
    from assignments a join plan_items i on i.id = a.item_id left join plans pl on pl.id = i.plan_id left join topics t on t.id = i.topic_id left join people p on p.id = a.person_id
    where i.active and (pl.year = ${YEAR} or t.month like ${`${YEAR}-%`})`);
  const units = new Map((await q<{ id: number; kind: string; parent_id: number | null }>(database, sql`select id, kind, parent_id from org_units`)).map((u) => [u.id, u]));
  const branchOf = (unitId: number | null): number | null => {
    const u = unitId === null ? undefined : units.get(unitId);
    return u?.kind === 'branch' ? u.id : u?.kind === 'group' ? u.parent_id : null;
  };
  const records = await q<{ id: string | number; assignment_id: string | number; action: string; at_ms: number }>(database, sql`
    select id, assignment_id, action::text as action, extract(epoch from at) * 1000 as at_ms from completion_records order by id`);
  const extensions = await q<{ id: number; assignment_id: string | number; until: string; decided_ms: number | null }>(database, sql`
    select id, assignment_id, requested_until::text as until, extract(epoch from decided_at) * 1000 as decided_ms from extension_requests where status = 'approved' order by id`);
  const out = new Map<string, Expected>();
  for (const a of assignments) {
    const branch = a.assignee_kind === 'unit' ? branchOf(a.unit_id) : a.person_active ? branchOf(a.person_unit) : null;
    if (branch === null) continue;
    const id = Number(a.id);
    const ext = extensions.filter((e) => Number(e.assignment_id) === id && e.decided_ms !== null && Number(e.decided_ms) < cut).at(-1);
    const due = ext?.until ?? a.due;
    const last = records.filter((r) => Number(r.assignment_id) === id && Number(r.at_ms) < cut).at(-1);
    const done = last?.action === 'complete';
    const doneDay = done ? new Date(Number(last.at_ms) + 8 * 3600_000).toISOString().slice(0, 10) : null;
    const key = `${branch}:${a.item_id}:${a.assignee_kind}`;
    const e = out.get(key) ?? { planned: 0, done: 0, doneLate: 0, overdue: 0, dueByNow: 0 };
    e.planned++;
    if (done) e.done++;
    if (done && due !== null && doneDay! > due) e.doneLate++;
    if (due !== null && due < cutoff) {
      e.dueByNow++;
      if (!done) e.overdue++;
    }
    out.set(key, e);
  }
  return out;
}

export function sumExpected(list: Iterable<Expected>): Expected {
  const s = { planned: 0, done: 0, doneLate: 0, overdue: 0, dueByNow: 0 };
  for (const e of list) for (const k of Object.keys(s) as (keyof Expected)[]) s[k] += e[k];
  return s;
}
