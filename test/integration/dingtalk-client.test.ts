import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DingtalkApiError } from '../../adapters/dingtalk/client-errors.js';
import { DingtalkClient } from '../../adapters/dingtalk/client.js';
import { fetchDingtalkDirectory } from '../../adapters/dingtalk/directory.js';
import { createDingtalkPlatform } from '../../adapters/dingtalk/platform.js';
import { loadConfig, type DingtalkConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { SendItem } from '../../src/domain/messaging/platform.js';
import { createLogger } from '../../src/log.js';
import { FakeDingtalkApi } from '../fakes/dingtalk-api.js';
import { LogCapture } from '../support/app.js';
import { extension } from '../unit/cards/fixtures.js';

/** The OpenAPI client, the Platform sender and the directory fetch against the fake OpenAPI (dingtalk.md §3, §5, §6). */
const ID = 'dingclienttest';
const SECRET = 'client-test-secret-0123456789abcdef';

let api: FakeDingtalkApi;
let config: DingtalkConfig;
let logs: LogCapture;
const clock = new ManualClock('2026-11-23T01:00:00Z');

beforeEach(async () => {
  api = await new FakeDingtalkApi({ clientId: ID, clientSecret: SECRET, now: () => clock.now().getTime() }).start();
  config = loadConfig({ DATA_DIR: 'memory://', APP_SECRET: 'x'.repeat(40), DINGTALK_CLIENT_ID: ID, DINGTALK_CLIENT_SECRET: SECRET, DINGTALK_API_BASE_URL: api.url, DINGTALK_OAPI_BASE_URL: api.url }).dingtalk!;
  logs = new LogCapture();
});
afterEach(async () => {
  await api.stop();
});

const newClient = (over: Partial<ConstructorParameters<typeof DingtalkClient>[0]> = {}) =>
  new DingtalkClient({ config, logger: createLogger({ level: 'debug', destination: logs }), qpsRetryDelayMs: 5, timeoutMs: 2000, ...over });

describe('DingTalk OpenAPI client', () => {
  it('one token for concurrent callers (single-flight), header token, cached across calls', async () => {
    const client = newClient();
    await Promise.all(Array.from({ length: 5 }, () => client.api('POST', '/v1.0/robot/groupMessages/send', { robotCode: ID, openConversationId: 'cid1', msgKey: 'sampleText', msgParam: '{"content":"x"}' })));
    await client.api('POST', '/v1.0/robot/groupMessages/send', { robotCode: ID, openConversationId: 'cid1', msgKey: 'sampleText', msgParam: '{"content":"y"}' });
    expect(api.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(1);
    expect(api.groupMessages).toHaveLength(6);
  });

  it('an invalid token is refreshed once and the call retried (new API 400, oapi 40014)', async () => {
    const client = newClient();
    await client.accessToken();
    api.revokeTokens();
    await client.api('POST', '/v1.0/robot/groupMessages/send', { robotCode: ID, openConversationId: 'cid1', msgKey: 'sampleText', msgParam: '{"content":"x"}' });
    api.revokeTokens();
    api.org = { departments: [{ id: 1, name: '某某厅', parentId: null }], users: [] };
    await client.oapi('/topapi/v2/department/get', { dept_id: 1 });
    expect(api.callsTo('/v1.0/oauth2/accessToken')).toHaveLength(3);
    expect(api.calls.filter((c) => c.code === 'InvalidAuthentication' || c.code === 40014)).toHaveLength(2);
  });

  it('403 QpsLimit is retried after a pause; past the retries it is a retryable typed error', async () => {
    const client = newClient({ qpsRetries: 2 });
    api.failNext('/v1.0/robot/groupMessages/send', 'qps', 2);
    await client.api('POST', '/v1.0/robot/groupMessages/send', { robotCode: ID, openConversationId: 'cid1', msgKey: 'sampleText', msgParam: '{"content":"x"}' });
    expect(api.groupMessages).toHaveLength(1);
    api.failNext('/v1.0/robot/groupMessages/send', 'qps', 3);
    const err = await client.api('POST', '/v1.0/robot/groupMessages/send', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DingtalkApiError);
    expect(err).toMatchObject({ kind: 'qps', retryable: true, platformCode: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', retryAfterMs: 1000 });
  });

  it('the limiter keeps us at 20 calls/s per API: 45 calls never trip the fake’s 403', async () => {
    const client = newClient();
    const started = Date.now();
    await Promise.all(Array.from({ length: 45 }, (_, i) => client.api('POST', '/v1.0/robot/groupMessages/send', { robotCode: ID, openConversationId: 'cid1', msgKey: 'sampleText', msgParam: JSON.stringify({ content: `m${i}` }) })));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(api.calls.filter((c) => c.status === 403)).toEqual([]);
    expect(api.groupMessages).toHaveLength(45);
  });

  it('5xx, 4xx business errors, old-API errcodes and timeouts are typed', async () => {
    const client = newClient({ timeoutMs: 200 });
    api.failNext('/v1.0/robot/groupMessages/send', '5xx');
    await expect(client.api('POST', '/v1.0/robot/groupMessages/send', {})).rejects.toMatchObject({ kind: 'server', retryable: true, httpStatus: 500 });
    await expect(client.api('POST', '/v1.0/robot/groupMessages/send', { robotCode: ID, openConversationId: 'nope', msgKey: 'sampleText', msgParam: '{}' }))
      .rejects.toMatchObject({ kind: 'client', retryable: false, platformCode: 'invalid.openConversationId' });
    api.failNext('/topapi/', { status: 200, body: { errcode: 88, errmsg: '鉴权异常', sub_code: '60011', sub_msg: '没有调用该接口的权限' } });
    await expect(client.oapi('/topapi/v2/department/get', { dept_id: 1 })).rejects.toMatchObject({ kind: 'client', platformCode: 88 });
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slow = newClient({ timeoutMs: 50, config: { ...config, apiBaseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` } });
    await expect(slow.accessToken()).rejects.toMatchObject({ kind: 'network', platformCode: 'timeout', retryable: true });
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(logs.text).not.toContain(SECRET);
    expect(logs.text).not.toMatch(/tok-[0-9a-f-]{10}/);
  });
});

describe('DingTalk Platform.send without a template', () => {
  const item = (outboxId: number, over: Partial<SendItem> = {}): SendItem => ({
    outboxId, recipientKind: 'person', recipient: `u${outboxId}`, message: { type: 'text', text: '你好' }, idempotencyKey: `k${outboxId}`, ...over,
  });

  it('identical messages share one batchSend (≤ 20); invalid and flow-controlled recipients fail per item', async () => {
    const platform = createDingtalkPlatform({ config, client: newClient(), clock, logger: createLogger({ level: 'silent', destination: logs }) });
    api.knownUsers = new Set(Array.from({ length: 25 }, (_, i) => `u${i + 1}`).filter((u) => u !== 'u3'));
    api.flowControlled.add('u4');
    const results = await platform.send(Array.from({ length: 25 }, (_, i) => item(i + 1)));
    expect(api.callsTo('/v1.0/robot/oToMessages/batchSend')).toHaveLength(2);
    expect(results.find((r) => r.outboxId === 3)).toMatchObject({ ok: false, retryable: false });
    expect(results.find((r) => r.outboxId === 4)).toMatchObject({ ok: false, retryable: true, retryAfterMs: 30_000 });
    expect(results.filter((r) => r.ok)).toHaveLength(23);
    expect(api.robotMessages).toHaveLength(23);
  });

  it('a valid 1:1 sessionWebhook is used for the sender; an expired one or a group one falls back to the OpenAPI', async () => {
    const platform = createDingtalkPlatform({ config, client: newClient(), clock, logger: createLogger({ level: 'silent', destination: logs }) });
    const now = clock.now().getTime();
    const p2p = api.createSession('cidP2P', now);
    const group = api.createSession('cidGROUP', now);
    const old = api.createSession('cidOLD', now - 5_400_000 + 30_000); // 30 s left: under the 60-s margin
    const ctx = (s: typeof p2p, type: '1' | '2', conv: string, sender: string) => ({ ...s, conversationType: type, conversationId: conv, senderId: sender });
    const card = { type: 'card' as const, card: extension() };
    const results = await platform.send([
      item(1, { recipient: 'alice', message: card, replyContext: ctx(p2p, '1', 'cidP2P', 'alice') }),
      item(2, { recipient: 'bob', replyContext: ctx(group, '2', 'cidGROUP', 'bob') }),
      item(3, { recipientKind: 'chat', recipient: 'cidGROUP', replyContext: ctx(group, '2', 'cidGROUP', 'bob') }),
      item(4, { recipient: 'carol', replyContext: ctx(old, '1', 'cidOLD', 'carol') }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(api.webhookMessages.map((m) => [m.conversationId, m.body.msgtype])).toEqual([['cidP2P', 'actionCard'], ['cidGROUP', 'text']]);
    expect(api.robotMessages.map((m) => m.userId).sort()).toEqual(['bob', 'carol']);
    expect(api.groupMessages).toEqual([]);
  });

  it('group cards become action cards whose buttons are reply hints (a group tap cannot reach the bot)', async () => {
    const platform = createDingtalkPlatform({ config, client: newClient(), clock, logger: createLogger({ level: 'silent', destination: logs }) });
    const [r] = await platform.send([item(1, { recipientKind: 'chat', recipient: 'cidG1', message: { type: 'card', card: extension() } })]);
    expect(r).toMatchObject({ ok: true });
    expect(JSON.stringify(api.groupMessages[0]!.msgParam)).not.toContain('dtmd://');
  });
});

describe('fetchDingtalkDirectory (dingtalk.md §6)', () => {
  it('walks departments from 1, pages members by cursor, merges people in several departments', async () => {
    api.org = {
      departments: [
        { id: 1, name: '某某厅', parentId: null }, { id: 10, name: '办公室', parentId: 1 }, { id: 11, name: '政策法规处', parentId: 1 },
        { id: 100, name: '秘书科', parentId: 10 },
      ],
      users: [
        ...Array.from({ length: 230 }, (_, i) => ({ userid: `u${i}`, name: `员工${i}`, deptIds: [100] })),
        { userid: 'lead', name: '刘建国', deptIds: [1, 11] },
      ],
    };
    const snap = await fetchDingtalkDirectory(config, newClient());
    expect(snap.departments).toEqual([
      { id: '1', name: '某某厅', parentId: null }, { id: '10', name: '办公室', parentId: '1' }, { id: '11', name: '政策法规处', parentId: '1' },
      { id: '100', name: '秘书科', parentId: '10' },
    ]);
    expect(snap.users).toHaveLength(231);
    expect(snap.users.find((u) => u.userid === 'lead')).toEqual({ userid: 'lead', name: '刘建国', departmentIds: ['1', '11'] });
    expect(api.callsTo('/topapi/user/listsimple')).toHaveLength(3 + 3); // dept 100: 3 pages; 1, 10, 11: one each
  });
});
