import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxPlatform } from '../../adapters/sandbox/platform.js';
import { conversationHandler } from '../../src/conversation.js';
import { rows } from '../../src/db/migrate.js';
import { calendarOverrideStore } from '../../src/db/repositories/calendar.js';
import { updateSettings } from '../../src/db/repositories/reminders-admin.js';
import { overdueCadences } from '../../src/db/repositories/reminders-store.js';
import { seedDemo } from '../../src/demo.js';
import { createCalendar } from '../../src/domain/calendar.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { InboundEvent } from '../../src/domain/messaging/types.js';
import { addDays } from '../../src/domain/reminders/days.js';
import { linkSigner } from '../../src/h5/link-signer.js';
import { handleInbound, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import { dailyReminderJob } from '../../src/jobs/daily-reminder.js';
import type { JobDeps } from '../../src/jobs/job.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/log.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { LogCapture } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * 2026 Q4 day by day with the injected clock: the daily job fired by three instances at once on every
 * day's 08:30 slot, members and secretaries answering through the real inbox in between.
 */
describe('双提醒 over 2026 Q4', { timeout: 300_000 }, () => {
  let t: TestDatabase;
  const tz = 'Asia/Shanghai';
  const clock = new ManualClock('2026-09-25T01:00:00Z');
  const links = linkSigner({ secret: 'x'.repeat(40), publicBaseUrl: 'http://h5.test', clock });
  let inbox: InboxDeps;
  let runners: JobRunner[];
  let seq = 0;
  const ids: Record<string, number> = {};
  const items: Record<string, number> = {};

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const local = (day: string, hhmm: string): Date => new Date(`${day}T${hhmm}:00+08:00`);
  const say = (name: string, text: string): Promise<unknown> =>
    handleInbound(inbox, { platform: 'sandbox', eventId: `r${++seq}`, kind: 'message', senderId: String(ids[name]), text, occurredAt: clock.now().toISOString() } as InboundEvent, { softDeadlineMs: 10_000, passiveReplies: 0 });
  const click = (name: string, actionId: string, payload: Record<string, string>): Promise<unknown> =>
    handleInbound(inbox, { platform: 'sandbox', eventId: `c${++seq}`, kind: 'action', senderId: String(ids[name]), action: { actionId, payload }, occurredAt: clock.now().toISOString() } as InboundEvent, { softDeadlineMs: 10_000, passiveReplies: 0 });
  /** Log rows (who, kind, day, card kind) for a person. */
  const log = (name: string) => q<{ kind: string; day: string; card_kind: string; item_key: string }>(sql`select kind, day::text as day, card_kind, item_key from push_log where person_id = ${ids[name]} order by day, id`);
  /** A deadline log row about one item (keys are kind:ids). */
  const about = (key: string) => (r: { item_key: string }): boolean => /^(due_|overdue)/.test(r.item_key) && (r.item_key.split(':')[1] ?? '').split(',').includes(String(items[key]));
  const fireDay = async (day: string) => {
    clock.set(local(day, '08:30'));
    const outcomes = await Promise.all(runners.map((r) => r.fire('daily-reminders', local(day, '08:30'))));
    expect(outcomes.filter((o) => o.ran)).toHaveLength(['2026-10-01'].includes(day) ? 0 : outcomes.filter((o) => o.ran).length);
    return outcomes;
  };
  const fireDays = async (from: string, to: string) => {
    for (let d = from; d <= to; d = addDays(d, 1)) await fireDay(d);
  };
  async function addItem(key: string, title: string, due: string, assignee: { person?: string; unit?: number }) {
    const [pi] = await q<{ id: number }>(sql`
      insert into plan_items (plan_id, path, position, level, title, due_date, created_at)
      values ((select id from plans limit 1), ${key}, ${Object.keys(items).length}, 'task', ${title}, ${due}::date, now()) returning id`);
    const [a] = await q<{ id: number }>(sql`
      insert into assignments (item_id, assignee_kind, unit_id, person_id, created_at)
      values (${pi!.id}, ${assignee.person ? 'person' : 'unit'}, ${assignee.unit ?? null}, ${assignee.person ? ids[assignee.person]! : null}, now()) returning id`);
    items[key] = Number(a!.id);
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.database, clock, tz);
    for (const p of await q<{ id: number; name: string }>(sql`select id, name from people`)) ids[p.name] = p.id;
    for (const u of await q<{ id: number; name: string }>(sql`select id, name from org_units where kind = 'branch'`)) ids[u.name.slice(0, 4)] = u.id;
    const logger = createLogger({ level: 'silent', destination: new LogCapture() });
    inbox = { database: t.database, clock, logger, handler: conversationHandler({ links, timezone: tz, clock }) };
    const calendar = createCalendar(tz, calendarOverrideStore(t.database.db));
    const deps: JobDeps = { database: t.database, clock, calendar, logger, publicBaseUrl: 'http://h5.test', timezone: tz, links, platforms: ['sandbox'], topicPushTime: '09:00' };
    runners = ['a', 'b', 'c'].map((n) => new JobRunner(deps, [dailyReminderJob('08:30')], n));
    await q(sql`insert into plans (year, title, created_at, created_by) values (2026, '2026年工作要点', now(), 'test') returning id`);
    await addItem('A1', '报送三季度学习台账', '2026-10-09', { person: '张伟' });
    await addItem('A2', '完成专题学习心得', '2026-10-04', { person: '赵丽娟' }); // a holiday: counts as 09-30
    await addItem('A3', '支部品牌项目中期总结', '2026-10-16', { unit: ids['第二党支']! });
    await addItem('A4', '整理党费收缴台账', '2026-10-22', { person: '高明' });
    await addItem('A5', '撰写调研报告', '2026-10-27', { person: '林芳' });
    await q(sql`insert into extension_requests (assignment_id, person_id, requested_until, status, created_at) values (${items.A5!}, ${ids['林芳']!}, '2026-11-10', 'approved', now())`);
    for (const [k, due] of [['S1', '2026-11-04'], ['S2', '2026-11-05'], ['S3', '2026-11-06']] as const) await addItem(k, `学习任务${k}`, due, { person: '孙浩' });
    await addItem('M1', '提交廉政承诺书', '2026-11-18', { person: '郑晓东' });
  });
  afterAll(async () => t?.drop());

  it('deadline reminders land on the right working days; escalations reach the secretary, then the admin, privately', async () => {
    await fireDays('2026-09-28', '2026-10-20');
    expect((await log('张伟')).filter(about('A1')).map((r) => `${r.kind}@${r.day}`)).toEqual([
      'due_soon@2026-09-29', 'due_soon@2026-10-08', 'due_today@2026-10-09', 'overdue@2026-10-10',
    ]);
    expect((await log('赵丽娟')).filter(about('A2')).map((r) => `${r.kind}@${r.day}`)).toEqual(['due_soon@2026-09-29', 'due_today@2026-09-30', 'overdue@2026-10-08']);
    const esc = await q<{ person_id: number; kind: string; day: string }>(sql`select person_id, kind, day::text as day from push_log where kind like 'escalation%' and ${String(items.A1)} = any(string_to_array(split_part(item_key, ':', 3), ','))`);
    expect(esc).toEqual(expect.arrayContaining([{ person_id: ids['王海峰'], kind: 'escalation', day: '2026-10-13' }, { person_id: ids['周晓燕'], kind: 'escalation_admin', day: '2026-10-20' }]));
    // Never to a group chat; nothing about 张伟's item reaches other members.
    expect((await q<{ n: number }>(sql`select count(*)::int as n from outbox where recipient_kind = 'chat'`))[0]!.n).toBe(0);
    const seenBy = await q<{ person_id: number }>(sql`select distinct person_id from push_log where ${items.A1!}::bigint = any(assignment_ids)`);
    expect(seenBy.map((r) => r.person_id).sort()).toEqual([ids['张伟'], ids['王海峰'], ids['周晓燕']].sort());
    // Branch-level item: to the branch secretary.
    expect((await log('何建华')).filter(about('A3')).map((r) => `${r.kind}@${r.day}`)).toEqual(['due_soon@2026-10-13', 'due_soon@2026-10-15', 'due_today@2026-10-16', 'overdue@2026-10-19']);
    // Rest days ran nothing; each working day ran once of three instances.
    const runs = await q<{ n: number; slots: number }>(sql`select count(*)::int as n, count(distinct slot)::int as slots from job_runs where status = 'succeeded'`);
    expect(runs[0]!.n).toBe(runs[0]!.slots);
    expect((await q<{ n: number }>(sql`select count(*)::int as n from (select idempotency_key from outbox group by 1 having count(*) > 1) x`))[0]!.n).toBe(0);
  });

  it('quiet hours hold a reminder, and completing the item cancels it before it is sent', async () => {
    await updateSettings(t.database.db, ids['第二党支']!, [['quietEnd', '09:00']], { actor: 'test', at: clock.now() });
    await fireDay('2026-10-21');
    const [held] = await q<{ id: number; status: string; not_before: Date }>(sql`select id, status, not_before from outbox where person_id = ${ids['高明']!} and idempotency_key like ${`reminder:2026-10-21:%due_soon:${items.A4}`}`);
    expect(held).toMatchObject({ status: 'pending' });
    expect(new Date(held!.not_before).toISOString()).toBe('2026-10-21T01:00:00.000Z');
    clock.set(local('2026-10-21', '08:45'));
    await click('高明', 'complete', { item: String(items.A4) });
    expect((await q<{ status: string }>(sql`select status from outbox where id = ${held!.id}`))[0]!.status).toBe('cancelled');
    clock.set(local('2026-10-21', '09:05'));
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger: inbox.logger, platforms: [createSandboxPlatform({ database: t.database, clock })] });
    while ((await dispatcher.runOnce()) > 0);
    expect((await q<{ n: number }>(sql`select count(*)::int as n from sandbox_messages where ref = ${`outbox:${held!.id}`}`))[0]!.n).toBe(0);
  });

  it('cadence reminders go to secretaries and stop once the meeting is recorded; the extension moves the due date', async () => {
    clock.set(local('2026-10-22', '10:00'));
    await say('徐红', '支委会已开');
    await fireDays('2026-10-22', '2026-10-31');
    const cadence = await q<{ person_id: number; item_key: string; day: string }>(sql`select person_id, item_key, day::text as day from push_log where kind = 'cadence' and item_key like '%branch_committee:2026-10'`);
    expect(cadence.map((c) => c.person_id)).toContain(ids['王海峰']);
    expect(cadence.map((c) => c.person_id)).not.toContain(ids['徐红']);
    expect(new Set(cadence.map((c) => c.day))).toEqual(new Set(['2026-10-23']));
    expect(await overdueCadences(t.database.db, [ids['第一党支']!, ids['第三党支']!], '2026-11-02')).toEqual(expect.arrayContaining([expect.objectContaining({ unitId: ids['第一党支'], kind: 'branch_committee' })]));
    expect((await overdueCadences(t.database.db, [ids['第三党支']!], '2026-11-02')).some((c) => c.kind === 'branch_committee')).toBe(false);
    // 主题党日 (10-15, Thursday): every member once, the day before.
    const theme = await q<{ n: number; people: number; days: string }>(sql`select count(*)::int as n, count(distinct person_id)::int as people, string_agg(distinct day::text, ',') as days from push_log where kind = 'theme_day' and item_key like '%:2026-10'`);
    expect(theme[0]).toMatchObject({ days: '2026-10-14' });
    expect(theme[0]!.n).toBe(theme[0]!.people);
    expect((await log('林芳')).some((r) => r.kind === 'due_today' && r.day === '2026-10-27')).toBe(false);
  });

  it('the weekly cap merges instead of dropping; a muted member is spared but the secretary still hears', async () => {
    clock.set(local('2026-10-30', '12:00'));
    await say('孙浩', '少提醒');
    clock.set(local('2026-11-02', '12:00'));
    await say('郑晓东', '暂停提醒 30天');
    await fireDays('2026-11-01', '2026-11-30');
    const weeks = await q<{ week: string; n: number }>(sql`
      select l.week::text as week, count(distinct l.outbox_key)::int as n from push_log l join outbox o on o.idempotency_key = l.outbox_key
      where l.person_id = ${ids['孙浩']!} and not l.urgent and o.status <> 'cancelled' group by 1`);
    expect(weeks.every((w) => w.n <= 2)).toBe(true);
    expect((await log('孙浩')).some((r) => r.card_kind === 'merged')).toBe(true);
    expect((await log('郑晓东')).filter(about('M1'))).toEqual([]);
    expect((await log('王海峰')).some((r) => r.kind === 'escalation' && r.item_key.includes(String(items.M1)))).toBe(true);
    expect((await log('林芳')).some((r) => r.kind === 'due_today' && r.day === '2026-11-10')).toBe(true);
  });

  it('a meeting recorded by the card button stops the next reminder; the quarter ends cleanly', async () => {
    clock.set(local('2026-12-02', '15:00'));
    await click('王海峰', 'meeting-held', { meeting: 'branch_committee' });
    await fireDays('2026-12-01', '2026-12-31');
    const dec = await q<{ person_id: number }>(sql`select person_id from push_log where item_key like '%branch_committee:2026-12'`);
    expect(dec.map((r) => r.person_id)).not.toContain(ids['王海峰']);
    expect(dec.map((r) => r.person_id)).toContain(ids['徐红']);
    const q4 = await q<{ day: string }>(sql`select distinct day::text as day from push_log where item_key like '%general_assembly:2026-Q4'`);
    expect(q4.map((r) => r.day)).toEqual(['2026-12-24']);
  });
});
