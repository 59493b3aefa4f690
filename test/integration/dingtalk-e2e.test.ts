import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { applyCardUpdate, type FakeCard } from '../fakes/dingtalk-api-cards.js';
import type { PushRecord } from '../fakes/dingtalk-gateway.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { DT_CLIENT_ID, DT_CLIENT_SECRET, DT_TEMPLATE_ID, startDingtalkServer, type RunningDingtalkServer } from '../support/dingtalk-server.js';
import { countWhere, eventually } from '../support/messaging.js';

/**
 * End to end through the fakes (dingtalk.md §10): the real server with the DingTalk adapter, the fake Stream gateway
 * pushing robot messages and card callbacks over a real socket, the fake OpenAPI receiving what the outbox sends.
 * Monthly topic → cards (template) or action cards (none) → member clicks/replies → exactly one record each.
 */
const ROBOT = '/v1.0/im/bot/messages/get';
const CARD = '/v1.0/card/instances/callback';
const WAIT = 15_000;

let seq = 0;
function robotMessage(s: RunningDingtalkServer, o: { staffId: string; text: string; group?: string }): Record<string, unknown> {
  const createAt = s.clock.now().getTime();
  const conversationId = o.group ?? `cidP2P${o.staffId}==`;
  return {
    msgId: `msg${++seq}==`, msgtype: 'text', text: { content: o.group ? ` ${o.text}` : o.text }, conversationId,
    conversationType: o.group ? '2' : '1', ...(o.group ? { conversationTitle: '第一党支部群', isInAtList: true } : {}),
    senderStaffId: o.staffId, senderId: `$:LWCP_v1:$${o.staffId}`, senderNick: o.staffId, chatbotCorpId: 'dingcorp', chatbotUserId: '$:LWCP_v1:$bot',
    robotCode: DT_CLIENT_ID, isAdmin: false, createAt, ...s.api.createSession(conversationId, createAt),
  };
}

const records = (t: TestDatabase) => countWhere(t.database, sql`select count(*) as n from completion_records where action = 'complete'`);
const inboxCount = (t: TestDatabase) => countWhere(t.database, sql`select count(*) as n from inbox_events where platform = 'dingtalk'`);

async function pushAndAck(s: RunningDingtalkServer, topic: string, data: unknown): Promise<PushRecord> {
  const rec = s.gateway.push(topic, data);
  if (!rec) throw new Error('no connection subscribed');
  await s.gateway.waitForAck(rec, 3000);
  return rec;
}

