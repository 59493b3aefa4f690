import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../cards/model.js';
import { conversationHandler } from '../../src/conversation.js';
import { rows } from '../../src/db/migrate.js';
import { linkChatBranches, saveScheme, setShowRanks } from '../../src/db/repositories/scoring-admin.js';
import { scoringStore } from '../../src/db/repositories/scoring-store.js';
import { seedDemo } from '../../src/demo.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { InboundEvent } from '../../src/domain/messaging/types.js';
import { schemeFromJson, requireScheme } from '../../src/domain/scoring/scheme.js';
import { saveScorerSheet } from '../../src/domain/scoring/sheet-service.js';
import type { SheetEntry } from '../../src/domain/scoring/types.js';
import { linkSigner } from '../../src/h5/link-signer.js';
import { handleInbound, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import { closeDueRounds } from '../../src/jobs/scoring-deadlines.js';
import { createLogger } from '../../src/log.js';
import { LogCapture } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * 互观互检 through the real inbox, conversation router, repositories and outbox on the sandbox platform: a round
 * started in a group, sheets, progress with private nudges, close, review, publish, results and reports; the
 * deadline job; quick scoring on a card; and every refusal changing nothing.
 */
describe('互观互检 in a group chat (sandbox)', { timeout: 180_000 }, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z'); // Monday 23 November 2026, 09:00 in Shanghai
  const tz = 'Asia/Shanghai';
  const links = linkSigner({ secret: 'x'.repeat(40), publicBaseUrl: 'http://h5.test', clock });
  let inbox: InboxDeps;
  let seq = 0;

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const count = async (table: string, where = sql`true`): Promise<number> =>
    (await q<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`))[0]!.n;
  const idOf = async (name: string): Promise<number> => (await q<{ id: number }>(sql`select id from people where name = ${name}`))[0]!.id;
  const cardsTo = async (recipient: string, after = 0): Promise<Card[]> =>
    (await q<{ message: { type: string; card: Card } }>(sql`select message from outbox where recipient = ${recipient} and id > ${after} order by id`)).map((r) => r.message.card);
  const lastOutboxId = async (): Promise<number> => Number((await q<{ id: string | number | null }>(sql`select max(id) as id from outbox`))[0]!.id ?? 0);
  const inChat = (from: number, chat: string, text: string, eventId = `g${++seq}`): InboundEvent => ({
    platform: 'sandbox', eventId, kind: 'message', senderId: String(from), chatId: chat, text, occurredAt: clock.now().toISOString(),
  });
  const click = (from: number, actionId: string, payload: Record<string, string>, values?: Record<string, string[]>): InboundEvent => ({
    platform: 'sandbox', eventId: `c${++seq}`, kind: 'action', senderId: String(from), action: { actionId, payload, ...(values ? { values } : {}) }, occurredAt: clock.now().toISOString(),
  });
  const deliver = (e: InboundEvent) => handleInbound(inbox, e, { softDeadlineMs: 10_000, passiveReplies: 0 });
  const store = () => scoringStore(t.database.db);

  const SECRETARIES = ['王海峰', '何建华', '徐红', '曹立新', '蒋红梅'];
  let sec: number[] = [];
  let admin = 0;
  let member = 0;
  let committeeSecretary = 0;
  let branchIds: number[] = [];

  /** A complete, valid sheet whose numbers differ by scorer and target. */
  const fullSheet = (k: number): SheetEntry[] => [
    { itemId: '1.1', points: 8 - (k % 3) }, { itemId: '1.2', points: 7 }, { itemId: '1.3', points: 5 },
    { itemId: '1.4', points: k % 2 === 0 ? 2 : 0, reason: k % 2 === 0 ? '10月支委会未按期召开' : null },
    { itemId: '2.1', points: 8 }, { itemId: '2.2', points: 6 - (k % 2) },
    { itemId: '3.1', points: 10 - (k % 4) }, { itemId: '3.2', points: 9 }, { itemId: '3.3', points: 0 },
    { itemId: '4.1', points: 8 }, { itemId: '4.2', points: 6 }, { itemId: '4.3', points: 5 },
    { itemId: '5.1', points: 0 }, { itemId: '5.2', points: 0 },
  ];

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.database, clock, tz);
    const scheme = requireScheme(schemeFromJson(JSON.parse(readFileSync('test/fixtures/scoring/scheme-five-types.json', 'utf8'))));
    await saveScheme(t.database.db, scheme, { actor: 'test', at: clock.now() });
    sec = await Promise.all(SECRETARIES.map(idOf));
    admin = await idOf('周晓燕');
    member = await idOf('张伟');
    // The 机关党委书记, whose sheets are the 点评分 (the demo org has none).
    const [committee] = await q<{ id: number }>(sql`select id from org_units where kind = 'committee'`);
    const [p] = await q<{ id: number }>(sql`insert into people (name, unit_id) values ('邵国平', ${committee!.id}) returning id`);
    committeeSecretary = p!.id;
    await t.database.db.execute(sql`insert into person_roles (person_id, role) values (${committeeSecretary}, 'secretary')`);
    branchIds = (await q<{ id: number }>(sql`select id from org_units where kind = 'branch' order by id`)).map((r) => r.id);
    inbox = { database: t.database, clock, logger: createLogger({ level: 'silent', destination: new LogCapture() }), handler: conversationHandler({ links, timezone: tz, clock }) };
  });
  afterAll(async () => t.drop());

  it('refuses a member who is not a secretary and creates nothing', async () => {
    const before = await lastOutboxId();
    await deliver(inChat(member, 'committee', '开始互观互检 2026年第四季度'));
    expect(await count('scoring_rounds')).toBe(0);
    const [reply] = await cardsTo('committee', before);
    expect(reply!.fallbackText).toContain('只有支部书记或机关党委管理员可以发起');
  });

  let roundId = 0;
  it('starts a round from the group: announcement in the group, a private invitation to every scorer', async () => {
    const before = await lastOutboxId();
    const start = inChat(sec[0]!, 'committee', '开始互观互检 2026年第四季度', 'start-1');
    await deliver(start);
    const [round] = await q<{ id: number; title: string; status: string; policy_version: string; closes_at: string }>(sql`select id, title, status, policy_version, closes_at::text from scoring_rounds`);
    expect(round).toMatchObject({ title: '2026年第四季度', status: 'open', policy_version: '2026.1' });
    roundId = round!.id;
    // Seven days later at 18:00 Beijing time.
    expect(new Date(round!.closes_at).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(await count('scoring_round_branches', sql`round_id = ${roundId}`)).toBe(5);
    const scorers = await q<{ person_id: number; role: string; branch_id: number | null }>(sql`select person_id, role, branch_id from scoring_round_scorers where round_id = ${roundId} order by person_id`);
    expect(scorers.filter((s) => s.role === 'peer').map((s) => s.person_id).sort()).toEqual([...sec].sort());
    expect(scorers.filter((s) => s.role === 'committee').map((s) => s.person_id)).toEqual([committeeSecretary]);

    const group = await cardsTo('committee', before);
    expect(group).toHaveLength(1);
    expect(group[0]!.kind).toBe('scoring-round');
    expect(group[0]!.fallbackText).toContain('0/25'); // 5 secretaries × 4 branches + the committee secretary × 5
    expect(group[0]!.fallbackText).toContain('评分人：各支部书记5人、机关党委1人');
    const invite = (await cardsTo(String(sec[1]), before)).find((c) => c.key.endsWith(':invite'))!;
    expect(invite.fallbackText).toContain('请为 4 个支部评分');
    expect(invite.fallbackText).not.toContain('第二党支部'); // 何建华's own branch: 回避
    expect(invite.link!.url).toMatch(/^http:\/\/h5\.test\/h5\/scoring\/sheets\?t=.+&r=\d+$/);

    // The same event again (a platform retry): nothing new.
    const rowsBefore = await count('outbox');
    await deliver(start);
    expect(await count('scoring_rounds')).toBe(1);
    expect(await count('outbox')).toBe(rowsBefore);
  });

  it('refuses a second round in the same chat while one is open', async () => {
    const before = await lastOutboxId();
    await deliver(inChat(sec[2]!, 'committee', '开始互观互检 另一轮'));
    expect(await count('scoring_rounds')).toBe(1);
    expect((await cardsTo('committee', before))[0]!.fallbackText).toContain('本群已有进行中的互观互检');
  });

  it('keeps scorers off their own branch and checks every sheet', async () => {
    await expect(saveScorerSheet(store(), { roundId, personId: sec[0]!, branchId: branchIds[0]!, entries: fullSheet(1), comment: null, submit: true, source: 'h5', now: clock.now() })).rejects.toThrow(/回避/);
    await expect(saveScorerSheet(store(), { roundId, personId: member, branchId: branchIds[1]!, entries: fullSheet(1), comment: null, submit: true, source: 'h5', now: clock.now() })).rejects.toThrow(/不是.*评分人/);
    const bad = fullSheet(2).map((e) => (e.itemId === '1.4' ? { ...e, reason: '' } : e));
    await expect(saveScorerSheet(store(), { roundId, personId: sec[0]!, branchId: branchIds[1]!, entries: bad, comment: null, submit: true, source: 'h5', now: clock.now() })).rejects.toThrow(/扣分理由/);
    const over = fullSheet(1).map((e) => (e.itemId === '1.1' ? { ...e, points: 9 } : e));
    await expect(saveScorerSheet(store(), { roundId, personId: sec[0]!, branchId: branchIds[1]!, entries: over, comment: null, submit: true, source: 'h5', now: clock.now() })).rejects.toThrow(/0到8分/);
    expect(await count('scoring_sheets')).toBe(0);
    // A draft may be incomplete; a later submit replaces it and keeps the revision count.
    const draft = await saveScorerSheet(store(), { roundId, personId: sec[0]!, branchId: branchIds[1]!, entries: [{ itemId: '1.1', points: 6 }], comment: null, submit: false, source: 'h5', now: clock.now() });
    expect(draft.sheet).toMatchObject({ status: 'draft', revision: 1, totalCents: null });
  });

  it('reports progress in the group by counts only and nudges the people behind privately', async () => {
    // Everyone but 蒋红梅 submits everything; the committee secretary comments on every branch.
    let k = 0;
    for (const [i, person] of sec.entries()) {
      if (i === 4) continue;
      for (const b of branchIds) if (b !== branchIds[i]) await saveScorerSheet(store(), { roundId, personId: person, branchId: b, entries: fullSheet(k++), comment: null, submit: true, source: 'h5', now: clock.now() });
    }
    for (const b of branchIds) await saveScorerSheet(store(), { roundId, personId: committeeSecretary, branchId: b, entries: fullSheet(b), comment: '基础扎实', submit: true, source: 'h5', now: clock.now() });
    const before = await lastOutboxId();
    await deliver(inChat(sec[0]!, 'committee', '@党建助手 打分进度'));
    const group = await cardsTo('committee', before);
    expect(group).toHaveLength(1);
    expect(group[0]!.fallbackText).toContain('21/25');
    expect(group[0]!.fallbackText).not.toContain('蒋红梅');
    const nudge = await cardsTo(String(sec[4]), before);
    expect(nudge[0]!.status).toContain('还有 4 个支部未提交');
    expect(await cardsTo(String(sec[0]), before)).toHaveLength(0);
    // Asked again the same day: no second nudge.
    const again = await lastOutboxId();
    await deliver(inChat(sec[1]!, 'committee', '打分进度'));
    expect((await cardsTo(String(sec[4]), again)).map((c) => c.key)).toEqual([]);
  });

  it('lets only the starter or an admin close; closing computes results and asks the admins to review', async () => {
    const before = await lastOutboxId();
    await deliver(inChat(sec[3]!, 'committee', '结束互观互检'));
    expect((await q<{ status: string }>(sql`select status from scoring_rounds where id = ${roundId}`))[0]!.status).toBe('open');
    expect((await cardsTo('committee', before))[0]!.fallbackText).toContain('只有发起人或机关党委管理员可以结束');

    await deliver(inChat(sec[0]!, 'committee', '结束互观互检'));
    expect((await q<{ status: string; closed_by: string }>(sql`select status, closed_by from scoring_rounds where id = ${roundId}`))[0]).toEqual({ status: 'closed', closed_by: `person:${sec[0]}` });
    const [res] = await q<{ policy_version: string; result: { branches: { branchName: string; peerScores: number[]; committeeScore: number | null; explanation: string; stars: number }[] } }>(sql`select policy_version, result from scoring_results where round_id = ${roundId}`);
    expect(res!.policy_version).toBe('2026.1');
    const first = res!.result.branches.find((b) => b.branchName.startsWith('第一'))!;
    // 第一党支部 was scored by the three other secretaries who submitted (蒋红梅 did not), the committee commented.
    expect(first.peerScores).toHaveLength(3);
    expect(first.committeeScore).not.toBeNull();
    expect(first.explanation).toContain('机关党委点评');
    const group = await cardsTo('committee', before);
    expect(group.at(-1)!.status).toContain('结果经机关党委审核后公布');
    const review = (await cardsTo(String(admin), before)).find((c) => c.key === `scoring:${roundId}:review:${admin}`)!;
    expect(review.fallbackText).toContain('21/25');
    expect(review.actions.some((a) => a.type === 'callback' && a.id === 'scoring-publish')).toBe(true);
    // Not published yet: members asking for results are told to wait.
    const ask = await lastOutboxId();
    await deliver(inChat(member, 'committee', '互观互检结果'));
    expect((await cardsTo('committee', ask))[0]!.fallbackText).toContain('结果经机关党委审核后公布');
  });

  it('refuses sheets after close and changes nothing', async () => {
    const before = await count('scoring_sheets');
    await expect(saveScorerSheet(store(), { roundId, personId: sec[4]!, branchId: branchIds[0]!, entries: fullSheet(3), comment: null, submit: true, source: 'h5', now: clock.now() })).rejects.toThrow(/已结束评分/);
    expect(await count('scoring_sheets')).toBe(before);
  });

  it('publishes on the admin’s button: results card in the group, each branch secretary gets their report', async () => {
    const before = await lastOutboxId();
    await deliver(click(member, 'scoring-publish', { round: String(roundId) }));
    expect((await q<{ status: string }>(sql`select status from scoring_rounds where id = ${roundId}`))[0]!.status).toBe('closed');
    await deliver(click(admin, 'scoring-publish', { round: String(roundId) }));
    expect((await q<{ status: string }>(sql`select status from scoring_rounds where id = ${roundId}`))[0]!.status).toBe('published');
    const group = await cardsTo('committee', before);
    expect(group.map((c) => c.kind)).toEqual(['scoring-results']);
    expect(group[0]!.fallbackText).toMatch(/第一党支部（办公室）.*[★☆]/u);
    const report = (await cardsTo(String(sec[1]), before)).find((c) => c.key.includes(':report:'))!;
    expect(report.header.title).toBe('第二党支部（政策法规处）评定结果');
    expect(report.link!.url).toContain('/h5/scoring/report?t=');
    // Publishing twice sends nothing twice.
    const again = await count('outbox');
    await deliver(click(admin, 'scoring-publish', { round: String(roundId) }));
    expect(await count('outbox', sql`message->'card'->>'kind' = 'scoring-results' and recipient = 'committee'`)).toBe(1);
    expect(await count('outbox')).toBe(again + 1); // only the "already published" notice to the admin
    // Every step is in the audit log.
    const actions = (await q<{ action: string }>(sql`select action from audit_log where action like 'scoring.%' order by id`)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['scoring.round.start', 'scoring.sheet.save', 'scoring.sheet.submit', 'scoring.round.close', 'scoring.round.results', 'scoring.round.publish']));
  });

  it('closes a round at its deadline through the job', async () => {
    const [chat] = await q<{ id: number }>(sql`select id from chats where external_id = ${`branch-${branchIds[0]}`}`);
    await linkChatBranches(t.database.db, chat!.id, branchIds.slice(0, 3), { actor: 'test', at: clock.now() });
    await deliver(inChat(sec[0]!, `branch-${branchIds[0]}`, '开始互观互检 三个支部专项'));
    const [round] = await q<{ id: number; closes_at: string }>(sql`select id, closes_at::text from scoring_rounds where title = '三个支部专项'`);
    expect(await count('scoring_round_branches', sql`round_id = ${round!.id}`)).toBe(3);
    // Only the three branches' secretaries and the committee are scorers.
    expect(await count('scoring_round_scorers', sql`round_id = ${round!.id} and role = 'peer'`)).toBe(3);
    await saveScorerSheet(store(), { roundId: round!.id, personId: sec[1]!, branchId: branchIds[0]!, entries: fullSheet(1), comment: null, submit: true, source: 'h5', now: clock.now() });
    expect((await closeDueRounds({ database: t.database, links, timezone: tz }, clock.now())).closed).toEqual([]);
    const late = new Date(new Date(round!.closes_at).getTime() + 60_000);
    await expect(saveScorerSheet(store(), { roundId: round!.id, personId: sec[1]!, branchId: branchIds[2]!, entries: fullSheet(1), comment: null, submit: true, source: 'h5', now: late })).rejects.toThrow(/截止时间/);
    const run = await closeDueRounds({ database: t.database, links, timezone: tz }, late);
    expect(run.closed).toEqual([{ roundId: round!.id, title: '三个支部专项', submitted: 1, expected: 3 * 2 + 3 }]);
    // Missing 点评分 → computed on peers only, and the version says so.
    const [res] = await q<{ policy_version: string }>(sql`select policy_version from scoring_results where round_id = ${round!.id}`);
    expect(res!.policy_version).toBe('2026.1-peers-only');
    expect((await closeDueRounds({ database: t.database, links, timezone: tz }, late)).closed).toEqual([]);

    // Raw ranks stay hidden unless the admin enables them, which is possible until publishing.
    const visible = async (id: number) => (await q<{ v: boolean }>(sql`select (result->>'ranksVisible')::boolean as v from scoring_results where round_id = ${id}`))[0]!.v;
    expect(await visible(round!.id)).toBe(false);
    expect(await setShowRanks(t.database.db, round!.id, true, { actor: 'admin:test', at: late })).toBe('ok');
    expect(await visible(round!.id)).toBe(true);
    expect(await setShowRanks(t.database.db, roundId, true, { actor: 'admin:test', at: late })).toBe('published');
    expect(await visible(roundId)).toBe(false);
  });

  it('takes scores from a quick-score card for a small scheme', async () => {
    const small = requireScheme(schemeFromJson({
      name: '支部工作综合评价（简表）',
      total: 15,
      categories: [{ name: '综合评价', max: 15, items: [
        { id: 'q1', name: '组织生活', kind: 'plus', max: 5, required: true },
        { id: 'q2', name: '学习教育', kind: 'plus', max: 5, required: true },
        { id: 'q3', name: '作风建设', kind: 'plus', max: 5, required: true },
      ] }],
    }));
    await saveScheme(t.database.db, small, { actor: 'test', at: clock.now() });
    const [chat] = await q<{ id: number }>(sql`select id from chats where external_id = ${`branch-${branchIds[1]}`}`);
    await linkChatBranches(t.database.db, chat!.id, branchIds.slice(1, 4), { actor: 'test', at: clock.now() });
    const before = await lastOutboxId();
    await deliver(inChat(sec[1]!, `branch-${branchIds[1]}`, '开始互观互检 季度简评 方案：简表'));
    const [round] = await q<{ id: number; scheme_name: string }>(sql`select r.id, s.name as scheme_name from scoring_rounds r join scoring_schemes s on s.id = r.scheme_id where r.title = '季度简评'`);
    expect(round!.scheme_name).toBe('支部工作综合评价（简表）');
    const cards = await cardsTo(String(sec[1]), before);
    const quick = cards.filter((c) => c.key.includes(':quick:'));
    expect(quick).toHaveLength(2); // two other branches
    const submit = quick[0]!.actions.find((a) => a.type === 'submit');
    const target = Number(submit?.type === 'submit' ? submit.payload.branch : NaN);

    const after = await lastOutboxId();
    await deliver(click(sec[1]!, 'submit-sheet', { round: String(round!.id), branch: String(target) }, { 'item:q1': ['5'], 'item:q2': ['4'], 'item:q3': ['3'] }));
    const [sheet] = await q<{ status: string; total_cents: number; source: string }>(sql`select status, total_cents, source from scoring_sheets where round_id = ${round!.id} and scorer_id = ${sec[1]}`);
    expect(sheet).toEqual({ status: 'submitted', total_cents: 1200, source: 'card' });
    expect((await cardsTo(String(sec[1]), after))[0]!.status).toContain('已提交');
    // An option outside the item's range (a forged callback) is refused and changes nothing.
    await deliver(click(sec[1]!, 'submit-sheet', { round: String(round!.id), branch: String(target) }, { 'item:q1': ['9'], 'item:q2': ['4'], 'item:q3': ['3'] }));
    expect((await q<{ total_cents: number }>(sql`select total_cents from scoring_sheets where round_id = ${round!.id} and scorer_id = ${sec[1]}`))[0]!.total_cents).toBe(1200);
    // Own branch through a forged card: refused.
    await deliver(click(sec[1]!, 'submit-sheet', { round: String(round!.id), branch: String(branchIds[1]) }, { 'item:q1': ['5'], 'item:q2': ['5'], 'item:q3': ['5'] }));
    expect(await count('scoring_sheets', sql`round_id = ${round!.id} and target_unit_id = ${branchIds[1]}`)).toBe(0);
  });
});
