import { sql } from 'drizzle-orm';
import { getSignature } from '@wecom/crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { FakeWecomApi } from '../fakes/wecom-api.js';
import { appEnvelope, cardEventXml, postAppCallback, postBotCallback, sealed, textXml } from '../fakes/wecom-callbacks.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startWecomServer, WECOM_TEST, type RunningWecomServer } from '../support/wecom-server.js';
import { DEMO_WECOM_IDS } from './wecom-demo-ids.js';

/** Refusals and edge cases of the callback routes (wecom.md §3, §16.1–16.5) against the real server. */
const APP = { token: WECOM_TEST.token, encodingAesKey: WECOM_TEST.encodingAesKey, receiveId: WECOM_TEST.corpId, agentId: WECOM_TEST.agentId };
const BOT = { token: WECOM_TEST.botToken, encodingAesKey: WECOM_TEST.botEncodingAesKey, receiveId: '' };
const OTHER_KEY = 'QWERTYUIOPASDFGHJKLZXCVBNM0123456789qwertyu';
const WAIT = { timeout: 20_000, interval: 100 };

describe('WeCom callback routes: refusals and edge cases', () => {
  let t: TestDatabase;
  let fake: FakeWecomApi;
  let server: RunningWecomServer;
  const stored = async (): Promise<number> => Number(rows<{ n: string }>(await t.database.db.execute(sql`select count(*) as n from inbox_events`))[0]?.n);
  const post = (query: string, body: string, type = 'text/xml') => fetch(`${server.url}/wecom/callback?${query}`, { method: 'POST', headers: { 'content-type': type }, body });
  const text = (msgId: string) => textXml({ corpId: WECOM_TEST.corpId, from: 'zhangwei', content: '帮助', msgId });

  beforeAll(async () => {
    t = await createTestDatabase();
    fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(DEMO_WECOM_IDS)).start();
    // Handling takes 300 ms and the soft deadline is 50 ms: every handling overruns it, so follow-ups take the outbox path (§3.4).
    server = await startWecomServer(t.database, fake.url, {}, { softDeadlineMs: 50, handlerDelayMs: 300 });
    await seedDemo(t.database, server.clock, server.deps.config.timezone);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await fake?.stop();
    await t?.drop();
  }, 60_000);

  it('refuses a tampered signature with 401 and stores nothing', async () => {
    const s = sealed(APP, text('1001'), { signature: 'cb4c73be5d058a81d79e166f90a610c24254b952' });
    expect((await post(s.query, appEnvelope(s.encrypted, WECOM_TEST.corpId, WECOM_TEST.agentId))).status).toBe(401);
    const missing = await post('timestamp=1&nonce=x', appEnvelope(s.encrypted, WECOM_TEST.corpId, WECOM_TEST.agentId));
    expect(missing.status).toBe(401);
    expect(await stored()).toBe(0);
  });

  it('refuses a wrong corp id, a wrong AES key and a truncated ciphertext (signatures valid) with 401', async () => {
    expect((await postAppCallback(server.url, APP, text('1002'), { encryptWith: { receiveId: 'wwSOMEONEELSE' } })).status).toBe(401);
    expect((await postAppCallback(server.url, APP, text('1003'), { encryptWith: { encodingAesKey: OTHER_KEY } })).status).toBe(401);
    const s = sealed(APP, text('1004'));
    const cut = s.encrypted.slice(0, -8);
    const q = `msg_signature=${getSignature(APP.token, s.timestamp, s.nonce, cut)}&timestamp=${s.timestamp}&nonce=${s.nonce}`;
    expect((await post(q, appEnvelope(cut, WECOM_TEST.corpId, WECOM_TEST.agentId))).status).toBe(401);
    expect(await stored()).toBe(0);
  });

  it('answers 413 to an oversize body and 400 to malformed XML or a DOCTYPE/entity bomb', async () => {
    const s = sealed(APP, text('1005'));
    const big = `<xml><Encrypt><![CDATA[${s.encrypted}]]></Encrypt><Pad>${'x'.repeat(70 * 1024)}</Pad></xml>`;
    expect((await post(s.query, big)).status).toBe(413);
    expect((await post(s.query, '<xml><Encrypt>abc</xml>')).status).toBe(400);
    expect((await post(s.query, 'not xml at all')).status).toBe(400);
    const bomb = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Encrypt><![CDATA[${s.encrypted}]]></Encrypt><X>&b;</X></xml>`;
    expect((await post(s.query, bomb)).status).toBe(400);
    // Inside the (validly signed and encrypted) plaintext too.
    const inner = await postAppCallback(server.url, APP, '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><MsgType>text</MsgType><Content>&x;</Content></xml>');
    expect(inner.status).toBe(400);
    expect(await stored()).toBe(0);
  });

  it('acknowledges unknown message types with an empty 200 and ignores them', async () => {
    const image = `<xml><ToUserName><![CDATA[${WECOM_TEST.corpId}]]></ToUserName><FromUserName><![CDATA[zhangwei]]></FromUserName><CreateTime>1795000000</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://x/y.png]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>1006</MsgId><AgentID>1</AgentID></xml>`;
    expect(await postAppCallback(server.url, APP, image)).toMatchObject({ status: 200, body: '' });
    expect(await stored()).toBe(0);
    expect(server.logs.text).toContain('message type image');
  });

  it('keeps selector answers as arrays and the event id stable (vote card submission)', async () => {
    const xml = cardEventXml({
      corpId: WECOM_TEST.corpId, from: 'zhangwei', eventKey: 'vote-submit?round=7', taskId: 'task-vote-1', responseCode: fake.issueResponseCode('task-vote-1'),
      createTime: 1795000200, cardType: 'vote_interaction', selected: [{ questionKey: 'q1', optionIds: ['o1', 'o3'] }, { questionKey: 'q2', optionIds: ['only'] }],
    });
    expect((await postAppCallback(server.url, APP, xml)).status).toBe(200);
    const [row] = rows<{ event_id: string; event: { action: unknown; replyContext: Record<string, string> } | string }>(
      await t.database.db.execute(sql`select event_id, event from inbox_events where event_id like 'ev:zhangwei:1795000200:%'`));
    const event = typeof row!.event === 'string' ? JSON.parse(row!.event) as { action: unknown; replyContext: Record<string, string> } : row!.event;
    expect(row!.event_id).toBe('ev:zhangwei:1795000200:task-vote-1:vote-submit?round=7');
    expect(event.action).toEqual({ actionId: 'vote-submit', payload: { round: '7' }, values: { q1: ['o1', 'o3'], q2: ['only'] } });
    expect(event.replyContext).toMatchObject({ via: 'app', userid: 'zhangwei', taskId: 'task-vote-1', cardType: 'vote_interaction' });
    expect(Date.parse(event.replyContext.responseCodeExpiresAt!) - server.clock.now().getTime()).toBe(72 * 3600_000);
    // An unknown button gets the help card; past the deadline it replaces the clicked card via the ResponseCode (§9 form B).
    await vi.waitFor(() => expect(fake.updates.find((u) => u.userids.includes('zhangwei'))?.templateCard).toMatchObject({ main_title: { title: '党建助手使用说明' } }), WAIT);
  });

  it('past the soft deadline: an empty 200, then the reply updates the card with the click ResponseCode', async () => {
    await pushTopic({ database: t.database, timezone: server.jobDeps.timezone, links: server.jobDeps.links, platforms: ['wecom'] }, '2026-11', server.clock.now());
    await vi.waitFor(() => expect(fake.sentTo('zhaolijuan').length).toBe(1), WAIT);
    const topic = fake.sentTo('zhaolijuan')[0]!;
    const key = (topic.body.template_card as { button_list: { key?: string }[] }).button_list.find((b) => b.key?.startsWith('learned?'))!.key!;
    const code = fake.issueResponseCode(topic.taskId);
    const res = await postAppCallback(server.url, APP, cardEventXml({ corpId: WECOM_TEST.corpId, from: 'zhaolijuan', eventKey: key, taskId: topic.taskId!, responseCode: code }));
    expect(res).toMatchObject({ status: 200, body: '' });
    await vi.waitFor(() => expect(fake.updates.filter((u) => u.userids.includes('zhaolijuan')).length).toBe(1), WAIT);
    expect(fake.updates.find((u) => u.userids.includes('zhaolijuan'))).toMatchObject({ responseCode: code, userids: ['zhaolijuan'], button: { replace_name: '已完成' } });
    expect(fake.sentTo('zhaolijuan').length).toBe(1); // no second message: the card itself changed
  });

  it('smart bot: refuses a bad signature (401), a payload encrypted for the corp id (401) and non-JSON (400)', async () => {
    expect((await postBotCallback(server.url, BOT, { msgid: 'b1' }, { signature: '0'.repeat(40) })).status).toBe(401);
    expect((await postBotCallback(server.url, BOT, { msgid: 'b2' }, { encryptWith: { receiveId: WECOM_TEST.corpId } })).status).toBe(401);
    const s = sealed(BOT, 'not json');
    const res = await fetch(`${server.url}/wecom/bot/callback?${s.query}`, { method: 'POST', body: JSON.stringify({ encrypt: s.encrypted }) });
    expect(res.status).toBe(400);
    const outer = await fetch(`${server.url}/wecom/bot/callback?${s.query}`, { method: 'POST', body: '{"encrypt":' });
    expect(outer.status).toBe(400);
  });
});
