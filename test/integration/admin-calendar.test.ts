import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { httpSignIn, personId, type HttpSession } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

/**
 * The 日历 section over HTTP: the year view (the coming year in Q4; the package's holidays and 调休 days; a clear
 * warning for a year the package does not know), setting and clearing an override (DB, audit_log, the bot's
 * calendar), leaders read only (403, DB unchanged), CSRF, bad input.
 */
describe(`admin console: 日历 (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: HttpSession;
  let leader: HttpSession;
  let adminId: number;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database); // the clock: 2026-11-23
    await seedDemo(t.database, app.clock);
    adminId = await personId(t.database, '周晓燕');
    admin = await httpSignIn(app, adminId);
    leader = await httpSignIn(app, await personId(t.database, '陈志远'));
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const q = async <T>(query: string): Promise<T[]> => rows<T>(await t.database.db.execute(sql.raw(query)));
  const state = async (): Promise<string> => JSON.stringify(await q(`select (select coalesce(string_agg(day::text || ':' || workday || ':' || coalesce(note, ''), ',' order by day), '') from calendar_overrides) as o, (select count(*)::int from audit_log where action like 'calendar.%') as a`));

  it('opens on the coming year in Q4 and says when the holiday package does not know it', async () => {
    const html = await admin.page('/admin/calendar');
    expect(html).toContain('<h1>日历 · 2027 年</h1>');
    expect(html).toContain('节假日数据包（chinese-days）尚未包含 2027 年的法定节假日安排');
    expect(html).toContain('请管理员在下方逐日录入');
    expect(html).toContain('<option value="2026">2026 年</option>');
    expect(html).toContain('id="ov-date"');
  });

  it('lists a known year’s holidays and 调休 working days', async () => {
    const html = await admin.page('/admin/calendar?year=2026');
    expect(html).toContain('节假日数据包已包含 2026 年');
    expect(html).toMatch(/<td>2026-10-01<\/td><td>四<\/td><td><span class="badge bad">放假<\/span><\/td>\s*<td>国庆节<\/td>/);
    expect(html).toMatch(/<td>2026-02-14<\/td><td>六<\/td><td><span class="badge warn">调休上班<\/span><\/td>\s*<td>春节调休上班<\/td>/);
    // Ordinary days are not listed; the month grids show every day.
    expect(html).not.toContain('<td>2026-03-03</td>');
    expect(html).toContain('12 月</h3>');
  });

  it('sets an override (DB, audit, the bot’s calendar), then clears it', async () => {
    const set = await admin.post('/admin/calendar/overrides', { date: '2027-02-06', workday: '1', note: '春节调休上班' });
    expect(await admin.follow(set)).toContain('2027-02-06 已设为上班（春节调休上班）');
    expect(await q(`select workday, note, updated_by from calendar_overrides where day = '2027-02-06'`)).toEqual([{ workday: true, note: '春节调休上班', updated_by: `person:${adminId}` }]);
    const audit = await q<{ actor: string; data: { workday: boolean } }>(`select actor, data from audit_log where action = 'calendar.set' and subject_id = '2027-02-06'`);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(`person:${adminId}`);
    expect(await app.deps.calendar.isWorkday('2027-02-06')).toBe(true);

    await admin.follow(await admin.post('/admin/calendar/overrides', { date: '2027-02-10', workday: '0', note: '春节' }));
    expect(await app.deps.calendar.isWorkday('2027-02-10')).toBe(false);
    const view = await admin.page('/admin/calendar?year=2027');
    expect(view).toMatch(/<td>2027-02-06<\/td><td>六<\/td><td><span class="badge warn">调休上班<\/span><\/td>\s*<td>春节调休上班<\/td><td><span class="badge ok">管理员设置<\/span>/);
    expect(view).toMatch(/<td>2027-02-10<\/td><td>三<\/td><td><span class="badge bad">放假<\/span><\/td>\s*<td>春节<\/td>/);
    expect(view).toContain('（已录入 2 天）');
    expect(view).toContain('class="k-adjusted-work ov"');

    // The same setting again changes nothing (no second audit entry).
    expect(await admin.follow(await admin.post('/admin/calendar/overrides', { date: '2027-02-06', workday: '1', note: '春节调休上班' }))).toContain('与原设置相同，未改动');
    expect(await q(`select count(*)::int as n from audit_log where action = 'calendar.set'`)).toEqual([{ n: 2 }]);

    const cleared = await admin.post('/admin/calendar/overrides/clear', { date: '2027-02-06' });
    expect(await admin.follow(cleared)).toContain('已清除 2027-02-06 的设置，这一天恢复为休息');
    expect(await q(`select day from calendar_overrides where day = '2027-02-06'`)).toEqual([]);
    expect(await q(`select actor from audit_log where action = 'calendar.clear' and subject_id = '2027-02-06'`)).toEqual([{ actor: `person:${adminId}` }]);
    expect(await app.deps.calendar.isWorkday('2027-02-06')).toBe(false);
    expect(await admin.follow(await admin.post('/admin/calendar/overrides/clear', { date: '2027-02-06' }))).toContain('没有管理员设置，未改动');
  });

  it('refuses bad input with the reason and changes nothing', async () => {
    const before = await state();
    const bad = await admin.post('/admin/calendar/overrides', { date: '2027-02-30', workday: '1' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('YYYY-MM-DD 格式的有效日期');
    expect((await admin.post('/admin/calendar/overrides', { date: '2027-03-01' })).status).toBe(400);
    expect(await state()).toBe(before);
  });

  it('a leader sees the calendar but changes nothing (403, DB unchanged); CSRF is required', async () => {
    const html = await leader.page('/admin/calendar?year=2027');
    expect(html).toContain('2027-02-10');
    expect(html).not.toContain('id="ov-date"');
    expect(html).not.toContain('清除设置');
    const before = await state();
    expect((await leader.post('/admin/calendar/overrides', { date: '2027-05-06', workday: '0', note: '领导' })).status).toBe(403);
    expect((await leader.post('/admin/calendar/overrides/clear', { date: '2027-02-10' })).status).toBe(403);
    expect((await admin.post('/admin/calendar/overrides', { date: '2027-05-06', workday: '0' }, { csrf: false })).status).toBe(403);
    expect((await admin.post('/admin/calendar/overrides/clear', { date: '2027-02-10' }, { csrf: false })).status).toBe(403);
    expect(await state()).toBe(before);
  });
});
