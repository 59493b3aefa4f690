import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../cards/model.js';
import { conversationHandler } from '../../src/conversation.js';
import { rows } from '../../src/db/migrate.js';
import { calendarOverrideStore } from '../../src/db/repositories/calendar.js';
import { digestStore } from '../../src/db/repositories/digest-store.js';
import { scoringStore } from '../../src/db/repositories/scoring-store.js';
import { seedDemo } from '../../src/demo.js';
import { createCalendar } from '../../src/domain/calendar.js';
import { ManualClock } from '../../src/domain/clock.js';
import { figuresForViewers } from '../../src/domain/digest/compute.js';
import type { DigestFigures } from '../../src/domain/digest/types.js';
import type { InboundEvent } from '../../src/domain/messaging/types.js';
import { DEFAULT_POLICY } from '../../src/domain/scoring/policy.js';
import { digestResource, linkSigner } from '../../src/h5/link-signer.js';
import { verifyToken } from '../../src/h5/signed-link.js';
import { handleInbound, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import type { JobDeps } from '../../src/jobs/job.js';
import { leaderDigestJob, runLeaderDigest } from '../../src/jobs/leader-digest.js';
import { pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { quietLogger } from '../support/messaging.js';

/**
 * The leaders' daily digest over a scripted November 2026 in the demo organisation (5 branches; 刘建国 leads
 * the whole agency, 陈志远 the second and third branches, 周晓燕 is the admin): a branch task overdue since
 * October, one due on 6 November, the month's topic, a missing 支委会, an open 互观互检 round. Members and
 * secretaries act through the real inbox; the job runs through the real runner and outbox.
 */
describe(`leaders' daily digest (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, { timeout: 180_000 }, () => {
  let t: TestDatabase;
  const tz = 'Asia/Shanghai';
  const secret = 's'.repeat(40);
  const clock = new ManualClock('2026-11-02T01:00:00Z'); // Monday 2 November, 09:00 in Shanghai
  const links = linkSigner({ secret, publicBaseUrl: 'http://h5.test', clock });
  let inbox: InboxDeps;
  let deps: JobDeps;
  let runner: JobRunner;
  let seq = 0;
  const ids: Record<string, number> = {};
  const B = { b1: '第一党支部（办公室）', b2: '第二党支部（政策法规处）', b3: '第三党支部（规划财务处）', b4: '第四党支部（综合业务处）', b5: '第五党支部（机关服务中心）' };

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  /** 08:30 in Shanghai on a day of November 2026. */
  const morning = (day: number): Date => new Date(`2026-11-${String(day).padStart(2, '0')}T00:30:00Z`);
  const deliver = (e: InboundEvent) => handleInbound(inbox, e, { softDeadlineMs: 10_000, passiveReplies: 0 });
  const say = (who: string, text: string, chatId?: string) =>
    deliver({ platform: 'sandbox', eventId: `e${++seq}`, kind: 'message', senderId: String(ids[who]), text, occurredAt: clock.now().toISOString(), ...(chatId ? { chatId } : {}) });
  const click = (who: string, assignmentId: number) =>
    deliver({ platform: 'sandbox', eventId: `c${++seq}`, kind: 'action', senderId: String(ids[who]), action: { actionId: 'complete', payload: { item: String(assignmentId) } }, occurredAt: clock.now().toISOString() });
  /** The branch task's assignment for a branch ("整改台账" or "报送季度学习总结"). */
  const task = async (title: string, branch: string): Promise<number> =>
    (await q<{ id: number }>(sql`select a.id from assignments a join plan_items i on i.id = a.item_id join org_units u on u.id = a.unit_id where i.title = ${title} and u.name = ${branch}`))[0]!.id;
  const digestCards = async (day: string): Promise<{ to: string; recipientKind: string; card: Card }[]> =>
    (await q<{ recipient: string; recipient_kind: string; message: { card: Card } }>(sql`select recipient, recipient_kind, message from outbox where idempotency_key like ${`digest:${day}:%`} order by id`)).map((r) => ({ to: r.recipient, recipientKind: r.recipient_kind, card: r.message.card }));
  const cardOf = async (day: string, who: string): Promise<Card | undefined> => (await digestCards(day)).find((c) => c.to === String(ids[who]))?.card;
  const lastReplyTo = async (who: string): Promise<{ kind: string; card: Card }> => {
    const [r] = await q<{ recipient_kind: string; message: { card: Card } }>(sql`select recipient_kind, message from outbox where recipient = ${String(ids[who])} and idempotency_key like 'reply:%' order by id desc limit 1`);
    return { kind: r!.recipient_kind, card: r!.message.card };
  };
  /** Text blocks of a card, one string per line. */
  const lines = (card: Card): string[] => card.blocks.flatMap((b) => (b.type === 'text' ? b.text.split('\n') : []));
  /**
   * The figures recomputed the slow, obvious way — every assignment's latest completion record, no derived
   * table — per branch: what the digest must agree with.
   */
  const reference = async (date: string) =>
    q<{ name: string; month_total: number; month_done: number; overdue: number }>(sql`
      with a as (
        select a.id, coalesce((select e.requested_until from extension_requests e where e.assignment_id = a.id and e.status = 'approved' order by e.id desc limit 1), a.due_date, i.due_date) as due,
               coalesce((select c.action = 'complete' from completion_records c where c.assignment_id = a.id order by c.id desc limit 1), false) as done,
               coalesce(case pu.kind when 'branch' then pu.id when 'group' then pu.parent_id end, case au.kind when 'branch' then au.id when 'group' then au.parent_id end) as branch_id
        from assignments a join plan_items i on i.id = a.item_id and i.active
        left join people p on p.id = a.person_id and p.active left join org_units pu on pu.id = p.unit_id
        left join org_units au on au.id = a.unit_id)
      select b.name, count(a.id) filter (where to_char(a.due, 'YYYY-MM') = ${date.slice(0, 7)})::int as month_total,
             count(a.id) filter (where to_char(a.due, 'YYYY-MM') = ${date.slice(0, 7)} and a.done)::int as month_done,
             count(a.id) filter (where a.due < ${date}::date and not a.done)::int as overdue
      from org_units b left join a on a.branch_id = b.id where b.kind = 'branch' group by b.id, b.name order by b.id`);
  const figuresFor = async (who: string, date: string, scope: 'agency' | (number | null)[]): Promise<DigestFigures> =>
    (await figuresForViewers(digestStore(t.database.db, { timezone: tz }), [{ personId: ids[who]!, scope }], { date, dueSoonUntil: date, now: clock.now() })).get(ids[who]!)!;

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.database, clock, tz);
    for (const r of await q<{ id: number; name: string }>(sql`select id, name from people`)) ids[r.name] = r.id;
    const calendar = createCalendar(tz, calendarOverrideStore(t.database.db));
    inbox = { database: t.database, clock, logger: quietLogger(), handler: conversationHandler({ links, timezone: tz, clock }) };
    deps = { database: t.database, clock, calendar, logger: quietLogger(), publicBaseUrl: 'http://h5.test', timezone: tz, links, platforms: ['sandbox'], topicPushTime: '09:00' };
    runner = new JobRunner(deps, [leaderDigestJob('08:30')], 'test');

    // The month's topic (3 必学 items due 30 November) to every member, and two branch tasks of the year's plan.
    await pushTopic({ database: t.database, timezone: tz, links, platforms: ['sandbox'], calendar }, '2026-11', clock.now());
    await t.database.db.execute(sql`
      with pl as (insert into plans (year, title, created_at, created_by) values (2026, '2026年工作要点', ${clock.now().toISOString()}::timestamptz, 'test') returning id),
      it as (
        insert into plan_items (plan_id, path, position, level, title, due_date, list_kind, dimensions, created_at)
        select pl.id, x.path, x.pos, 'task', x.title, x.due::date, 'work', x.dims::text[], ${clock.now().toISOString()}::timestamptz
        from pl, (values ('一/1.', 1, '整改台账', '2026-10-30', '{廉洁型}'), ('一/2.', 2, '报送季度学习总结', '2026-11-06', '{政治型}')) x(path, pos, title, due, dims)
        returning id)
      insert into assignments (item_id, assignee_kind, unit_id, created_at)
      select it.id, 'unit', b.id, ${clock.now().toISOString()}::timestamptz from it cross join org_units b where b.kind = 'branch'`);
    // Organisational life up to date everywhere — except the second branch's 支委会 in October.
    await t.database.db.execute(sql`
      insert into meeting_records (unit_id, kind, held_on, recorded_via, created_at)
      select b.id, k.kind, k.held_on::date, 'admin', ${clock.now().toISOString()}::timestamptz
      from org_units b cross join (values ('branch_committee', '2026-10-15'), ('group_meeting', '2026-10-16'), ('theme_day', '2026-10-15'),
        ('general_assembly', '2026-09-10'), ('party_lecture', '2026-09-11'), ('life_meeting', '2025-12-20'), ('appraisal', '2025-12-21')) k(kind, held_on)
      where b.kind = 'branch' and not (b.name = ${B.b2} and k.kind = 'branch_committee')`);
    // An open 互观互检 round over the five branches, closing on 20 November; nobody has scored yet.
    const store = scoringStore(t.database.db);
    const branches = await q<{ id: number; name: string }>(sql`select id, name from org_units where kind = 'branch' order by id`);
    const [scheme] = await q<{ id: number }>(sql`select id from scoring_schemes order by id limit 1`);
    await store.createRound({
      title: '2026年第四季度', schemeId: scheme!.id, policy: DEFAULT_POLICY, platform: 'sandbox', chatId: null, startedBy: null,
      opensAt: clock.now(), closesAt: new Date('2026-11-20T10:00:00Z'), sourceEventId: null, branches, scorers: await store.candidateScorers(branches.map((b) => b.id)), at: clock.now(),
    });
    // 3 November: the first branch's secretary clears the October task; 张伟 studies item 2.
    clock.set('2026-11-03T02:00:00Z');
    await click('王海峰', await task('整改台账', B.b1));
    await say('张伟', '2 已学习');
  });
  afterAll(async () => t.drop());

  it('on a working day every leader gets one card for their scope, exceptions first; never twice', async () => {
    clock.set(morning(4));
    expect(await runner.fire('leader-digest', morning(4))).toMatchObject({ ran: true, status: 'succeeded', result: { date: '2026-11-04', leaders: 2, enqueued: 2, skippedQuiet: 0, unreachable: 0 } });
    const cards = await digestCards('2026-11-04');
    expect(cards.map((c) => c.to).sort()).toEqual([String(ids['刘建国']), String(ids['陈志远'])].sort());

    const chen = (await cardOf('2026-11-04', '陈志远'))!;
    expect(chen.header).toEqual({ title: '今日简报 11月4日（周三）', subtitle: `分管：${B.b2}、${B.b3}`, source: '机关党委' });
    const scorersInScope = (await q<{ n: number }>(sql`select count(*)::int as n from scoring_round_scorers sc join org_units u on u.id = sc.branch_id where u.name in (${B.b2}, ${B.b3})`))[0]!.n;
    const [round] = await q<{ expected: number; scorers: number }>(sql`
      select (select count(*)::int from scoring_round_scorers sc join scoring_round_branches b on b.round_id = sc.round_id and b.unit_id is distinct from sc.branch_id) as expected,
             (select count(*)::int from scoring_round_scorers) as scorers`);
    expect(lines(chen)).toEqual([
      `! ${B.b2}：逾期 1 项，最早“整改台账”（10月30日到期）`,
      `! ${B.b3}：逾期 1 项，最早“整改台账”（10月30日到期）`,
      '! 即将到期：“报送季度学习总结”11月6日到期，尚有 2 项未完成（2 个支部）',
      `! 组织生活：10月支部委员会未登记召开（${B.b2}）`,
      `! 互观互检“2026年第四季度”：已交 0/${round!.expected} 份，${round!.scorers} 位评分人未交完，其中分管支部 ${scorersInScope} 位（11月20日截止）`,
      '本月完成情况：',
      `${B.b2}：本月完成 0/25（0%）`,
      `${B.b3}：本月完成 0/22（0%）`,
      '合计：本月完成 0/47（0%）',
    ]);
    expect(chen.blocks[0]).toEqual({ type: 'emphasis', figure: '5', label: '项需关注' });
    // Nothing about branches outside the scope.
    for (const other of [B.b1, B.b4, B.b5]) expect(chen.fallbackText).not.toContain(other);

    // The whole agency: five branches; 张伟's study counts for the first branch, whose October task is done.
    const liu = (await cardOf('2026-11-04', '刘建国'))!;
    expect(liu.header.subtitle).toBe('全机关 5 个党支部');
    // The card holds a half-minute read (and the DingTalk template's 1 KB of text): every kind of exception
    // first, then as many lines of each as fit, the rest counted.
    expect(lines(liu).slice(0, 6)).toEqual([
      ...[B.b2, B.b3].map((b) => `! ${b}：逾期 1 项，最早“整改台账”（10月30日到期）`),
      '! 另有 2 个支部有逾期事项，见详情',
      '! 即将到期：“报送季度学习总结”11月6日到期，尚有 5 项未完成（5 个支部）',
      `! 组织生活：10月支部委员会未登记召开（${B.b2}）`,
      expect.stringMatching(/^! 互观互检“2026年第四季度”：已交 0\/\d+ 份/),
    ]);
    expect(lines(liu)).toContain(`${B.b1}：本月完成 1/28（3%）`);
    expect(lines(liu)).toContain('合计：本月完成 1/122（0%）');

    // The detail link is signed for that leader and day.
    const url = new URL(chen.link!.url);
    expect(`${url.origin}${url.pathname}`).toBe('http://h5.test/h5/digest');
    expect(url.searchParams.get('d')).toBe('2026-11-04');
    expect(verifyToken(secret, url.searchParams.get('t')!, clock.now(), digestResource('2026-11-04'))).toMatchObject({ ok: true, claims: { personId: ids['陈志远'] } });

    // Again (another instance, a manual run): nothing new is sent.
    expect(await runner.fire('leader-digest', morning(4), { manual: true })).toMatchObject({ ran: true, result: { enqueued: 0 } });
    expect(await digestCards('2026-11-04')).toHaveLength(2);
  });

  it('agrees with the figures computed the obvious way, per branch', async () => {
    const f = await figuresFor('刘建国', '2026-11-04', 'agency');
    expect(f.branches.map((b) => ({ name: b.name, month_total: b.monthTotal, month_done: b.monthDone, overdue: b.overdue }))).toEqual(await reference('2026-11-04'));
    expect(f.dimensions).toEqual([
      { name: '政治型', total: 5, done: 0, overdue: 0 },
      { name: '服务型', total: 0, done: 0, overdue: 0 },
      { name: '实干型', total: 0, done: 0, overdue: 0 },
      { name: '文明型', total: 0, done: 0, overdue: 0 },
      { name: '廉洁型', total: 5, done: 1, overdue: 4 },
    ]);
    expect(f.trend.map((p) => [p.date, p.due, p.done])).toEqual([['2026-11-01', 0, 0], ['2026-11-02', 0, 0], ['2026-11-03', 0, 1], ['2026-11-04', 0, 1]]);
  });

  it('sends nothing on a rest day', async () => {
    clock.set(morning(7));
    expect(await runner.fire('leader-digest', morning(7))).toMatchObject({ ran: false, reason: 'rest-day' });
    expect(await digestCards('2026-11-07')).toEqual([]);
  });

  it('says what changed since the previous digest', async () => {
    // 5 November: the third branch sends its summary; 6 November: the second branch records its 支委会.
    clock.set('2026-11-05T03:00:00Z');
    await click('徐红', await task('报送季度学习总结', B.b3));
    clock.set('2026-11-06T03:00:00Z');
    await say('何建华', '支委会已开 10月20日');
    clock.set(morning(9));
    expect(await runner.fire('leader-digest', morning(9))).toMatchObject({ ran: true, result: { date: '2026-11-09', enqueued: 2 } });
    const chen = (await cardOf('2026-11-09', '陈志远'))!;
    expect(lines(chen).slice(0, 3)).toEqual([
      `! ${B.b2}：逾期 2 项，最早“整改台账”（10月30日到期）`,
      `! ${B.b3}：逾期 1 项，最早“整改台账”（10月30日到期）`,
      expect.stringMatching(/^! 互观互检“2026年第四季度”/),
    ]);
    expect(lines(chen).slice(-2)).toEqual([`较11月4日：本月新完成 1 项；逾期 2 → 3 项（${B.b2} +1）`, `${B.b2}已登记10月支部委员会`]);
    const f = await figuresFor('陈志远', '2026-11-09', await scopeRows('陈志远'));
    expect(f.branches.map((b) => ({ name: b.name, month_total: b.monthTotal, month_done: b.monthDone, overdue: b.overdue }))).toEqual(
      (await reference('2026-11-09')).filter((r) => r.name === B.b2 || r.name === B.b3),
    );
  });

  it('a leader who opted out of quiet days gets no card when nothing needs attention, and can opt in again', async () => {
    clock.set('2026-11-09T02:00:00Z');
    await say('陈志远', '简报无异常时不发');
    expect((await lastReplyTo('陈志远')).card.header.title).toBe('已设置：无异常时不发简报');
    // The second and third branches clear everything; the round closes.
    for (const b of [B.b2, B.b3]) {
      const secretary = b === B.b2 ? '何建华' : '徐红';
      for (const title of ['整改台账', '报送季度学习总结']) {
        const id = await task(title, b);
        if (!(await q<{ done: boolean }>(sql`select done from assignment_progress where assignment_id = ${id}`))[0]!.done) await click(secretary, id);
      }
    }
    const [round] = await q<{ id: number }>(sql`select id from scoring_rounds`);
    await scoringStore(t.database.db).markClosed(round!.id, 'test', clock.now());

    clock.set(morning(10));
    expect(await runner.fire('leader-digest', morning(10))).toMatchObject({ ran: true, result: { date: '2026-11-10', enqueued: 1, quiet: 1, skippedQuiet: 1 } });
    expect(await cardOf('2026-11-10', '陈志远')).toBeUndefined();
    expect((await cardOf('2026-11-10', '刘建国'))!.header.title).toBe('今日简报 11月10日（周二）');
    // The quiet day is still recorded, so tomorrow's comparison has it.
    expect((await q<{ n: number }>(sql`select count(*)::int as n from digest_snapshots where person_id = ${ids['陈志远']!} and day = '2026-11-10'`))[0]!.n).toBe(1);

    clock.set('2026-11-10T02:00:00Z');
    await say('陈志远', '恢复每日简报');
    expect((await lastReplyTo('陈志远')).card.header.title).toBe('已恢复每日简报');
    clock.set(morning(11));
    await runner.fire('leader-digest', morning(11));
    const chen = (await cardOf('2026-11-11', '陈志远'))!;
    expect(chen.header.title).toBe('今日简报 11月11日（周三）：一切正常');
    expect(chen.fallbackText.split('\n')).toHaveLength(3); // title, scope, link: one line of news
  });

  it('the whole agency quiet: "一切正常" for the leader who did not opt out', async () => {
    clock.set('2026-11-11T03:00:00Z');
    await click('王海峰', await task('报送季度学习总结', B.b1));
    for (const [b, secretary] of [[B.b4, '曹立新'], [B.b5, '蒋红梅']] as const) {
      for (const title of ['整改台账', '报送季度学习总结']) await click(secretary, await task(title, b));
    }
    clock.set(morning(12));
    await runner.fire('leader-digest', morning(12));
    expect((await cardOf('2026-11-12', '刘建国'))!.header.title).toBe('今日简报 11月12日（周四）：一切正常');
  });

  it('"今日简报" through the inbox: privately to a leader, the whole agency to an admin, politely refused to others', async () => {
    clock.set('2026-11-12T02:00:00Z'); // 10:00
    // Something to report again: the topic items are due on the 30th, but the first branch's member undoes.
    await say('张伟', '撤销');
    await say('陈志远', '今日简报', 'chat-group-1');
    const chen = await lastReplyTo('陈志远');
    expect(chen.kind).toBe('person'); // asked in a group, answered privately
    expect(chen.card.kind).toBe('leader-digest');
    expect(chen.card.header).toMatchObject({ title: '今日简报 11月12日（周四）：一切正常', subtitle: `分管：${B.b2}、${B.b3}` });

    await say('周晓燕', '今日简报');
    const admin = (await lastReplyTo('周晓燕')).card;
    expect(admin.header.subtitle).toBe('全机关 5 个党支部');

    await say('张伟', '今日简报');
    const member = (await lastReplyTo('张伟')).card;
    expect(member.header.title).toBe('今日简报仅供领导查看');
    expect(member.kind).not.toBe('leader-digest');
    await say('张伟', '简报无异常时不发');
    expect((await lastReplyTo('张伟')).card.header.title).toBe('每日简报仅发送给领导');

    // 张伟's undo is in the figures at once: the first branch's month total done went down by one.
    const f = await figuresFor('刘建国', '2026-11-12', 'agency');
    expect(f.branches.map((b) => ({ name: b.name, month_total: b.monthTotal, month_done: b.monthDone, overdue: b.overdue }))).toEqual(await reference('2026-11-12'));
  });

  it('the job on its own: one statement set for every leader, a re-run the same day sends nothing', async () => {
    const res = await runLeaderDigest(deps, morning(12));
    expect(res).toMatchObject({ date: '2026-11-12', leaders: 2, enqueued: 0 });
  });

  /** A leader's 分管范围 rows as stored. */
  async function scopeRows(who: string): Promise<(number | null)[]> {
    return (await q<{ id: number | null }>(sql`select scope_unit_id as id from person_roles where person_id = ${ids[who]!} and role = 'leader' order by 1`)).map((r) => r.id);
  }
});
