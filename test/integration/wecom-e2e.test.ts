import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { FakeWecomApi, type SentMessage } from '../fakes/wecom-api.js';
import { botTextJson, cardEventXml, enterAgentXml, postAppCallback, postBotCallback, textXml, verifyUrl } from '../fakes/wecom-callbacks.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startWecomServer, WECOM_TEST, type RunningWecomServer } from '../support/wecom-server.js';
import { DEMO_WECOM_IDS } from './wecom-demo-ids.js';

/**
 * The WeCom adapter end to end: the real server (inbox, conversation, outbox dispatcher, WeCom platform), the
 * real database with the demo organisation, the fake WeCom API, and callbacks signed and encrypted as WeCom
 * sends them.
 */
const APP = { token: WECOM_TEST.token, encodingAesKey: WECOM_TEST.encodingAesKey, receiveId: WECOM_TEST.corpId, agentId: WECOM_TEST.agentId };
const BOT = { token: WECOM_TEST.botToken, encodingAesKey: WECOM_TEST.botEncodingAesKey, receiveId: '' };
const WAIT = { timeout: 20_000, interval: 100 };

describe('WeCom adapter end to end (fake WeCom API, real server and database)', () => {
  let t: TestDatabase;
  let fake: FakeWecomApi;
  let server: RunningWecomServer;
  const count = async (q: ReturnType<typeof sql>): Promise<number> => Number(rows<{ n: number | string }>(await t.database.db.execute(q))[0]?.n ?? -1);
  const cards = (userid: string): SentMessage[] => fake.sentTo(userid).filter((m) => m.msgtype === 'template_card');
  const card = (m: SentMessage) => m.body.template_card as { task_id: string; card_type: string; main_title: { title: string }; sub_title_text?: string; button_list?: { key?: string; text: string }[] };

  beforeAll(async () => {
    t = await createTestDatabase();
    fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(DEMO_WECOM_IDS)).start();
    server = await startWecomServer(t.database, fake.url);
    await seedDemo(t.database, server.clock, server.deps.config.timezone);
    const month = '2026-11';
    const pushed = await pushTopic({ database: t.database, timezone: server.jobDeps.timezone, links: server.jobDeps.links, platforms: ['wecom'] }, month, server.clock.now());
    expect(pushed.status).toBe('pushed');
    await vi.waitFor(() => expect(cards('zhangwei').length).toBe(1), WAIT);
  }, 120_000);

  let logMark = 0;
  beforeEach(() => {
    logMark = server.logs.lines.length;
  });
  afterEach(() => {
    const errors = server.logs.lines.slice(logMark).filter((l) => /"level":(50|60)/.test(l));
    expect(errors.slice(0, 2), 'error lines in the server log').toEqual([]);
    expect(server.logs.text).not.toContain(WECOM_TEST.secret);
    for (const token of fake.tokens.keys()) expect(server.logs.text).not.toContain(token);
  });
  afterAll(async () => {
    await server?.stop();
    await fake?.stop();
    await t?.drop();
  }, 60_000);

  it('answers URL verification with the bare plaintext (app and smart bot, §3.1)', async () => {
    const app = await verifyUrl(server.url, '/wecom/callback', APP);
    expect(app).toMatchObject({ status: 200, body: app.expected });
    const bot = await verifyUrl(server.url, '/wecom/bot/callback', BOT);
    expect(bot).toMatchObject({ status: 200, body: bot.expected });
  });

  it('pushes the topic card as a button_interaction card with one task_id per member', () => {
    const topic = cards('zhangwei')[0]!;
    expect(card(topic).card_type).toBe('button_interaction');
    expect(topic.touser).toEqual(['zhangwei']);
    expect(card(topic).button_list!.filter((b) => b.key?.startsWith('learned?')).length).toBe(3);
    const all = fake.sent.filter((m) => m.taskId);
    expect(new Set(all.map((m) => m.taskId)).size).toBe(all.length);
  });

  it('a click on 已学习 records one completion and greys the button passively (update_button); 4 deliveries → one record', async () => {
    const topic = cards('zhangwei')[0]!;
    const key = card(topic).button_list!.find((b) => b.key?.startsWith('learned?'))!.key!;
    const xml = cardEventXml({ corpId: WECOM_TEST.corpId, from: 'zhangwei', eventKey: key, taskId: topic.taskId!, responseCode: fake.issueResponseCode(topic.taskId), createTime: 1795000000 });
    const first = await postAppCallback(server.url, APP, xml);
    expect(first.status).toBe(200);
    expect(first.reply).toContain('<MsgType><![CDATA[update_button]]></MsgType>');
    expect(first.reply).toContain('<ReplaceName><![CDATA[已完成]]></ReplaceName>');
    expect(first.reply).toContain(`<ToUserName><![CDATA[zhangwei]]></ToUserName><FromUserName><![CDATA[${WECOM_TEST.corpId}]]></FromUserName>`);
    // WeCom re-sends the same callback when unsure (§3.4): same answer shape, nothing recorded twice.
    for (let i = 0; i < 3; i++) expect((await postAppCallback(server.url, APP, xml)).status).toBe(200);
    const n = await count(sql`select count(*) as n from completion_records c join people p on p.id = c.person_id
      join platform_identities i on i.person_id = p.id and i.platform = 'wecom' where i.external_id = 'zhangwei' and c.action = 'complete'`);
    expect(n).toBe(1);
    expect(await count(sql`select count(*) as n from inbox_events where platform = 'wecom' and event_id like 'ev:zhangwei:%'`)).toBe(1);
    // The passive answer was the reply: nothing else goes to zhangwei.
    await new Promise((r) => setTimeout(r, 500));
    expect(cards('zhangwei').length).toBe(1);
  });

  it('a text reply "1、2 完成" records two items and sends a confirmation card via message/send', async () => {
    const before = cards('zhaolijuan').length;
    const res = await postAppCallback(server.url, APP, textXml({ corpId: WECOM_TEST.corpId, from: 'zhaolijuan', content: '1、2 完成', msgId: '7301234567890123457' }));
    expect(res).toMatchObject({ status: 200, body: '' });
    await expect.poll(() => cards('zhaolijuan').length, WAIT).toBe(before + 1);
    const confirm = card(cards('zhaolijuan').at(-1)!);
    expect(confirm.main_title.title).toBe('已记录完成');
    expect(confirm.sub_title_text).toContain('已登记完成 2 项');
    const n = await count(sql`select count(*) as n from completion_records c join platform_identities i on i.person_id = c.person_id and i.platform = 'wecom'
      where i.external_id = 'zhaolijuan' and c.action = 'complete'`);
    expect(n).toBe(2);
  });

  it('keeps a 64-bit MsgId exactly (above 2^53)', async () => {
    const msgId = '18446744073709551615';
    expect(Number(msgId).toString()).not.toBe(msgId);
    await postAppCallback(server.url, APP, textXml({ corpId: WECOM_TEST.corpId, from: 'sunhao', content: '帮助', msgId }));
    expect(await count(sql`select count(*) as n from inbox_events where event_id = ${`msg:${msgId}`}`)).toBe(1);
  });

  it('enter_agent welcomes a member once, with the help card', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await postAppCallback(server.url, APP, enterAgentXml({ corpId: WECOM_TEST.corpId, from: 'wulei', createTime: 1795000100 + i }));
      expect(res).toMatchObject({ status: 200, body: '' });
    }
    await expect.poll(() => cards('wulei').length, WAIT).toBe(2); // the topic card + one help card
    expect(card(cards('wulei')[1]!).main_title.title).toBe('党建助手使用说明');
  });

  it('a secretary @mentions the smart bot in a group: 支部进度 answered in the group via response_url, 帮助 privately', async () => {
    const progress = await postBotCallback(server.url, BOT, botTextJson({ msgid: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', from: 'wanghaifeng', chatid: 'wrGROUP1', content: '@党建助手 支部进度', responseUrl: fake.responseUrl() }));
    expect(progress).toMatchObject({ status: 200, body: '' });
    await expect.poll(() => fake.botReplies.length, WAIT).toBe(1);
    const md = fake.botReplies[0]!.body as { msgtype: string; markdown: { content: string } };
    expect(md.msgtype).toBe('markdown');
    expect(md.markdown.content).toContain('完成情况');

    const before = cards('wanghaifeng').length;
    const help = await postBotCallback(server.url, BOT, botTextJson({ msgid: 'CAIQ16HMjQYY/second', from: 'wanghaifeng', chatid: 'wrGROUP1', content: '@党建助手\u2005帮助', responseUrl: fake.responseUrl() }));
    expect(help).toMatchObject({ status: 200, body: '' });
    await expect.poll(() => cards('wanghaifeng').length, WAIT).toBe(before + 1);
    expect(card(cards('wanghaifeng').at(-1)!).main_title.title).toBe('党建助手使用说明');
    expect(fake.botReplies.length).toBe(1); // nothing private was posted into the group
    const stored = await count(sql`select count(*) as n from inbox_events where event_id = 'bot:CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=' and event->>'chatId' = 'wrGROUP1' and event->>'text' = '支部进度'`);
    expect(stored).toBe(1);
  });

  it('answers a smart-bot message in single chat passively, encrypted with the request nonce', async () => {
    const res = await postBotCallback(server.url, BOT, botTextJson({ msgid: 'single-1', from: 'lixiumei', content: '帮助', responseUrl: fake.responseUrl() }));
    expect(res.status).toBe(200);
    expect(res.replyJson).toMatchObject({ msgtype: 'template_card', template_card: { main_title: { title: '党建助手使用说明' } } });
  });
});