describe.each([
  { name: 'with a card template', template: true },
  { name: 'without a template (action cards + markdown)', template: false },
])('DingTalk end to end, $name', ({ template }) => {
  let t: TestDatabase;
  let s: RunningDingtalkServer;

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await startDingtalkServer(t.database, { template, gateway: { redeliverAfterMs: 0 } });
    await seedDemo(t.database, s.clock);
  });
  afterAll(async () => {
    await s?.stop();
    await t?.drop();
  });

  it('is ready once the stream is open', async () => {
    const res = await fetch(`${s.url}/readyz`);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks['dingtalk-stream']).toMatchObject({ ok: true });
  });

  it('pushes the monthly topic to every member', async () => {
    const out = await pushTopic(s.jobDeps, '2026-11', s.clock.now());
    expect(out).toMatchObject({ status: 'pushed', unreachable: 0 });
    const members = out.status === 'pushed' ? out.members + out.branchLists : 0;
    if (template) {
      expect(await eventually(async () => s.api.cards.size === members, WAIT)).toBe(true);
      const card = [...s.api.cards.values()].find((c) => c.openSpaceId === 'dtv1.card//IM_ROBOT.dt_zhangwei')!;
      expect(card).toMatchObject({ cardTemplateId: DT_TEMPLATE_ID, callbackType: 'STREAM' });
      expect(card.cardData.kind).toBe('monthly-topic');
      expect(card.privateData.get('dt_zhangwei')).toMatchObject({ hasMyStatus: 'false' });
      expect(s.api.cardProblems).toEqual([]);
      expect(s.api.robotMessages).toEqual([]);
    } else {
      expect(await eventually(async () => s.api.robotMessages.length === members, WAIT)).toBe(true);
      const msg = s.api.robotMessages.find((m) => m.userId === 'dt_zhangwei' && m.msgKey.startsWith('sampleActionCard'))!;
      // Three 必学 items and two materials do not all fit the 5 buttons (§3.3): the item buttons (dtmd reply links)
      // give way to the typed-reply hint, the materials and the H5 link stay (cards/README.md, degradation 1).
      expect(msg.msgParam.text).toContain('回复序号即可，如“已学习 1、2”');
      expect(msg.msgParam.actionURL3).toMatch(/^https?:\/\//);
      expect(msg.msgParam.actionTitle3).toBe('查看本月主题');
      expect(s.api.cards.size).toBe(0);
    }
  });

  it('a member completes item 1 (card click with a template, the reply button without): one record, the answer in < 2 s', async () => {
    const before = await records(t);
    if (template) {
      const card: FakeCard = [...s.api.cards.values()].find((c) => c.openSpaceId === 'dtv1.card//IM_ROBOT.dt_zhangwei')!;
      const items = JSON.parse(String(card.cardData.items)) as { actionRef: string }[];
      const click = {
        type: 'actionCallback', outTrackId: card.outTrackId, corpId: 'dingcorp', userId: 'dt_zhangwei', userIdType: 1, spaceType: 'IM_ROBOT', spaceId: 'dt_zhangwei',
        content: JSON.stringify({ cardPrivateData: { actionIds: ['item-button'], params: { action: items[0]!.actionRef, card: String(card.cardData.cardKey) } } }),
      };
      const rec = await pushAndAck(s, CARD, click);
      // §4.5: answered within 2 s, with the updated card in the ACK.
      expect(rec.ackedAt! - rec.sentAt).toBeLessThan(2000);
      const response = (rec.ack!.data as { response: { cardData: { cardParamMap: Record<string, string> }; cardUpdateOptions?: { updateCardDataByKey?: boolean } } }).response;
      expect(response.cardData.cardParamMap.kind).toBe('completion');
      applyCardUpdate(card, { ...response, userId: 'dt_zhangwei' });
      expect(card.cardData.kind).toBe('completion');
      // A re-push of the same click (§1.5) is the same event: answered, nothing recorded twice.
      const again = s.gateway.repush(rec)!;
      await s.gateway.waitForAck(again, 3000);
      expect(again.ack!.data).toEqual({ response: {} });
    } else {
      const sessions = s.api.webhookMessages.length;
      const rec = await pushAndAck(s, ROBOT, robotMessage(s, { staffId: 'dt_zhangwei', text: '已学习 1' }));
      expect(rec.ack!.data).toEqual({ response: null });
      // The reply goes back through the conversation's still-valid sessionWebhook (§3.2).
      expect(await eventually(async () => s.api.webhookMessages.length === sessions + 1, WAIT)).toBe(true);
      const again = s.gateway.repush(rec)!;
      await s.gateway.waitForAck(again, 3000);
    }
    expect(await eventually(async () => (await records(t)) === before + 1, WAIT)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await records(t)).toBe(before + 1);
  });

  it('a typed reply, re-pushed by DingTalk, is recorded once', async () => {
    const before = await records(t);
    const inbox = await inboxCount(t);
    const rec = await pushAndAck(s, ROBOT, robotMessage(s, { staffId: 'dt_zhangwei', text: '已学习 2' }));
    await s.gateway.waitForAck(s.gateway.repush(rec)!, 3000);
    expect(await eventually(async () => (await records(t)) === before + 1, WAIT)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await records(t)).toBe(before + 1);
    expect(await inboxCount(t)).toBe(inbox + 1);
    if (template) {
      // The reply card went out as an interactive card to the 1:1 chat.
      expect(await eventually(async () => [...s.api.cards.values()].some((c) => c.openSpaceId === 'dtv1.card//IM_ROBOT.dt_zhangwei' && c.cardData.kind === 'completion'), WAIT)).toBe(true);
    }
  });

  it('group @mentions: the secretary gets 支部进度 in the group; a member’s 帮助 is answered privately', async () => {
    const group = 'cidGROUPbranch1==';
    await pushAndAck(s, ROBOT, robotMessage(s, { staffId: 'dt_wanghaifeng', text: '支部进度', group }));
    await pushAndAck(s, ROBOT, robotMessage(s, { staffId: 'dt_zhaolijuan', text: '帮助', group }));
    if (template) {
      expect(await eventually(async () => [...s.api.cards.values()].some((c) => c.openSpaceId === `dtv1.card//IM_GROUP.${group}`), WAIT)).toBe(true);
      const progress = [...s.api.cards.values()].find((c) => c.openSpaceId === `dtv1.card//IM_GROUP.${group}`)!;
      expect(String(progress.cardData.title)).toContain('完成情况');
      expect(await eventually(async () => [...s.api.cards.values()].some((c) => c.openSpaceId === 'dtv1.card//IM_ROBOT.dt_zhaolijuan' && String(c.cardData.kind) === 'help'), WAIT)).toBe(true);
    } else {
      expect(await eventually(async () => s.api.webhookMessages.some((m) => m.conversationId === group), WAIT)).toBe(true);
      const inGroup = s.api.webhookMessages.filter((m) => m.conversationId === group);
      expect(inGroup).toHaveLength(1);
      expect(JSON.stringify(inGroup[0]!.body)).toContain('完成情况');
      // The group's webhook would post into the group: the private help goes through batchSend instead.
      expect(await eventually(async () => s.api.robotMessages.some((m) => m.userId === 'dt_zhaolijuan' && m.msgParam.title === '党建助手使用说明'), WAIT)).toBe(true);
    }
  });

  it('never logs the secret, tokens or sessionWebhook URLs', () => {
    expect(s.logs.text).not.toContain(DT_CLIENT_SECRET);
    expect(s.logs.text).not.toContain('sendBySession?session=');
    for (const token of s.api.tokensIssued) expect(s.logs.text).not.toContain(token);
  });
});

