import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { digestStore } from '../../src/db/repositories/digest-store.js';
import { personView } from '../../src/db/repositories/people-directory.js';
import { seedDemo } from '../../src/demo.js';
import { localDate } from '../../src/domain/calendar.js';
import { figuresForPerson } from '../../src/domain/digest/compute.js';
import { digestResource } from '../../src/h5/link-signer.js';
import { signToken } from '../../src/h5/signed-link.js';
import { startTestApp, TEST_APP_SECRET, type RunningApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The 今日简报 detail page behind the card's link: the holder's own figures (scope respected), the three charts
 * rendered on the server as SVG, the per-branch table and drill-down; refused for a forged link, another day's
 * link, or someone who is not a leader.
 */
describe('今日简报 detail page', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  const person: Record<string, number> = {};
  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const get = async (path: string) => {
    const res = await fetch(`${app.url}${path}`);
    return { status: res.status, text: await res.text() };
  };
  const pathOf = (link: string): string => {
    const u = new URL(link);
    return u.pathname + u.search;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    for (const r of await q<{ id: number; name: string }>(sql`select id, name from people`)) person[r.name] = r.id;
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const today = () => localDate(app.clock.now(), 'Asia/Shanghai');

  it('shows a whole-agency leader the figures the card has, with three server-rendered charts', async () => {
    const leader = person['刘建国']!;
    const page = await get(pathOf(app.deps.links.digest(leader, today())));
    expect(page.status).toBe(200);
    const figures = (await figuresForPerson(digestStore(t.database.db, { timezone: 'Asia/Shanghai' }), (await personView(t.database.db, leader))!, { date: today(), now: app.clock.now() }))!;
    expect(figures.branches).toHaveLength(5);
    expect(page.text).toContain(`本月事项完成 <strong>${figures.totals.monthDone}/${figures.totals.monthTotal}</strong>`);
    expect(page.text).toContain(`逾期 <strong>${figures.totals.overdue}</strong> 项`);
    expect(page.text.match(/<svg[\s>]/g)?.length).toBe(3);
    for (const b of figures.branches) expect(page.text).toContain(`<td>${b.name}</td><td class="num">${b.monthDone}/${b.monthTotal}</td>`);
  });

  it('shows a leader with a 分管范围 only their branches', async () => {
    const leader = person['陈志远']!;
    const page = await get(pathOf(app.deps.links.digest(leader, today())));
    expect(page.status).toBe(200);
    expect(page.text).toContain('分管 2 个支部');
    expect(page.text).toContain('<td>第二党支部（政策法规处）</td>');
    expect(page.text).toContain('<td>第三党支部（规划财务处）</td>');
    expect(page.text).not.toContain('<td>第一党支部（办公室）</td>');
  });

  it('refuses a forged link, another day’s link used for today, a missing date and a member who is not a leader', async () => {
    const leader = person['刘建国']!;
    const forged = signToken('y'.repeat(40), { personId: leader, resource: digestResource(today()), expiresAt: Math.floor(app.clock.now().getTime() / 1000) + 3600 });
    expect((await get(`/h5/digest?t=${forged}&d=${today()}`)).status).toBe(403);
    const other = new URL(app.deps.links.digest(leader, '2026-01-05')).searchParams.get('t')!;
    expect((await get(`/h5/digest?t=${other}&d=${today()}`)).status).toBe(403);
    expect((await get(`/h5/digest?t=${other}`)).status).toBe(400);
    const member = signToken(TEST_APP_SECRET, { personId: person['张伟']!, resource: digestResource(today()), expiresAt: Math.floor(app.clock.now().getTime() / 1000) + 3600 });
    const refused = await get(`/h5/digest?t=${member}&d=${today()}`);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('今日简报只发给领导和机关党委管理员');
  });
});
