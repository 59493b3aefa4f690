import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildMonthlyTopicCard } from '../../cards/builders/monthly-topic.js';
import { outboxCounts } from '../../src/outbox/dispatcher.js';
import { enqueueMessages, type EnqueueInput } from '../../src/outbox/enqueue.js';
import { FakeWecomApi } from '../fakes/wecom-api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startWecomServer, WECOM_TEST, type RunningWecomServer } from '../support/wecom-server.js';

/**
 * A 5 000-member push through the real outbox dispatcher and the WeCom platform while WeCom misbehaves: the token
 * expires halfway (42001), one call answers -1 (system busy), one answers slowly. Every member must get the card
 * exactly once, with one token refresh.
 */
const N = 5000;
const users = Array.from({ length: N }, (_, i) => `u${String(i + 1).padStart(5, '0')}`);

describe('WeCom: 5 000-recipient push with a token expiring mid-run', () => {
  let t: TestDatabase;
  let fake: FakeWecomApi;
  let server: RunningWecomServer;

  beforeAll(async () => {
    t = await createTestDatabase();
    fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(users)).start();
    server = await startWecomServer(t.database, fake.url);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await fake?.stop();
    await t?.drop();
  }, 60_000);

  it('delivers every card exactly once, refreshing the token once', async () => {
    fake.expireTokensAfterSends = N / 2;
    fake.fail('/cgi-bin/message/send', { delayMs: 300 }, { errcode: -1 });
    const at = server.clock.now();
    const rows: EnqueueInput[] = users.map((u, i) => {
      const key = `topic:2026-11:${i + 1}`;
      const card = buildMonthlyTopicCard({
        key, month: '2026年11月', title: '学习贯彻党的二十届四中全会精神', summary: '本月集中学习全会公报。',
        materials: [{ title: '全会公报全文', url: 'https://www.gov.cn/' }],
        required: [{ id: String(10 * i + 1), title: '原原本本学习全会公报', done: false }, { id: String(10 * i + 2), title: '观看专题党课视频', done: false }],
        detailUrl: `https://example.org/h5/topic/${i + 1}`,
      });
      return { platform: 'wecom', recipientKind: 'person', recipient: u, personId: null, message: { type: 'card', card }, idempotencyKey: key, notBefore: at };
    });
    await t.database.db.transaction((tx) => enqueueMessages(tx, rows, at));
    server.deps.logger.info('enqueued');
    // The -1 row is retried after a back-off on the business clock: move it on until everything is out.
    await vi.waitFor(async () => {
      server.clock.advance(5_000);
      const counts = await outboxCounts(t.database);
      expect(counts).toEqual({ sent: N });
    }, { timeout: 240_000, interval: 1000 });

    const perUser = new Map<string, number>();
    for (const m of fake.sent) for (const u of m.touser) perUser.set(u, (perUser.get(u) ?? 0) + 1);
    expect(perUser.size).toBe(N);
    expect([...perUser.values()].every((n) => n === 1)).toBe(true);
    expect(fake.tokenCalls).toBe(2);
    expect(new Set(fake.sent.map((m) => m.taskId)).size).toBe(N);
    expect(server.logs.text).toContain('wecom access token rejected; refreshing once');
  }, 300_000);
});