describe('DingTalk card callback answered late', () => {
  let t: TestDatabase;
  let s: RunningDingtalkServer;

  beforeAll(async () => {
    t = await createTestDatabase();
    // Handling takes 300 ms but the ACK must leave after 100 ms: it goes out empty, the update comes by PUT (§4.3, §4.5).
    s = await startDingtalkServer(t.database, { template: true, handlerDelayMs: 300, tuning: { callbacks: { cardHardAckMs: 100 } } });
    await seedDemo(t.database, s.clock);
  });
  afterAll(async () => {
    await s?.stop();
    await t?.drop();
  });

  it('ACKs empty at once, then updates the clicked card with PUT /v1.0/card/instances', async () => {
    await pushTopic(s.jobDeps, '2026-11', s.clock.now());
    expect(await eventually(async () => s.api.cards.has(outTrackOf(s, 'dt_sunhao')), WAIT)).toBe(true);
    const card = s.api.cards.get(outTrackOf(s, 'dt_sunhao'))!;
    const items = JSON.parse(String(card.cardData.items)) as { actionRef: string }[];
    const rec = await pushAndAck(s, CARD, {
      type: 'actionCallback', outTrackId: card.outTrackId, userId: 'dt_sunhao', spaceType: 'IM_ROBOT', spaceId: 'dt_sunhao',
      content: JSON.stringify({ cardPrivateData: { actionIds: ['b'], params: { action: items[1]!.actionRef, card: String(card.cardData.cardKey) } } }),
    });
    expect(rec.ack!.data).toEqual({ response: {} });
    expect(rec.ackedAt! - rec.sentAt).toBeLessThan(300);
    expect(await eventually(async () => card.updates === 1, WAIT)).toBe(true);
    expect(card.cardData.kind).toBe('completion');
    expect(await records(t)).toBe(1);
  });
});

function outTrackOf(s: RunningDingtalkServer, userId: string): string {
  return [...s.api.cards.values()].find((c) => c.openSpaceId === `dtv1.card//IM_ROBOT.${userId}`)?.outTrackId ?? '';
}
