import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeCard } from '../../cards/builders/make-card.js';
import { buildCompletionCard } from '../../cards/builders/checklist.js';
import { WecomApiError } from '../../adapters/wecom/api-errors.js';
import { WecomClient } from '../../adapters/wecom/client.js';
import { MemberRateLimit } from '../../adapters/wecom/member-rate-limit.js';
import { createWecomPlatform } from '../../adapters/wecom/platform.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { SendItem } from '../../src/domain/messaging/platform.js';
import { createLogger } from '../../src/log.js';
import { FakeWecomApi } from '../fakes/wecom-api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/** The WeCom HTTP client and the outbox platform against the fake WeCom API (wecom.md §6, §7, §9, §14). */
const APP = { corpId: 'wwclienttest', secret: 's3cret-value', agentId: 1000005 };
const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb: () => void) => cb() }) });

async function failure(p: Promise<unknown>): Promise<WecomApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WecomApiError) return e;
    throw e;
  }
  throw new Error('expected a WecomApiError');
}

describe('WecomClient', () => {
  let fake: FakeWecomApi;
  let client: WecomClient;
  beforeAll(async () => {
    fake = await new FakeWecomApi(APP, new Set(['alice', 'bob'])).start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    // Generous enough for a cold first call on a loaded CI machine; the slow answer below is well past it.
    client = new WecomClient({ baseUrl: fake.url, corpId: APP.corpId, secret: APP.secret, logger, timeoutMs: 1500 });
    fake.tokenCalls = 0;
  });
  const send = (c: WecomClient, touser = 'alice') => c.call('POST', '/cgi-bin/message/send', { body: { touser, msgtype: 'text', agentid: APP.agentId, text: { content: 'hi' } } });

  it('caches the token and fetches it once for concurrent callers (single-flight)', async () => {
    await Promise.all(Array.from({ length: 10 }, () => send(client)));
    await send(client);
    expect(fake.tokenCalls).toBe(1);
  });

  it('refreshes early: a token close to expiry is replaced before WeCom refuses it', async () => {
    let now = 1_000_000;
    const c = new WecomClient({ baseUrl: fake.url, corpId: APP.corpId, secret: APP.secret, logger, now: () => now });
    fake.tokenTtlSeconds = 600;
    await send(c);
    now += 299_000;
    await send(c);
    expect(fake.tokenCalls).toBe(1);
    now += 2_000; // within the last 5 minutes
    await send(c);
    expect(fake.tokenCalls).toBe(2);
    fake.tokenTtlSeconds = 7200;
  });

  it.each([['expired (42001)', 'expire'], ['revoked (40014)', 'revoke']] as const)('refreshes once and retries when the token is %s', async (_n, how) => {
    await send(client);
    fake.invalidateTokens(how);
    await send(client);
    expect(fake.tokenCalls).toBe(2);
  });

  it('gives up after one refresh when WeCom keeps refusing the token (retryable)', async () => {
    fake.fail('/cgi-bin/message/send', { errcode: 42001 }, { errcode: 42001 });
    const e = await failure(send(client));
    expect(e).toMatchObject({ errcode: 42001, retryable: true });
  });

  it.each([
    [-1, true, 2000, '系统繁忙'],
    [45009, true, 60_000, '频率'],
    [45033, true, 5000, '并发'],
    [60020, false, undefined, '企业可信IP'],
    [48002, false, undefined, '接口权限'],
    [40056, false, undefined, 'WECOM_AGENT_ID'],
    [81013, false, undefined, '接收人全部无效'],
  ])('turns errcode %i (HTTP 200) into a typed PlatformError (retryable %s)', async (errcode, retryable, retryAfterMs, words) => {
    fake.fail('/cgi-bin/message/send', { errcode });
    const e = await failure(send(client));
    expect(e).toMatchObject({ platform: 'wecom', platformCode: errcode, retryable });
    expect(e.retryAfterMs).toBe(retryAfterMs);
    expect(e.message).toContain(words);
    expect(e.message).not.toContain('access_token=');
  });

  it('names the secret on 40001 and never logs or shows it', async () => {
    const c = new WecomClient({ baseUrl: fake.url, corpId: APP.corpId, secret: 'wrong-secret', logger });
    const e = await failure(send(c));
    expect(e).toMatchObject({ errcode: 40001, retryable: false });
    expect(e.message).toContain('WECOM_SECRET');
    expect(e.message).not.toContain('wrong-secret');
  });

  it('times out slow answers and treats HTTP errors as retryable transport failures', async () => {
    await send(client);
    fake.fail('/cgi-bin/message/send', { delayMs: 4000 });
    expect(await failure(send(client))).toMatchObject({ errcode: 'transport', retryable: true });
    fake.fail('/cgi-bin/message/send', { httpStatus: 502 });
    expect(await failure(send(client))).toMatchObject({ errcode: 'transport', retryable: true });
  });

  it('calls a response_url only on the API host', async () => {
    const e = await failure(client.postResponseUrl('https://evil.example/cgi-bin/aibot/response?response_code=x', { msgtype: 'markdown' }));
    expect(e.retryable).toBe(false);
    await client.postResponseUrl(fake.responseUrl(), { msgtype: 'markdown', markdown: { content: 'ok' } });
    expect(fake.botReplies.length).toBe(1);
  });
});

