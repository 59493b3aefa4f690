import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { httpSignIn, personId } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The console's door: sign-in links (single use, 10 minutes, admins and leaders only), the session cookie
 * (HttpOnly, SameSite=Lax, idle timeout), CSRF on every POST, roles re-checked on every request, audit entries.
 */
describe('admin console sign-in and session', () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: number;
  let member: number;
  let leader: number;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    admin = await personId(t.database, '周晓燕');
    member = await personId(t.database, '张伟');
    leader = await personId(t.database, '陈志远');
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const tokenOf = (url: string): string => new URL(url).searchParams.get('t')!;
  const postSignIn = (token: string): Promise<Response> => fetch(`${app.url}/admin/signin`, { method: 'POST', body: new URLSearchParams({ t: token }), redirect: 'manual' });

  it('the link opens a confirmation page; pressing the button signs in once, with a safe cookie', async () => {
    const url = app.deps.links.adminSignIn(admin);
    expect(url).toMatch(/^http:\/\/localhost:3000\/admin\/signin\?t=/);
    const page = await fetch(`${app.url}/admin/signin?t=${encodeURIComponent(tokenOf(url))}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('进入管理后台');
    // Opening the page spends nothing: a link previewer fetching it does not use the link up.
    const first = await postSignIn(tokenOf(url));
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/admin');
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith('djb_admin='))!;
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
    expect(cookie).toMatch(/path=\/admin/i);
    expect(cookie).not.toMatch(/secure/i); // http PUBLIC_BASE_URL in tests; https → Secure (below)
    const home = await fetch(`${app.url}/admin`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(home.status).toBe(200);
    const body = await home.text();
    expect(body).toContain('周晓燕 · 管理员');
    expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    // Second use of the same link: refused, no cookie.
    const again = await postSignIn(tokenOf(url));
    expect(again.status).toBe(403);
    expect(await again.text()).toContain('该登录链接已使用过');
    expect(again.headers.getSetCookie().some((c) => c.startsWith('djb_admin=') && !c.startsWith('djb_admin=;'))).toBe(false);
    const audit = rows<{ action: string; actor: string }>(await t.database.db.execute(sql`select action, actor from audit_log where action = 'admin.sign_in' order by id`));
    expect(audit).toEqual([{ action: 'admin.sign_in', actor: `person:${admin}` }]);
  });

  it('refuses expired, tampered and other people’s kinds of links, and members', async () => {
    const url = app.deps.links.adminSignIn(admin);
    app.clock.advance(11 * 60_000);
    const expired = await postSignIn(tokenOf(url));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('登录链接已过期');
    const fresh = tokenOf(app.deps.links.adminSignIn(admin));
    const tampered = await postSignIn(`${fresh.slice(0, -2)}${fresh.endsWith('AA') ? 'BB' : 'AA'}`);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('登录链接无效');
    // A digest link for the same person is signed with the same secret but for another resource.
    const digest = await postSignIn(tokenOf(app.deps.links.digest(admin, '2026-11-23')));
    expect(digest.status).toBe(403);
    const asMember = await fetch(`${app.url}/admin/signin?t=${encodeURIComponent(tokenOf(app.deps.links.adminSignIn(member)))}`);
    expect(asMember.status).toBe(403);
    expect(await asMember.text()).toContain('仅供机关党委管理员和机关领导使用');
    expect((await postSignIn(tokenOf(app.deps.links.adminSignIn(member)))).status).toBe(403);
  });

  it('without a session: 401 page that says how to get a link; a made-up cookie is no better', async () => {
    const res = await fetch(`${app.url}/admin/org`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('发送“管理后台”');
    const fake = await fetch(`${app.url}/admin`, { headers: { cookie: 'djb_admin=' + 'x'.repeat(43) } });
    expect(fake.status).toBe(401);
  });

  it('every POST needs the session’s CSRF token', async () => {
    const s = await httpSignIn(app, admin);
    const missing = await s.post('/admin/signout', {}, { csrf: false });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('安全校验失败');
    const wrong = await fetch(`${app.url}/admin/signout`, { method: 'POST', headers: { cookie: s.cookie }, body: new URLSearchParams({ _csrf: 'A'.repeat(43) }) });
    expect(wrong.status).toBe(403);
    // Another session's token does not fit this session.
    const other = await httpSignIn(app, admin);
    expect((await fetch(`${app.url}/admin/signout`, { method: 'POST', headers: { cookie: s.cookie }, body: new URLSearchParams({ _csrf: other.csrf }) })).status).toBe(403);
    expect((await s.get('/admin')).status).toBe(200); // still signed in: nothing happened
    // A field PostgreSQL could not store (NUL): refused for every form before any handler runs.
    const nul = await s.post('/admin/signout', { note: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain('无法保存的字符');
    expect((await s.get('/admin')).status).toBe(200);
    const out = await s.post('/admin/signout');
    expect(out.status).toBe(200);
    expect(await out.text()).toContain('您已退出管理后台');
    expect((await s.get('/admin')).status).toBe(401);
  });

  it('a session ends after the idle time, and at once when the person loses the role', async () => {
    const s = await httpSignIn(app, admin);
    app.clock.advance(29 * 60_000);
    expect((await s.get('/admin')).status).toBe(200);
    app.clock.advance(29 * 60_000); // 29 minutes after the last request: still alive
    expect((await s.get('/admin')).status).toBe(200);
    app.clock.advance(31 * 60_000);
    expect((await s.get('/admin')).status).toBe(401);

    const l = await httpSignIn(app, leader);
    const home = await (await l.get('/admin')).text();
    expect(home).toContain('陈志远 · 领导（只读）');
    // Counts of the leader's own branches only (第二、第三党支部), not the agency's five.
    expect(home).toMatch(/分管 2 个党支部 · \d+ 人/);
    await t.database.db.execute(sql`delete from person_roles where person_id = ${leader} and role = 'leader'`);
    const after = await l.get('/admin');
    expect(after.status).toBe(403);
    expect(await after.text()).toContain('不再是管理员/领导');
    await t.database.db.execute(sql`insert into person_roles (person_id, role, scope_unit_id) select ${leader}, 'leader', id from org_units where name in ('第二党支部', '第三党支部')`);
    expect((await l.get('/admin')).status).toBe(401); // that session was ended, not resumed
  });

  it('Secure cookie when the public address is https', async () => {
    const https = await startTestApp(t.database, { PUBLIC_BASE_URL: 'https://dangjian.example.gov.cn' });
    try {
      const token = tokenOf(https.deps.links.adminSignIn(admin));
      const res = await fetch(`${https.url}/admin/signin`, { method: 'POST', body: new URLSearchParams({ t: token }), redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('djb_admin='))).toMatch(/;\s*secure/i);
    } finally {
      await https.close();
    }
  });
});
