import { sql } from 'drizzle-orm';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../cards/model.js';
import { cjkFont, completionByBranchBar, renderChartSvg, renderPngOrNull } from '../../src/charts/index.js';
import { rows } from '../../src/db/migrate.js';
import { digestStore } from '../../src/db/repositories/digest-store.js';
import { seedDemo } from '../../src/demo.js';
import { localDate } from '../../src/domain/calendar.js';
import { DIGEST_CHART_ASPECT } from '../../src/domain/digest/chart.js';
import { DIGEST_CHART_IMAGE } from '../../src/h5/digest/chart-image.js';
import { digestH5Routes } from '../../src/h5/digest/routes.js';
import { digestChartResource, digestResource, linkSigner } from '../../src/h5/link-signer.js';
import { signToken } from '../../src/h5/signed-link.js';
import { runLeaderDigest } from '../../src/jobs/leader-digest.js';
import { pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { startTestApp, TEST_APP_SECRET, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { listenOnLoopback } from '../support/listen.js';

/**
 * The digest card's chart image (issue 10): the job puts a signed PNG link first on each leader's card, the
 * app draws it from the day's stored figures (1200 × 600, a real PNG), refuses a tampered, expired or
 * other-resource link without saying anything about the figures, and without a CJK font answers 404 — while
 * the job, told there is no font (LinkSigner without chartImages), sends the text-only card.
 */

/** Signature and IHDR of a PNG: the first chunk after the 8 signature bytes, width and height big-endian. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.readUInt32BE(8)).toBe(13);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe(`digest chart image (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  const person: Record<string, number> = {};
  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const fetchPath = async (base: string, link: string) => {
    const u = new URL(link, 'http://x');
    const res = await fetch(`${base}${u.pathname}${u.search}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', cache: res.headers.get('cache-control') ?? '', body: Buffer.from(await res.arrayBuffer()) };
  };
  const get = (link: string) => fetchPath(app.url, link);
  const today = () => localDate(app.clock.now(), 'Asia/Shanghai');
  const withCharts = () => linkSigner({ secret: TEST_APP_SECRET, publicBaseUrl: app.deps.config.publicBaseUrl, clock: app.clock, chartImages: true });
  const digestCards = async (day: string) =>
    (await q<{ person_id: number; message: { card: Card } }>(sql`select person_id, message from outbox where idempotency_key like ${`digest:${day}:%`} order by id`))
      .map((r) => ({ personId: r.person_id, card: r.message.card }));
  const drawn = () => app.logs.lines.filter((l) => l.includes('digest chart image drawn')).length;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    for (const r of await q<{ id: number; name: string }>(sql`select id, name from people`)) person[r.name] = r.id;
    // The month's topic to every member: assignments due this month, so the chart has bars.
    await pushTopic({ database: t.database, timezone: 'Asia/Shanghai', links: app.deps.links, platforms: ['sandbox'], calendar: app.deps.calendar }, today().slice(0, 7), app.clock.now());
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('the job puts the signed chart first on each leader’s card; the app serves it as a 1200 × 600 PNG, drawn once', async () => {
    const links = withCharts();
    const run = await runLeaderDigest({ database: t.database, calendar: app.deps.calendar, timezone: 'Asia/Shanghai', links, platforms: ['sandbox'] }, app.clock.now());
    expect(run.enqueued).toBe(2);
    const cards = await digestCards(today());
    expect(cards.map((c) => c.personId).sort()).toEqual([person['刘建国'], person['陈志远']].sort());
    for (const { personId, card } of cards) {
      const [image, ...rest] = card.blocks;
      expect(image).toMatchObject({ type: 'image', alt: '各支部本月完成率', aspectRatio: DIGEST_CHART_ASPECT });
      expect(rest.some((b) => b.type === 'image')).toBe(false);
      const url = new URL((image as { url: string }).url);
      expect(url.pathname).toBe('/h5/digest/chart.png');
      expect(url.searchParams.get('d')).toBe(today());

      const before = drawn();
      const res = await get(url.toString());
      expect(res.status).toBe(200);
      expect(res.type).toBe('image/png');
      expect(res.cache).toBe('private, max-age=300');
      expect(pngSize(res.body)).toEqual({ width: DIGEST_CHART_IMAGE.pngWidth, height: DIGEST_CHART_IMAGE.pngWidth / DIGEST_CHART_ASPECT });
      expect(pngSize(res.body)).toEqual({ width: 1200, height: 600 });
      // WeCom fetches an image more than once: the second answer is the same bytes from the cache.
      const again = await get(url.toString());
      expect(again.body.equals(res.body)).toBe(true);
      expect(drawn()).toBe(before + 1);
      // It is drawn from the figures the card was made from: the day's snapshot.
      expect(await digestStore(t.database.db, { timezone: 'Asia/Shanghai' }).snapshot(personId, today())).toBeDefined();
    }
  });

  it('draws from the figures when none are stored (an admin who never asked for 今日简报)', async () => {
    const admin = person['周晓燕']!;
    expect(await digestStore(t.database.db, { timezone: 'Asia/Shanghai' }).snapshot(admin, today())).toBeUndefined();
    const res = await get(withCharts().digestChart(admin, today())!);
    expect(res.status).toBe(200);
    expect(pngSize(res.body)).toEqual({ width: 1200, height: 600 });
  });

  it('refuses a tampered, expired, other-resource or other-day link, and a member, in plain text with no figures', async () => {
    const leader = person['刘建国']!;
    const link = new URL(withCharts().digestChart(leader, today())!);
    const token = link.searchParams.get('t')!;
    const at = (t: string, d = today()) => `/h5/digest/chart.png?t=${encodeURIComponent(t)}&d=${d}`;
    const soon = Math.floor(app.clock.now().getTime() / 1000) + 3600;
    const [body, sig] = token.split('.') as [string, string];
    const refused = [
      at(`${body}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`), // tampered signature
      at(`${Buffer.from(JSON.stringify({ p: person['陈志远'], r: digestChartResource(today()), e: soon })).toString('base64url')}.${sig}`), // tampered claims
      at(signToken(TEST_APP_SECRET, { personId: leader, resource: digestChartResource(today()), expiresAt: Math.floor(app.clock.now().getTime() / 1000) - 1 })), // expired
      at(signToken(TEST_APP_SECRET, { personId: leader, resource: digestResource(today()), expiresAt: soon })), // the page's token
      at(signToken('z'.repeat(40), { personId: leader, resource: digestChartResource(today()), expiresAt: soon })), // another secret
      at(token, '2026-01-05'), // another day
      at(signToken(TEST_APP_SECRET, { personId: person['张伟']!, resource: digestChartResource(today()), expiresAt: soon })), // not a leader
    ];
    for (const path of refused) {
      const res = await get(path);
      expect(res.status, path).toBe(403);
      expect(res.type).toBe('text/plain; charset=utf-8');
      expect(res.cache).toBe('no-store');
      expect(res.body.toString('utf8')).not.toMatch(/\d/);
    }
    expect((await get(`/h5/digest/chart.png?t=${token}`)).status).toBe(400);
    // And the chart's token does not open the detail page.
    expect((await get(`/h5/digest?t=${token}&d=${today()}`)).status).toBe(403);
  });

  it('without a CJK font: renderPngOrNull gives null, the route answers 404, and the job sends the text-only card', async () => {
    const svg = renderChartSvg(completionByBranchBar([{ branch: '第一党支部', done: 1, total: 2 }]), { width: 480, height: 240 });
    expect(await renderPngOrNull(svg, { width: 1200, systemFonts: false })).toBeNull();
    expect(await renderPngOrNull(svg, { width: 1200, fontPath: '/nonexistent/font.ttc', systemFonts: false })).toBeNull();

    const link = withCharts().digestChart(person['刘建国']!, today())!;
    const serve = async (chartFont: { fontPath?: string | null; systemFonts?: boolean }) => {
      const koa = new Koa();
      koa.use(digestH5Routes(app.deps, { chartFont }).routes());
      const server = await listenOnLoopback(koa);
      try {
        return await fetchPath(server.url, link);
      } finally {
        await server.close();
      }
    };
    const none = await serve({ systemFonts: false });
    expect(none.status).toBe(404);
    expect(none.type).toBe('text/plain; charset=utf-8');
    expect(none.body.toString('utf8')).toContain('没有中文字体');
    // The font given by configuration alone (no system search) is enough.
    const configured = await serve({ fontPath: cjkFont(), systemFonts: false });
    expect(configured.status).toBe(200);
    expect(pngSize(configured.body)).toEqual({ width: 1200, height: 600 });

    // The job with a LinkSigner built without chart images (runtime: no font found) → no image block.
    const tomorrow = new Date(app.clock.now().getTime() + 86_400_000);
    const day = localDate(tomorrow, 'Asia/Shanghai');
    const textOnly = linkSigner({ secret: TEST_APP_SECRET, publicBaseUrl: app.deps.config.publicBaseUrl, clock: app.clock, chartImages: false });
    expect(textOnly.digestChart(person['刘建国']!, day)).toBeNull();
    const run = await runLeaderDigest({ database: t.database, calendar: app.deps.calendar, timezone: 'Asia/Shanghai', links: textOnly, platforms: ['sandbox'] }, tomorrow);
    expect(run.enqueued).toBe(2);
    const cards = await digestCards(day);
    expect(cards).toHaveLength(2);
    for (const { card } of cards) {
      expect(card.blocks.length).toBeGreaterThan(0);
      expect(card.blocks.some((b) => b.type === 'image')).toBe(false);
      expect(card.blocks[0]).toMatchObject({ type: 'emphasis' });
    }
  });
});
