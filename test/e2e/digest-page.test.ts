import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { digestStore } from '../../src/db/repositories/digest-store.js';
import { personView } from '../../src/db/repositories/people-directory.js';
import { seedDemo } from '../../src/demo.js';
import { localDate } from '../../src/domain/calendar.js';
import { digestCard, figuresForPerson } from '../../src/domain/digest/compute.js';
import { pushTopic } from '../../src/jobs/monthly-topic-push.js';
import { LAPTOP, launchBrowser, openPage, PHONE, screenshot, type WatchedPage } from '../support/browser.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The 今日简报 detail page in headless Chromium, opened from a leader's signed link over seeded data (the
 * month's topic to every member, a third of it done, a branch task overdue in two branches): the three
 * server-rendered charts are there with their Chinese labels, the figures on the page are the card's, the
 * page logs no errors, and it is captured at phone and laptop width.
 */
const TZ = 'Asia/Shanghai';
const PHONE_CONTEXT = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

describe('今日简报 detail page in headless Chromium', { timeout: 180_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let browser: Browser;
  const person: Record<string, number> = {};
  const pages: WatchedPage[] = [];
  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const today = () => localDate(app.clock.now(), TZ);
  const problems = (w: WatchedPage): string[] => w.problems();
  const localUrl = (link: string): string => {
    const u = new URL(link);
    return `${app.url}${u.pathname}${u.search}`;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock, TZ);
    for (const r of await q<{ id: number; name: string }>(sql`select id, name from people`)) person[r.name] = r.id;
    const now = app.clock.now().toISOString();
    await pushTopic({ database: t.database, timezone: TZ, links: app.deps.links, platforms: ['sandbox'], calendar: app.deps.calendar }, today().slice(0, 7), app.clock.now());
    // A third of the month's study items done (the trigger keeps assignment_progress), and a branch task
    // overdue since October in the first two branches.
    await t.database.db.execute(sql`
      insert into completion_records (assignment_id, person_id, action, source, at)
      select a.id, a.person_id, 'complete', 'admin', ${now}::timestamptz from assignments a where a.person_id is not null and a.id % 3 = 0`);
    await t.database.db.execute(sql`
      with pl as (insert into plans (year, title, created_at, created_by) values (2026, '2026年工作要点', ${now}::timestamptz, 'test') returning id),
      it as (insert into plan_items (plan_id, path, position, level, title, due_date, list_kind, dimensions, created_at)
             select pl.id, '一/1.', 1, 'task', '整改台账', '2026-10-30'::date, 'work', '{廉洁型}'::text[], ${now}::timestamptz from pl returning id)
      insert into assignments (item_id, assignee_kind, unit_id, created_at)
      select it.id, 'unit', b.id, ${now}::timestamptz from it cross join (select id from org_units where kind = 'branch' order by id limit 2) b`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
    await t?.drop();
  });

  /** The card the job would send this leader today, and the figures it was made from. */
  const cardFor = async (personId: number) => {
    const figures = (await figuresForPerson(digestStore(t.database.db, { timezone: TZ }), (await personView(t.database.db, personId))!, { date: today(), now: app.clock.now() }))!;
    const { card } = digestCard({ key: `digest:${today()}:${personId}`, figures, previous: undefined, timezone: TZ, detailUrl: app.deps.links.digest(personId, today()), skipQuietDays: false });
    return { figures, card: card! };
  };

  it.each([
    ['刘建国', '全机关', 5],
    ['陈志远', '分管 2 个支部', 2],
  ] as const)('%s: three charts with Chinese labels, the card’s figures, no console errors', async (name, scope, branches) => {
    const leader = person[name]!;
    const { figures, card } = await cardFor(leader);
    expect(figures.branches).toHaveLength(branches);
    const w = await openPage(browser, PHONE_CONTEXT);
    pages.push(w);
    const res = await w.page.goto(localUrl(app.deps.links.digest(leader, today())));
    expect(res?.status()).toBe(200);
    expect(await w.page.locator('body').innerText()).toContain(scope);

    // Charts: three inline SVGs, each drawn (non-zero size, within the phone's width) with Chinese text.
    const charts = w.page.locator('.chart svg');
    expect(await charts.count()).toBe(3);
    const texts = await charts.evaluateAll((svgs) => svgs.map((s) => s.textContent ?? ''));
    for (const text of texts) expect(text).toMatch(/[\u4e00-\u9fff]/);
    expect(texts[0]).toContain('本月完成率（按支部）');
    for (const b of figures.branches) expect(texts[0]).toContain(b.name.length > 8 ? b.name.slice(0, 5) : b.name);
    expect(texts[1]).toContain('本月完成率走势');
    expect(texts[2]).toContain('全年完成情况（五型）');
    for (let i = 0; i < 3; i++) {
      const box = (await charts.nth(i).boundingBox())!;
      expect(box.width).toBeGreaterThan(200);
      expect(box.width).toBeLessThanOrEqual(PHONE.width);
      expect(box.height).toBeGreaterThan(80);
    }

    // Figures: what the page says is what the card says.
    const totals = await w.page.locator('#totals').innerText();
    const [, pageDone, pageTotal] = /本月事项完成\s*(\d+)\/(\d+)/.exec(totals)!;
    const [, pageOverdue] = /逾期\s*(\d+)\s*项/.exec(totals)!;
    const lines = card.blocks.flatMap((b) => (b.type === 'text' ? b.text.split('\n') : []));
    const [, cardDone, cardTotal] = /^合计：本月完成 (\d+)\/(\d+)（\d+%）$/.exec(lines.find((l) => l.startsWith('合计：'))!)!;
    expect([pageDone, pageTotal]).toEqual([cardDone, cardTotal]);
    expect(Number(pageTotal)).toBeGreaterThan(0);
    expect(Number(pageDone)).toBeGreaterThan(0);
    const overdueLines = lines.filter((l) => /^! .+：逾期 \d+ 项/.test(l));
    expect(lines.some((l) => /另有 \d+ 个支部有逾期事项/.test(l))).toBe(false); // every overdue branch is on the card
    const cardOverdue = overdueLines.reduce((n, l) => n + Number(/：逾期 (\d+) 项/.exec(l)![1]), 0);
    expect(Number(pageOverdue)).toBe(cardOverdue);
    expect(cardOverdue).toBe(name === '刘建国' ? 2 : 1);
    // The per-branch table: the same figures, branch by branch.
    const table = await w.page.locator('#branches tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(table).toEqual(figures.branches.map((b) => [b.name, `${b.monthDone}/${b.monthTotal}`, String(b.overdue), String(b.dueSoon)]));

    expect(problems(w)).toEqual([]);
    if (name === '刘建国') {
      await screenshot(w.page, 'digest-page-phone', { fullPage: true });
      const laptop = await openPage(browser, { viewport: LAPTOP });
      pages.push(laptop);
      await laptop.page.goto(localUrl(app.deps.links.digest(leader, today())));
      expect(await laptop.page.locator('.chart svg').count()).toBe(3);
      await screenshot(laptop.page, 'digest-page-laptop', { fullPage: true });
      expect(problems(laptop)).toEqual([]);
    }
  });
});
