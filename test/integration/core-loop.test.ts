import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../cards/model.js';
import { conversationHandler } from '../../src/conversation.js';
import { rows } from '../../src/db/migrate.js';
import { calendarOverrideStore } from '../../src/db/repositories/calendar.js';
import { seedDemo } from '../../src/demo.js';
import { createCalendar } from '../../src/domain/calendar.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { InboundEvent } from '../../src/domain/messaging/types.js';
import { linkSigner } from '../../src/h5/link-signer.js';
import { handleInbound, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { monthlyTopicPushJob, pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { createLogger } from '../../src/log.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { createSandboxPlatform } from '../../adapters/sandbox/platform.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { LogCapture } from '../support/app.js';

/**
 * A member's month, through the real inbox, conversation, repositories and outbox, on the real database:
 * the topic reaches everyone, clicks and replies become exactly one record each, undo and extensions work,
 * and nobody completes someone else's item.
 */
describe('core loop: topic, replies, records', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-02T01:00:00Z'); // Monday 2 November 2026, 09:00 in Shanghai
  const tz = 'Asia/Shanghai';
  const links = linkSigner({ secret: 'x'.repeat(40), publicBaseUrl: 'http://h5.test', clock });
  let inbox: InboxDeps;
  let seq = 0;

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const count = async (table: string, where = sql`true`): Promise<number> =>
    (await q<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`))[0]!.n;
  const idOf = async (name: string): Promise<number> => (await q<{ id: number }>(sql`select id from people where name = ${name}`))[0]!.id;
  const lastCardTo = async (personId: number): Promise<Card> => {
    const [r] = await q<{ message: { card: Card } }>(sql`select message from outbox where recipient = ${String(personId)} order by id desc limit 1`);
    return r!.message.card;
  };
  const say = (from: number, text: string, eventId = `e${++seq}`): InboundEvent => ({
    platform: 'sandbox', eventId, kind: 'message', senderId: String(from), text, occurredAt: clock.now().toISOString(),
  });
  const click = (from: number, actionId: string, payload: Record<string, string>, eventId = `c${++seq}`): InboundEvent => ({
    platform: 'sandbox', eventId, kind: 'action', senderId: String(from), action: { actionId, payload }, occurredAt: clock.now().toISOString(),
  });
  const deliver = (e: InboundEvent) => handleInbound(inbox, e, { softDeadlineMs: 10_000, passiveReplies: 0 });

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.database, clock, tz);
    inbox = { database: t.database, clock, logger: createLogger({ level: 'silent', destination: new LogCapture() }), handler: conversationHandler({ links, timezone: tz, clock }) };
  });
  afterAll(async () => t.drop());

  it('pushes the topic on the first working day to every active member, once', async () => {
    const calendar = createCalendar(tz, calendarOverrideStore(t.database.db));
    const runner = new JobRunner(
      { database: t.database, clock, calendar, logger: inbox.logger, publicBaseUrl: 'http://h5.test', timezone: tz, links, platforms: ['sandbox'], topicPushTime: '09:00' },
      [monthlyTopicPushJob('09:00')],
      'test',
    );
    // 1 November 2026 is a Sunday: rest day, skipped; 2 November is the first working day.
    expect(await runner.fire('monthly-topic-push', new Date('2026-11-01T01:00:00Z'))).toMatchObject({ ran: false, reason: 'rest-day' });
    const res = await runner.fire('monthly-topic-push', new Date('2026-11-02T01:00:00Z'));
    expect(res).toMatchObject({ ran: true, status: 'succeeded', result: { status: 'pushed', unreachable: 0 } });
    const members = await count('people', sql`active`);
    expect(await count('outbox', sql`idempotency_key like 'topic:2026-11:%'`)).toBe(members);
    expect(await count('assignments', sql`person_id is not null`)).toBe(members * 3);
    // The next day is not the first working day; a manual re-push sends nothing new.
    expect(await runner.fire('monthly-topic-push', new Date('2026-11-03T01:00:00Z'))).toMatchObject({ ran: true, result: { status: 'not-first-workday' } });
    await pushTopic({ database: t.database, timezone: tz, links, platforms: ['sandbox'] }, '2026-11', clock.now());
    expect(await count('outbox', sql`idempotency_key like 'topic:2026-11:%'`)).toBe(members);
    // Dispatched through the real outbox to the sandbox messenger: one topic card in each member's chat.
    const dispatcher = new OutboxDispatcher({ database: t.database, clock, logger: inbox.logger, platforms: [createSandboxPlatform({ database: t.database, clock })] });
    while ((await dispatcher.runOnce()) > 0);
    const perPerson = await q<{ n: number }>(sql`select count(*)::int as n from sandbox_messages where direction = 'out' and card->>'kind' = 'monthly-topic' group by conversation`);
    expect(perPerson).toHaveLength(members);
    expect(perPerson.every((r) => r.n === 1)).toBe(true);
  });

  it('a text reply records exactly one completion, even when the event arrives repeatedly', async () => {
    const zhang = await idOf('张伟');
    const e = say(zhang, '2 已学习');
    const outcomes = await Promise.all([deliver(e), deliver(e), deliver(e)]);
    expect(outcomes.filter((o) => o.duplicate)).toHaveLength(2);
    expect(await count('completion_records', sql`person_id = ${zhang} and action = 'complete'`)).toBe(1);
    const card = await lastCardTo(zhang);
    expect(card.kind).toBe('completion');
    expect(card.header.subtitle).toBe('观看专题党课视频');
    // A new message about the same item: says so, records nothing.
    await deliver(say(zhang, '完成 2'));
    expect(await count('completion_records', sql`person_id = ${zhang}`)).toBe(1);
    expect((await lastCardTo(zhang)).fallbackText).toContain('无需重复登记');
  });

  it('a card click records once; undo revokes with a new record; the item is open again', async () => {
    const li = await idOf('李秀梅');
    const [a] = await q<{ id: number }>(sql`select a.id from assignments a join plan_items i on i.id = a.item_id where a.person_id = ${li} and i.path = '必学1'`);
    const e = click(li, 'learned', { item: String(a!.id) });
    await deliver(e);
    await deliver(e);
    const [rec] = await q<{ id: number; source: string }>(sql`select id, source from completion_records where person_id = ${li}`);
    expect(rec).toMatchObject({ source: 'card' });
    await deliver(click(li, 'undo', { record: String(rec!.id) }));
    const recs = (await q<{ action: string; revokes_id: number | string | null }>(sql`select action, revokes_id from completion_records where person_id = ${li} order by id`))
      .map((r) => ({ action: r.action, revokes_id: r.revokes_id === null ? null : Number(r.revokes_id) }));
    expect(recs).toEqual([{ action: 'complete', revokes_id: null }, { action: 'revoke', revokes_id: Number(rec!.id) }]);
    await deliver(say(li, '我的任务'));
    expect((await lastCardTo(li)).fallbackText).toMatch(/1\. ○ 原原本本学习全会公报/);
  });

  it('nobody can complete another person\'s item, by button or otherwise', async () => {
    const zhao = await idOf('赵丽娟');
    const [other] = await q<{ id: number }>(sql`select a.id from assignments a join people p on p.id = a.person_id where p.name = '孙浩' limit 1`);
    const before = await count('completion_records');
    await deliver(click(zhao, 'complete', { item: String(other!.id) }));
    expect(await count('completion_records')).toBe(before);
    expect((await lastCardTo(zhao)).fallbackText).toContain('不是您的任务');
  });

  it('a number that is not on the person\'s last list gets the valid numbers, and nothing is recorded', async () => {
    const zhao = await idOf('赵丽娟');
    const before = await count('completion_records');
    await deliver(say(zhao, '完成 7'));
    expect(await count('completion_records')).toBe(before);
    expect((await lastCardTo(zhao)).fallbackText).toContain('清单上没有第 7 项');
  });

  it('an extension request goes privately to the branch secretary; the decision comes back to the member', async () => {
    const sun = await idOf('孙浩');
    const secretary = await idOf('王海峰');
    await deliver(say(sun, '申请延期 3 到12月10日 理由：下乡调研'));
    const [ext] = await q<{ id: number; status: string }>(sql`select id, status from extension_requests where person_id = ${sun}`);
    expect(ext).toMatchObject({ status: 'pending' });
    const toSecretary = await lastCardTo(secretary);
    expect(toSecretary.kind).toBe('extension-request');
    expect(toSecretary.fallbackText).toContain(`同意延期 Y${ext!.id}`);
    // Another branch's secretary may not decide.
    const otherSecretary = (await q<{ id: number }>(sql`
      select p.id from people p join person_roles r on r.person_id = p.id
      where r.role = 'secretary' and p.id <> ${secretary} limit 1`))[0]!.id;
    await deliver(say(otherSecretary, `同意延期 Y${ext!.id}`));
    expect((await q<{ status: string }>(sql`select status from extension_requests where id = ${ext!.id}`))[0]!.status).toBe('pending');
    await deliver(click(secretary, 'approve-extension', { request: String(ext!.id) }));
    expect((await q<{ status: string }>(sql`select status from extension_requests where id = ${ext!.id}`))[0]!.status).toBe('approved');
    expect((await lastCardTo(sun)).fallbackText).toContain('已同意，截止日期延至 2026-12-10');
  });

  it('answers an unclear message with help at most once an hour', async () => {
    const sun = await idOf('孙浩');
    const helpCards = () => count('outbox', sql`recipient = ${String(sun)} and message->'card'->>'kind' = 'help' and message->'card'->'header'->>'title' = '党建助手使用说明'`);
    const before = await helpCards();
    await deliver(say(sun, '收到'));
    await deliver(say(sun, '好的'));
    expect(await helpCards()).toBe(before + 1);
    clock.advance(61 * 60_000);
    await deliver(say(sun, '嗯'));
    expect(await helpCards()).toBe(before + 2);
  });

  it('writes every record to the audit log', async () => {
    expect(await count('audit_log', sql`action = 'completion.record'`)).toBe(await count('completion_records', sql`action = 'complete'`));
    expect(await count('audit_log', sql`action = 'completion.revoke'`)).toBe(await count('completion_records', sql`action = 'revoke'`));
  });
});
