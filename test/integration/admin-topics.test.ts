import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { httpSignIn, personId, type HttpSession } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

/**
 * 每月主题 in the admin console over HTTP: create a month's topic (validated in Chinese, audited), preview the card
 * as the sandbox, WeCom and DingTalk show it (the same builder and renderers as the push), see when it goes out,
 * push it now (outbox rows) and push again (nothing new), and leaders / missing CSRF tokens refused.
 */
describe(`admin console: monthly topics (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: HttpSession;
  let leader: HttpSession;
  let adminId: number;

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const n = async (query: string): Promise<number> => Number((await q<{ n: number }>(sql.raw(`select count(*)::int as n from ${query}`)))[0]!.n);
  const state = async (): Promise<{ topics: number; items: number; outbox: number; assignments: number; audit: number }> => ({
    topics: await n('topics'), items: await n('plan_items where topic_id is not null'), outbox: await n('outbox'), assignments: await n('assignments'),
    audit: await n("audit_log where action like 'topic.%'"),
  });

  const december = {
    month: '2026-12', title: '学习贯彻全会精神', summary: '本月集中学习全会公报，结合岗位撰写心得。',
    material_title: ['全会公报全文', '专题党课视频', ''], material_url: ['https://www.gov.cn/', 'https://www.12371.cn/', ''],
    required: '原文学习全会公报\n观看专题党课视频\n\n撰写一篇学习心得',
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    adminId = await personId(t.database, '周晓燕');
    admin = await httpSignIn(app, adminId);
    leader = await httpSignIn(app, await personId(t.database, '陈志远'));
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('lists the months’ topics with their push state; the form suggests the next free month', async () => {
    const list = await (await admin.get('/admin/topics')).text();
    expect(list).toContain('2026年11月');
    expect(list).toContain('学习贯彻党的二十届四中全会精神');
    // The demo topic was not pushed and 2026-11-02 09:00 has passed.
    expect(list).toContain('第一个工作日 2026-11-02 09:00 已过');
    expect(list).toContain('href="/admin/topics/new"');
    const form = await (await admin.get('/admin/topics/new')).text();
    expect(form).toContain('value="2026-12"');
    expect(form).toContain('<label for="t-title">主题标题</label>');
  });

  it('previews the card as each platform shows it, without saving', async () => {
    const before = await state();
    const res = await admin.post('/admin/topics/preview', december);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('卡片预览（尚未保存）');
    // Sandbox: the adapter's own HTML, its buttons disabled in the preview.
    expect(page).toMatch(/<fieldset disabled[^>]*><article class="card card-monthly-topic"/);
    expect(page).toContain('<h3 class="card-title">2026年12月主题</h3>');
    expect(page).not.toContain('action="/sandbox/actions"'); // a preview posts nothing
    // WeCom: template_card as a mock-up and as JSON.
    expect(page).toContain('企业微信');
    expect(page).toContain('模板卡片 button_interaction');
    expect(page).toContain('查看发送的 template_card JSON');
    expect(page).toContain('&quot;card_type&quot;: &quot;button_interaction&quot;');
    expect(page).toContain('<p class="pv-title">2026年12月主题</p>');
    // DingTalk: the ActionCard (no card template configured) and the interactive card's variables.
    expect(page).toContain('ActionCard');
    expect(page).toMatch(/查看机器人消息 JSON（sampleActionCard\d?）/);
    expect(page).toContain('查看卡片变量 cardParamMap JSON');
    for (const text of ['原文学习全会公报', '观看专题党课视频', '撰写一篇学习心得', '全会公报全文']) expect(page).toContain(text);
    // The typed values stay in the form.
    expect(page).toContain('value="学习贯彻全会精神"');
    expect(await state()).toEqual(before);
  });

  it('refuses a bad topic in Chinese and saves nothing', async () => {
    const before = await state();
    const res = await admin.post('/admin/topics', { ...december, title: '', material_url: ['javascript:alert(1)', 'https://www.12371.cn/', ''] });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('主题标题不能为空');
    expect(page).toContain('第1份学习材料的链接不是 http(s) 地址');
    expect(page).not.toContain('href="javascript:');
    const noMonth = await admin.post('/admin/topics', { ...december, month: '2026-13' });
    expect(noMonth.status).toBe(400);
    expect(await noMonth.text()).toContain('月份须为 YYYY-MM');
    expect(await state()).toEqual(before);
  });

  it('creates the topic (audited), shows the previews and when it will be pushed', async () => {
    const res = await admin.post('/admin/topics', december);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/topics/2026-12');
    const [topic] = await q<{ id: number; title: string; summary: string; materials: unknown; pushed_at: unknown }>(sql`select id, title, summary, materials, pushed_at from topics where month = '2026-12'`);
    expect(topic).toMatchObject({ title: '学习贯彻全会精神', summary: '本月集中学习全会公报，结合岗位撰写心得。', pushed_at: null });
    expect(topic!.materials).toEqual([{ title: '全会公报全文', url: 'https://www.gov.cn/' }, { title: '专题党课视频', url: 'https://www.12371.cn/' }]);
    const items = await q<{ title: string; list_kind: string; due_date: string }>(sql`select title, list_kind::text, due_date::text from plan_items where topic_id = ${topic!.id} order by position`);
    expect(items).toEqual(['原文学习全会公报', '观看专题党课视频', '撰写一篇学习心得'].map((title) => ({ title, list_kind: 'must_study', due_date: '2026-12-31' })));
    const audit = await q<{ actor: string; action: string }>(sql`select actor, action from audit_log where subject_type = 'topic' and subject_id = ${String(topic!.id)}`);
    expect(audit).toEqual([{ actor: `person:${adminId}`, action: 'topic.create' }]);

    const page = await admin.follow(res);
    expect(page).toContain('已新建 2026年12月主题。');
    expect(page).toContain('将于本月第一个工作日 <strong>2026-12-01 09:00</strong> 自动推送');
    expect(page).toContain('模板卡片 button_interaction');
    expect(page).toContain('ActionCard');
    expect(page).toContain('card-monthly-topic');

    const again = await admin.post('/admin/topics', december);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('2026年12月已有主题');

    const edit = await admin.post('/admin/topics/2026-12', { ...december, title: '深入学习贯彻全会精神' });
    expect(edit.status).toBe(303);
    const [edited] = await q<{ title: string }>(sql`select title from topics where month = '2026-12'`);
    expect(edited!.title).toBe('深入学习贯彻全会精神');
    expect(await n("audit_log where action = 'topic.update'")).toBe(1);
  });

  it('leaders may look but not change or push; a POST without the CSRF token is refused', async () => {
    const before = await state();
    const list = await (await leader.get('/admin/topics')).text();
    expect(list).toContain('深入学习贯彻全会精神');
    expect(list).not.toContain('href="/admin/topics/new"');
    const page = await (await leader.get('/admin/topics/2026-12')).text();
    expect(page).toContain('模板卡片 button_interaction');
    expect(page).not.toContain('立即推送');
    for (const [path, fields] of [
      ['/admin/topics', { ...december, month: '2027-01' }],
      ['/admin/topics/2026-12', { ...december, title: '领导改的' }],
      ['/admin/topics/preview', december],
      ['/admin/topics/2026-12/push', {}],
    ] as const) {
      const res = await leader.post(path, fields);
      expect(res.status, path).toBe(403);
      expect(await res.text(), path).toContain('领导账号只能查看');
    }
    expect((await leader.get('/admin/topics/2026-12/push')).status).toBe(403);
    expect((await leader.get('/admin/topics/new')).status).toBe(403);
    const noCsrf = await admin.post('/admin/topics/2026-12/push', {}, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(await state()).toEqual(before);
  });

  it('立即推送 queues the cards once; pushing again sends nothing twice', async () => {
    const confirm = await (await admin.get('/admin/topics/2026-12/push')).text();
    expect(confirm).toContain('确认立即推送');
    expect(confirm).toContain('已经收到本月主题的人不会重复收到');
    const members = await n('people where active');
    const before = await state();

    const first = await admin.post('/admin/topics/2026-12/push');
    expect(first.status).toBe(303);
    const cards = await n("outbox where idempotency_key like 'topic:2026-12:%'");
    expect(cards).toBe(members);
    const [topic] = await q<{ id: number; pushed_at: unknown }>(sql`select id, pushed_at from topics where month = '2026-12'`);
    expect(topic!.pushed_at).not.toBeNull();
    expect(await n(`assignments where item_id in (select id from plan_items where topic_id = ${topic!.id})`)).toBe(3 * members);
    const pushAudit = await q<{ actor: string; data: { queued: number; status: string } }>(sql`select actor, data from audit_log where action = 'topic.push'`);
    expect(pushAudit).toHaveLength(1);
    expect(pushAudit[0]!.actor).toBe(`person:${adminId}`);
    expect(pushAudit[0]!.data).toMatchObject({ status: 'pushed', queued: (await state()).outbox - before.outbox });
    const page = await admin.follow(first);
    expect(page).toMatch(/已推送 2026年12月主题：新加入发送队列 \d+ 条消息（主题卡片覆盖 \d+ 人/);
    expect(page).toContain('<span class="badge ok">已推送</span>');

    const afterFirst = await state();
    const second = await admin.post('/admin/topics/2026-12/push');
    expect(second.status).toBe(303);
    expect((await state()).outbox).toBe(afterFirst.outbox);
    expect((await state()).assignments).toBe(afterFirst.assignments);
    expect(await admin.follow(second)).toContain('没有新的消息需要发送');

    // Once pushed, 必学 items can be reworded but not added.
    const more = await admin.post('/admin/topics/2026-12', { ...december, required: `${december.required}\n新增第四项` });
    expect(more.status).toBe(409);
    expect(await more.text()).toContain('已推送，不能再增加必学内容');
    expect(await n(`plan_items where topic_id = ${topic!.id}`)).toBe(3);
  });

  it('unknown months are 404 pages', async () => {
    expect((await admin.get('/admin/topics/2031-05')).status).toBe(404);
    expect((await admin.get('/admin/topics/nonsense')).status).toBe(404);
  });
});
