import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledPlatforms } from '../../src/config.js';
import { rows } from '../../src/db/migrate.js';
import { instantAt } from '../../src/domain/reminders/days.js';
import { seedDemo } from '../../src/demo.js';
import { runDailyReminders } from '../../src/jobs/daily-reminder.js';
import { httpSignIn, personId, type HttpSession } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * 提醒 in the admin console over HTTP, on the real database through the production migrate(): settings of the
 * agency and of a branch (saved through updateSettings, audited as the person), validation errors next to the
 * fields with nothing saved, recording a meeting, the dry-run preview (nothing queued), the burden figure (no
 * names), and what leaders may not do (change anything, see other branches, preview names).
 */
describe('admin console: 提醒', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: HttpSession;
  let leader: HttpSession;
  let adminId: number;
  let first: number;
  let second: number;

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const settingsRows = (): Promise<{ unit_id: number | null; settings: unknown }[]> => q(sql`select unit_id, settings from reminder_settings order by unit_id nulls first`);
  const auditCount = async (): Promise<number> => (await q<{ n: number }>(sql`select count(*)::int as n from audit_log`))[0]!.n;
  const count = async (table: 'outbox' | 'push_log' | 'meeting_records'): Promise<number> => (await q<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n;
  const unitId = async (prefix: string): Promise<number> => (await q<{ id: number }>(sql`select id from org_units where name like ${`${prefix}%`} and kind = 'branch'`))[0]!.id;


  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    adminId = await personId(t.database, '周晓燕');
    admin = await httpSignIn(app, adminId);
    leader = await httpSignIn(app, await personId(t.database, '陈志远'));
    first = await unitId('第一党支部');
    second = await unitId('第二党支部');
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('shows every setting with its effective value and where it comes from', async () => {
    const res = await admin.get('/admin/reminders');
    expect(res.status).toBe(200);
    const body = await res.text();
    for (const label of ['截止前提醒（工作日）', '逾期提醒支部书记（工作日）', '免打扰开始', '免打扰结束', '每人每周推送上限', '组织生活提前提醒（工作日）', '主题党日（每月几日）', '支部委员会周期']) {
      expect(body).toContain(`>${label}</label>`);
    }
    expect(body).toMatch(/name="weeklyCap"[^>]*value="5"/);
    expect(body).toContain('系统默认');
    expect(body).toContain('各党支部都沿用全机关设置');
  });

  it('changes a reminder setting: saved through the domain, audited as the person, shown afterwards', async () => {
    const auditBefore = await auditCount();
    // A browser posts every field; unchanged ones must not become settings of this level.
    const res = await admin.post('/admin/reminders/settings', {
      branch: '', dueDaysBefore: '3,1', escalateSecretaryAfter: '3', escalateAdminAfter: '5', quietStart: '22:00', quietEnd: '08:00',
      weeklyCap: '3', cadenceLeadDays: '5', themeDay: '15', 'cadence.party_lecture': 'quarterly', 'cadence.appraisal': 'yearly',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/reminders');
    expect(await settingsRows()).toEqual([{ unit_id: null, settings: { quietStart: '22:00', weeklyCap: 3 } }]);
    const audit = await q<{ actor: string; action: string; subject_type: string; data: { patch: unknown } }>(
      sql`select actor, action, subject_type, data from audit_log where action = 'reminders.settings' order by id`);
    expect(audit).toEqual([{ actor: `person:${adminId}`, action: 'reminders.settings', subject_type: 'agency', data: { patch: { quietStart: '22:00', weeklyCap: 3 } } }]);
    expect(await auditCount()).toBe(auditBefore + 1);
    const page = await admin.follow(res);
    expect(page).toContain('已保存全机关（默认）的提醒设置：免打扰开始 21:00 → 22:00；每人每周推送上限 5 → 3。');
    expect(page).toMatch(/name="weeklyCap"[^>]*value="3"/);
    expect(page).toContain('本级设置');
    // The same form again: nothing changed, nothing written.
    const again = await admin.post('/admin/reminders/settings', { branch: '', weeklyCap: '3', quietStart: '22:00' });
    expect(await admin.follow(again)).toContain('没有改动，设置保持不变。');
    expect(await auditCount()).toBe(auditBefore + 1);
  });

  it('an invalid value: the errors next to the fields, nothing saved', async () => {
    const before = JSON.stringify(await settingsRows());
    const auditBefore = await auditCount();
    const res = await admin.post('/admin/reminders/settings', { branch: '', quietStart: '25:00', weeklyCap: '4', themeDay: '40', dueDaysBefore: '' });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('有 3 处需要修改，所有设置都未保存。');
    expect(body).toMatch(/id="f-quietStart-error" role="alert">免打扰开始须为 HH:mm，如 21:00。</);
    expect(body).toMatch(/id="f-themeDay-error" role="alert">主题党日（每月几日）须为 1–28 的整数。</);
    expect(body).toContain('请填写截止前提醒（工作日）。');
    // What was typed stays in the form; the valid change (weeklyCap 4) was not saved either.
    expect(body).toMatch(/name="quietStart"[^>]*value="25:00"[^>]*aria-invalid="true"/);
    expect(body).toMatch(/name="weeklyCap"[^>]*value="4"/);
    expect(JSON.stringify(await settingsRows())).toBe(before);
    expect(await auditCount()).toBe(auditBefore);
  });

  it('a branch override leaves the agency default alone and shows what is inherited', async () => {
    const res = await admin.post('/admin/reminders/settings', { branch: String(first), weeklyCap: '2', quietStart: '22:00', 'cadence.group_meeting': 'off' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/reminders?branch=${first}`);
    // quietStart 22:00 is what the branch inherits already: not stored as the branch's own.
    expect(await settingsRows()).toEqual([
      { unit_id: null, settings: { quietStart: '22:00', weeklyCap: 3 } },
      { unit_id: first, settings: { weeklyCap: 2, cadence: { group_meeting: 'off' } } },
    ]);
    const audit = await q<{ actor: string; subject_type: string; subject_id: string }>(sql`select actor, subject_type, subject_id from audit_log where action = 'reminders.settings' order by id desc limit 1`);
    expect(audit).toEqual([{ actor: `person:${adminId}`, subject_type: 'unit', subject_id: String(first) }]);
    const page = await (await admin.get(`/admin/reminders?branch=${first}`)).text();
    expect(page).toContain('第一党支部（办公室）的提醒设置');
    expect(page).toMatch(/name="weeklyCap"[^>]*value="2"/);
    const hint = (key: string): string => new RegExp(`id="f-${key}-hint">([^]*?)</div>`).exec(page)![1]!;
    expect(hint('weeklyCap')).toContain('本级设置');
    expect(hint('quietStart')).toContain('沿用全机关设置');
    expect(hint('quietEnd')).toContain('系统默认');
    expect(hint('cadence-group_meeting')).toContain('现在：不提醒');
    const agency = await (await admin.get('/admin/reminders')).text();
    expect(agency).toContain(`href="/admin/reminders?branch=${first}"`);
    expect(agency).toContain('每人每周推送上限：2；党小组会周期：不提醒');
    // A branch that does not exist.
    expect((await admin.post('/admin/reminders/settings', { branch: '99999', weeklyCap: '2' })).status).toBe(404);
  });

  it('a branch gives its own value back: the field follows the agency again, audited; the typed value is not saved', async () => {
    const before = await q<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'reminders.settings_cleared'`);
    // weeklyCap is handed back (and its typed 9 ignored); the meeting cadence stays the branch's own.
    const res = await admin.post('/admin/reminders/settings', { branch: String(first), weeklyCap: '9', inherit: 'weeklyCap' });
    expect(res.status).toBe(303);
    expect(await settingsRows()).toEqual([
      { unit_id: null, settings: { quietStart: '22:00', weeklyCap: 3 } },
      { unit_id: first, settings: { cadence: { group_meeting: 'off' } } },
    ]);
    const audit = await q<{ actor: string; data: { keys: string[] } }>(sql`select actor, data from audit_log where action = 'reminders.settings_cleared' order by id desc limit 1`);
    expect(audit).toEqual([{ actor: `person:${adminId}`, data: { keys: ['weeklyCap'] } }]);
    const page = await (await admin.get(`/admin/reminders?branch=${first}`)).text();
    expect(new RegExp('id="f-weeklyCap-hint">([^]*?)</div>').exec(page)![1]).toContain('沿用全机关设置');
    // Only a branch's own keys can be given back; the agency has nothing to inherit from.
    await admin.post('/admin/reminders/settings', { branch: '', inherit: 'weeklyCap' });
    expect((await settingsRows())[0]).toEqual({ unit_id: null, settings: { quietStart: '22:00', weeklyCap: 3 } });
    expect((await q<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'reminders.settings_cleared'`))[0]!.n).toBe(before[0]!.n + 1);
    // Back to the branch's earlier value for the tests below.
    expect((await admin.post('/admin/reminders/settings', { branch: String(first), weeklyCap: '2' })).status).toBe(303);
  });

  it('a leader looks but cannot change anything, and sees only their branches', async () => {
    const before = JSON.stringify(await settingsRows());
    const page = await leader.get('/admin/reminders');
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).not.toContain('action="/admin/reminders/settings"');
    expect(body).toContain('领导账号只能查看');
    expect(body).toContain('第二党支部');
    expect(body).not.toContain('第一党支部');
    expect(body).not.toContain('/admin/reminders/preview');
    const post = await leader.post('/admin/reminders/settings', { branch: '', weeklyCap: '9' });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('领导账号只能查看，不能修改');
    expect((await leader.post('/admin/reminders/settings', { branch: String(second), weeklyCap: '9' })).status).toBe(403);
    expect(JSON.stringify(await settingsRows())).toBe(before);
    expect((await leader.get(`/admin/reminders?branch=${first}`)).status).toBe(403);
    expect((await leader.get(`/admin/reminders?branch=${second}`)).status).toBe(200);
    const meetings = await leader.post('/admin/reminders/meetings', { branch: String(second), kind: 'branch_committee', heldOn: '2026-11-20' });
    expect(meetings.status).toBe(403);
    expect(await count('meeting_records')).toBe(0);
    const meetingsPage = await (await leader.get('/admin/reminders/meetings')).text();
    expect(meetingsPage).toContain('第二党支部');
    expect(meetingsPage).not.toContain('第一党支部');
    expect(meetingsPage).not.toContain('method="post" action="/admin/reminders/meetings"');
    expect((await leader.get('/admin/reminders/preview?date=2026-11-23')).status).toBe(403);
  });

  it('a POST without the CSRF token is refused and changes nothing', async () => {
    const before = JSON.stringify(await settingsRows());
    const res = await admin.post('/admin/reminders/settings', { branch: '', weeklyCap: '7' }, { csrf: false });
    expect(res.status).toBe(403);
    expect(JSON.stringify(await settingsRows())).toBe(before);
    expect((await admin.post('/admin/reminders/meetings', { branch: String(first), kind: 'branch_committee', heldOn: '2026-10-20' }, { csrf: false })).status).toBe(403);
    expect(await count('meeting_records')).toBe(0);
  });

  it('records a meeting held: the overdue line goes, audited as the person; bad input saves nothing', async () => {
    const page = await (await admin.get('/admin/reminders/meetings')).text();
    expect(page).toMatch(/第一党支部（办公室）<\/td><td>支部委员会<\/td><td><span[^>]*>2026-10</);
    const bad = await admin.post('/admin/reminders/meetings', { branch: String(first), kind: '茶话会', heldOn: '2026-12-01', minutesUrl: 'javascript:alert(1)' });
    expect(bad.status).toBe(400);
    const badBody = await bad.text();
    expect(badBody).toContain('未知的会议类型“茶话会”');
    expect(badBody).toContain('召开日期不能晚于今天');
    expect(badBody).toContain('会议记录链接须为 http:// 或 https:// 开头的网址');
    expect(await count('meeting_records')).toBe(0);

    const ok = await admin.post('/admin/reminders/meetings', { branch: String(first), kind: 'branch_committee', heldOn: '2026-10-20', minutesUrl: 'https://oa.example.cn/minutes/1' });
    expect(ok.status).toBe(303);
    expect(await q(sql`select unit_id, kind, held_on::text as held_on, minutes_url, recorded_by, recorded_via from meeting_records`)).toEqual([
      { unit_id: first, kind: 'branch_committee', held_on: '2026-10-20', minutes_url: 'https://oa.example.cn/minutes/1', recorded_by: adminId, recorded_via: 'admin' },
    ]);
    expect(await q(sql`select actor, subject_id from audit_log where action = 'meeting.record'`)).toEqual([{ actor: `person:${adminId}`, subject_id: String(first) }]);
    const after = await admin.follow(ok);
    expect(after).toContain('已登记：第一党支部（办公室） 支部委员会 2026-10-20');
    expect(after).not.toMatch(/第一党支部（办公室）<\/td><td>支部委员会<\/td><td><span[^>]*>2026-10</);
    expect(after).toContain('href="https://oa.example.cn/minutes/1"');
  });

  it('previews a day: who gets what and when, and the outbox stays as it was', async () => {
    const outbox = await count('outbox');
    const log = await count('push_log');
    const res = await admin.get('/admin/reminders/preview?date=2026-11-23&time=08:30');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('2026-11-23 08:30 的提醒（预览，未发送）');
    const lines = [...body.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]*)<\/td><td>组织生活提醒<\/td><td>([^<]+)<\/td>/g)].map((m) => [m[1], m[3]]);
    expect(lines.length).toBeGreaterThan(0);
    // 王海峰, secretary of 第一党支部, is told about the 党小组会? No: that branch turned it off above.
    expect(lines).toContainEqual(['王海峰', '三会一课提醒：支部委员会']);
    expect(lines).not.toContainEqual(['王海峰', '三会一课提醒：党小组会']);
    expect(body).toContain('按时发送');
    expect(await count('outbox')).toBe(outbox);
    expect(await count('push_log')).toBe(log);
    // The same as the API's preview (one code path): as many rows.
    const direct = await runDailyReminders({ database: t.database, calendar: app.deps.calendar, timezone: 'Asia/Shanghai', links: app.deps.links, platforms: enabledPlatforms(app.deps.config) }, instantAt('2026-11-23', '08:30', 'Asia/Shanghai'), { dryRun: true });
    expect(body).toContain(`共 ${direct.pushes.length} 条`);
    expect(await count('outbox')).toBe(outbox);
    const bad = await admin.get('/admin/reminders/preview?date=2026-13-45&time=8点');
    expect(bad.status).toBe(400);
    const badBody = await bad.text();
    expect(badBody).toContain('请选择日期（年-月-日）');
    expect(badBody).toContain('时间须为 24 小时制 HH:mm');
  });

  it('the burden page: a distribution by week and kind, no names', async () => {
    const empty = await (await admin.get('/admin/reminders/burden')).text();
    expect(empty).toContain('近 4 周还没有推送记录');
    // Let the real job run once: pushes are logged and queued.
    const run = await runDailyReminders({ database: t.database, calendar: app.deps.calendar, timezone: 'Asia/Shanghai', links: app.deps.links, platforms: enabledPlatforms(app.deps.config) }, instantAt('2026-11-23', '08:30', 'Asia/Shanghai'));
    expect(run.enqueued).toBeGreaterThan(0);
    const people = (await q<{ n: number }>(sql`select count(distinct person_id)::int as n from push_log`))[0]!.n;
    const res = await admin.get('/admin/reminders/burden?weeks=8');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('2026年 11-23 至 11-29');
    expect(body).toMatch(new RegExp(`全部推送（\\d+% 的人收到）</th><td class="num">${people}</td>`));
    expect(body).toContain('组织生活提醒');
    expect(body).toContain('没有人超过每周上限');
    const names = await q<{ name: string }>(sql`select distinct p.name from push_log l join people p on p.id = l.person_id`);
    for (const { name } of names) expect(body).not.toContain(name);
    expect((await leader.get('/admin/reminders/burden')).status).toBe(200);
    expect((await admin.get('/admin/reminders/burden?weeks=99')).status).toBe(400);
  });
});