describe('WeCom platform (outbox send)', () => {
  let fake: FakeWecomApi;
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  beforeAll(async () => {
    fake = await new FakeWecomApi(APP, new Set(['alice', 'bob', 'carol'])).start();
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await fake.stop();
    await t.drop();
  });
  const platform = (limit?: MemberRateLimit) => createWecomPlatform({
    client: new WecomClient({ baseUrl: fake.url, corpId: APP.corpId, secret: APP.secret, logger }), agentId: APP.agentId, database: t.database, clock, logger,
    ...(limit ? { memberLimit: limit } : {}),
  });
  const done = buildCompletionCard({ key: 'done:1', recordId: '9', itemTitle: '观看专题党课视频', completedAt: new Date('2026-11-23T01:00:00Z'), detailUrl: 'https://example.org/c', timeZone: 'Asia/Shanghai' });
  const item = (outboxId: number, recipient: string, extra: Partial<SendItem> = {}): SendItem => ({
    outboxId, recipientKind: 'person', recipient, message: { type: 'card', card: done }, idempotencyKey: `k-${outboxId}`, ...extra,
  });

  it('sends each card alone with task_id from the idempotency key; a resend (42014) counts as delivered', async () => {
    const p = platform();
    const first = await p.send([item(1, 'alice'), item(2, 'bob')]);
    expect(first).toEqual([{ outboxId: 1, ok: true, platformRef: 'k-1' }, { outboxId: 2, ok: true, platformRef: 'k-2' }]);
    const again = await p.send([item(1, 'alice')]);
    expect(again).toEqual([{ outboxId: 1, ok: true, platformRef: 'k-1' }]);
    expect(fake.sentTo('alice').length).toBe(1);
  });

  it('reports invalid recipients per item and batches identical texts', async () => {
    const p = platform();
    const text = (id: number, to: string): SendItem => ({ outboxId: id, recipientKind: 'person', recipient: to, message: { type: 'text', text: '本月主题已发布' }, idempotencyKey: `t-${id}` });
    const before = fake.sent.length;
    const res = await p.send([text(10, 'Alice'), text(11, 'ghost'), text(12, 'carol')]);
    expect(res[0]).toMatchObject({ ok: true });
    expect(res[1]).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('invaliduser') as string });
    expect(res[2]).toMatchObject({ ok: true });
    expect(fake.sent.length).toBe(before + 1);
    expect((await p.send([item(13, 'ghost')]))[0]).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('81013') as string });
  });

  it('falls back to markdown for a card WeCom cannot show as a template card (no card_action link)', async () => {
    const notice = makeCard({ kind: 'help', key: 'n1', header: { title: '需要您确认' }, blocks: [{ type: 'text', text: '请回复序号' }], actions: [] });
    const [r] = await platform().send([{ outboxId: 20, recipientKind: 'person', recipient: 'carol', message: { type: 'card', card: notice }, idempotencyKey: 'n-20' }]);
    expect(r).toMatchObject({ ok: true });
    expect(fake.sentTo('carol').at(-1)!.msgtype).toBe('markdown');
  });

  it('defers (does not lose) the 31st message a minute to one member', async () => {
    let now = 0;
    const limit = new MemberRateLimit({ perMinute: 30, perHour: 1000 }, () => now);
    const p = platform(limit);
    const items = Array.from({ length: 31 }, (_, i) => item(100 + i, 'bob', { idempotencyKey: `rate-${i}` }));
    const res = await p.send(items);
    expect(res.filter((r) => r.ok).length).toBe(30);
    const deferred = res.find((r) => !r.ok);
    expect(deferred).toMatchObject({ retryable: true });
    now += 61_000;
    expect((await p.send([items[30]!]))[0]).toMatchObject({ ok: true });
  });

  it('updates the clicked card with a fresh ResponseCode, and sends a message when the code is spent', async () => {
    const code = fake.issueResponseCode('k-1');
    const ctx = { via: 'app', userid: 'alice', taskId: 'k-1', responseCode: code, responseCodeExpiresAt: '2026-11-26T00:00:00Z' };
    const reply = item(30, 'alice', { idempotencyKey: 'reply:wecom:ev:alice:1:k-1:learned:0', replyContext: ctx });
    expect((await platform().send([reply]))[0]).toMatchObject({ ok: true });
    expect(fake.updates.at(-1)).toMatchObject({ responseCode: code, userids: ['alice'], button: { replace_name: '已完成' } });
    const sentBefore = fake.sentTo('alice').length;
    const again = item(31, 'alice', { idempotencyKey: 'reply:wecom:ev:alice:2:k-1:learned:0', replyContext: ctx });
    expect((await platform().send([again]))[0]).toMatchObject({ ok: true });
    expect(fake.sentTo('alice').length).toBe(sentBefore + 1);
  });
});
