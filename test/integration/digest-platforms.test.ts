import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { localDate } from '../../src/domain/calendar.js';
import { runLeaderDigest } from '../../src/jobs/leader-digest.js';
import { pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { FakeWecomApi } from '../fakes/wecom-api.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { startDingtalkServer, type RunningDingtalkServer } from '../support/dingtalk-server.js';
import { startWecomServer, WECOM_TEST, type RunningWecomServer } from '../support/wecom-server.js';
import { DEMO_WECOM_IDS } from './wecom-demo-ids.js';

/**
 * The leaders' digest through the platform fakes, wired as src/main.ts wires it (this machine has the CJK font,
 * so the links carry chart images): on WeCom the leader gets a news_notice whose card_image, fetched from the
 * running app, is the PNG; on DingTalk (card template) the leader's card carries the digest text and the image.
 */
const WAIT = { timeout: 30_000, interval: 100 };

/** The PNG signature and the IHDR's width and height. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Fetches a link the server made (under PUBLIC_BASE_URL) from the server actually running. */
async function fetchFrom(base: string, link: string): Promise<{ status: number; type: string; body: Buffer }> {
  const u = new URL(link);
  const res = await fetch(`${base}${u.pathname}${u.search}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

describe(`digest on WeCom: news_notice with the chart image (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  let fake: FakeWecomApi;
  let server: RunningWecomServer;

  beforeAll(async () => {
    t = await createTestDatabase();
    fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(DEMO_WECOM_IDS)).start();
    server = await startWecomServer(t.database, fake.url);
    await seedDemo(t.database, server.clock, server.deps.config.timezone);
    const month = localDate(server.clock.now(), server.jobDeps.timezone).slice(0, 7);
    expect(await pushTopic({ ...server.jobDeps, platforms: ['wecom'] }, month, server.clock.now())).toMatchObject({ status: 'pushed' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await fake?.stop();
    await t?.drop();
  }, 60_000);

  it('the leader receives a template_card news_notice whose card_image is the PNG the app serves', async () => {
    const run = await runLeaderDigest(server.jobDeps, server.clock.now());
    expect(run).toMatchObject({ leaders: 2, enqueued: 2, unreachable: 0 });
    const digest = () => fake.sentTo('liujianguo').find((m) => m.msgtype === 'template_card' && (m.body.template_card as { main_title?: { title?: string } }).main_title?.title?.startsWith('今日简报'));
    await vi.waitFor(() => expect(digest()).toBeDefined(), WAIT);
    const tc = digest()!.body.template_card as {
      card_type: string; card_image: { url: string; aspect_ratio: number }; vertical_content_list: { title: string; desc?: string }[]; card_action: { url: string };
    };
    expect(tc.card_type).toBe('news_notice');
    expect(tc.card_image.aspect_ratio).toBe(2);
    expect(tc.vertical_content_list.length).toBeGreaterThan(0);
    expect(tc.vertical_content_list.length).toBeLessThanOrEqual(4);
    expect(tc.vertical_content_list[0]!.title).toMatch(/^\d+ 项需关注$/);
    expect(new URL(tc.card_image.url).pathname).toBe('/h5/digest/chart.png');
    const image = await fetchFrom(server.url, tc.card_image.url);
    expect(image.status).toBe(200);
    expect(image.type).toBe('image/png');
    expect(pngSize(image.body)).toEqual({ width: 1200, height: 600 });
    // The card opens the detail page, which answers for the same leader.
    expect((await fetchFrom(server.url, tc.card_action.url)).status).toBe(200);
  }, 60_000);
});

describe(`digest on DingTalk: the leader's card with the digest text and image (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  let s: RunningDingtalkServer;

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await startDingtalkServer(t.database, { template: true });
    await seedDemo(t.database, s.clock);
    const month = localDate(s.clock.now(), s.jobDeps.timezone).slice(0, 7);
    expect(await pushTopic(s.jobDeps, month, s.clock.now())).toMatchObject({ status: 'pushed' });
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
    await t?.drop();
  }, 60_000);

  it('the leader’s card arrives with the digest figures, the detail link and the chart image', async () => {
    const run = await runLeaderDigest(s.jobDeps, s.clock.now());
    expect(run).toMatchObject({ leaders: 2, enqueued: 2, unreachable: 0 });
    const card = () => [...s.api.cards.values()].find((c) => c.openSpaceId === 'dtv1.card//IM_ROBOT.dt_liujianguo' && c.cardData.kind === 'leader-digest');
    await vi.waitFor(() => expect(card()).toBeDefined(), WAIT);
    const data = card()!.cardData;
    expect(String(data.title)).toMatch(/^今日简报 \d+月\d+日（周.）$/);
    expect(data.subtitle).toBe('全机关 5 个党支部');
    expect(data).toMatchObject({ hasEmphasis: 'true', emphasisLabel: '项需关注', hasImage: 'true', hasDetail: 'true', detailLabel: '查看详情与图表' });
    expect(String(data.texts)).toMatch(/合计：本月完成 \d+\/\d+（\d+%）/);
    expect(s.api.cardProblems).toEqual([]);
    const image = await fetchFrom(s.url, String(data.imageUrl));
    expect(image.status).toBe(200);
    expect(pngSize(image.body)).toEqual({ width: 1200, height: 600 });
  }, 60_000);
});
