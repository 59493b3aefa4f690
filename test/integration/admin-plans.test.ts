import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { verifyAuditChain } from '../../src/db/repositories/audit.js';
import { seedDemo } from '../../src/demo.js';
import { httpSignIn, personId, type HttpSession } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

/**
 * 计划 in the admin console over HTTP, on the real database: import the shared 工作要点 fixture through the
 * side-by-side preview (nothing saved until 确认保存), broken files refused in Chinese with nothing saved, the plan
 * page's completion per item and per branch (a limited leader sees only their branches), editing an item
 * (validated, audited, due date carried to assignments), and leaders / missing CSRF tokens refused.
 */
const repoRoot = resolve(import.meta.dirname, '../..');
const FIXTURE = resolve(repoRoot, '../shared/fixtures/plans/work-points-2023.txt');
const DOCX = resolve(repoRoot, 'test/fixtures/plans/work-points-2023.docx');

describe(`admin console: plans (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: HttpSession;
  let leaderAll: HttpSession;
  let leaderLimited: HttpSession;
  let adminId: number;
  let planId: number;

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const count = async (table: string): Promise<number> => Number((await q<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
  const counts = async (): Promise<Record<string, number>> => ({
    plans: await count('plans'), plan_items: await count('plan_items where plan_id is not null'), assignments: await count('assignments'), audit: await count('audit_log'),
  });
  const tokenOf = (page: string): string => /name="preview" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const upload = (s: HttpSession, name: string, data: Buffer, fields: Record<string, string> = { assign: 'branches' }): Promise<Response> =>
    s.upload('/admin/plans/import', fields, { file: { name, data, type: 'application/octet-stream' } });

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    adminId = await personId(t.database, '周晓燕');
    admin = await httpSignIn(app, adminId);
    leaderAll = await httpSignIn(app, await personId(t.database, '刘建国'));
    leaderLimited = await httpSignIn(app, await personId(t.database, '陈志远'));
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('an empty install says what to do first', async () => {
    const page = await (await admin.get('/admin/plans')).text();
    expect(page).toContain('还没有导入计划，点击这里导入');
    expect(page).toContain('href="/admin/plans/import"');
    const leaderPage = await (await leaderAll.get('/admin/plans')).text();
    expect(leaderPage).toContain('还没有导入计划');
    expect(leaderPage).not.toContain('href="/admin/plans/import"');
  });

  it('broken files are refused in Chinese and nothing is saved', async () => {
    const before = await counts();
    const cases: [string, Buffer, string][] = [
      ['空文件.txt', Buffer.alloc(0), '是空的'],
      ['计划.pdf', Buffer.from('%PDF-1.4 not a plan'), '不支持的文件类型'],
      ['计划.doc', Buffer.from('old word'), '不支持旧版 Word 文件'],
      ['没有编号.txt', Buffer.from('2024年工作要点\n认真做好各项工作。\n继续努力。\n'), '没有找到任何带编号的条目'],
      ['坏的.docx', Buffer.from('this is not a zip'), '无法读取 Word 文件'],
    ];
    for (const [name, data, message] of cases) {
      const res = await upload(admin, name, data);
      const page = await res.text();
      expect(res.status, name).toBe(400);
      expect(page, name).toContain(message);
      expect(page, name).toContain('未保存任何内容');
      expect(tokenOf(page), name).toBe('');
      expect(page, name).not.toContain('action="/admin/plans/import/confirm"');
    }
    const noFile = await admin.upload('/admin/plans/import', { assign: 'branches' }, {});
    expect(noFile.status).toBe(400);
    expect(await noFile.text()).toContain('请选择要导入的计划文件');
    const badYear = await upload(admin, 'work-points-2023.txt', readFileSync(FIXTURE), { year: '99', assign: 'branches' });
    expect(badYear.status).toBe(400);
    expect(await badYear.text()).toContain('计划年度“99”不合法');
    expect(await counts()).toEqual(before);
  });

  it('imports the shared fixture: side-by-side preview first, saved only by 确认保存, exactly as previewed', async () => {
    const before = await counts();
    const res = await upload(admin, 'work-points-2023.txt', readFileSync(FIXTURE));
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('导入预览');
    expect(page).toContain('class="side-by-side"');
    // Left: the document as read, numbered like the parser's warnings; right: the tree with its fields.
    expect(page).toContain('文档原文（读取到的内容）');
    expect(page).toMatch(/<span class="no">4<\/span><span class="text"><strong>一、认真学习贯彻党的二十大精神，推进政治型机关建设<\/strong><\/span>/);
    expect(page).toContain('<span class="no">5</span><span class="text"><strong>1.以县处级以上领导干部为重点深入开展主题教育。</strong>把开展主题教育');
    expect(page).toContain('识别出的条目（方面 → 目标 → 任务）');
    expect(page).toContain('一、认真学习贯彻党的二十大精神，推进政治型机关建设');
    expect(page).toContain('1.以县处级以上领导干部为重点深入开展主题教育');
    expect(page).toContain('五型：政治型');
    expect(page).toContain('完成时限 2023-12-31');
    expect(page).toContain('工作清单');
    expect(page).toContain('新计划');
    expect(page).toContain('新增条目 31 条');
    expect(page).toContain('新分派 125 条（5 个党支部）');
    expect(page).toContain('确认保存');
    // Nothing written by the preview.
    expect(await counts()).toEqual(before);

    // Another session cannot use this preview, nor can an altered token.
    const token = tokenOf(page);
    expect(token.length).toBeGreaterThan(100);
    const other = await httpSignIn(app, adminId);
    const beforeConfirm = await counts(); // signing in is audited
    const stolen = await other.post('/admin/plans/import/confirm', { preview: token });
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toContain('预览已过期');
    const [data, sig] = token.split('.');
    const altered = await admin.post('/admin/plans/import/confirm', { preview: `${data!.slice(0, -4)}AAAA.${sig}` });
    expect(altered.status).toBe(400);
    expect(await counts()).toEqual(beforeConfirm);

    const saved = await admin.post('/admin/plans/import/confirm', { preview: token });
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location')!;
    expect(location).toMatch(/^\/admin\/plans\/\d+$/);
    planId = Number(location.split('/').pop());
    const [plan] = await q<{ year: number; title: string; source_name: string; created_by: string }>(sql`select year, title, source_name, created_by from plans where id = ${planId}`);
    expect(plan).toEqual({ year: 2023, title: '2023年区党建工作要点', source_name: 'work-points-2023.txt', created_by: `person:${adminId}` });
    const levels = await q<{ level: string; n: number }>(sql`select level::text, count(*)::int as n from plan_items where plan_id = ${planId} group by 1 order by 1`);
    expect(levels).toEqual([{ level: 'aspect', n: 6 }, { level: 'task', n: 25 }]);
    expect(await count('assignments where item_id in (select id from plan_items where plan_id is not null)')).toBe(125);
    const audit = await q<{ action: string; actor: string }>(sql`select action, actor from audit_log where action = 'plan.import'`);
    expect(audit).toEqual([{ action: 'plan.import', actor: `person:${adminId}` }]);
    const flash = await (await fetch(`${app.url}${location}`, { headers: { cookie: `${admin.cookie}; ${saved.headers.getSetCookie().find((c) => c.startsWith('djb_flash='))!.split(';')[0]}` } })).text();
    expect(flash).toContain('已保存 2023年《2023年区党建工作要点》：新增条目 31 条，新分派 125 条。');

    // The same confirmation again saves nothing twice.
    const after = await counts();
    const again = await admin.post('/admin/plans/import/confirm', { preview: token });
    expect(again.status).toBe(303);
    expect(await counts()).toEqual(after);
  });

  it('a re-import shows what changes; an expired preview saves nothing', async () => {
    const same = await (await upload(admin, 'work-points-2023.docx', readFileSync(DOCX))).text();
    expect(same).toContain('再次导入');
    const changedText = readFileSync(FIXTURE, 'utf8')
      .replace('25.严格督查考核。', '25.严格督查考核。10月底前完成。')
      .concat('\n26.新增一项测试任务。6月底前完成。\n');
    const res = await upload(admin, 'work-points-2023.txt', Buffer.from(changedText));
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('与已保存计划相比的改动');
    expect(page).toMatch(/<li class="diff-add">新增任务 [^<]*新增一项测试任务<\/li>/);
    expect(page).toMatch(/<li class="diff-change">修改任务 [^<]*严格督查考核：内容有改动；完成时限 2023-12-31→2023-10-31<\/li>/);
    expect(page).toContain('新分派 5 条（5 个党支部）');
    app.clock.advance(31 * 60_000);
    // Sessions idle out after 30 minutes as well: sign in again; the old preview still does not work.
    admin = await httpSignIn(app, adminId);
    leaderAll = await httpSignIn(app, await personId(t.database, '刘建国'));
    leaderLimited = await httpSignIn(app, await personId(t.database, '陈志远'));
    const before = await counts();
    const expired = await admin.post('/admin/plans/import/confirm', { preview: tokenOf(page) });
    expect(expired.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('the plan page shows completion per item and per branch; a limited leader sees only their branches', async () => {
    // 第二党支部 completes one task (the way the secretary would: an append-only completion record).
    const [a] = await q<{ id: number; unit_id: number; title: string }>(sql`
      select a.id, a.unit_id, i.title from assignments a join plan_items i on i.id = a.item_id join org_units u on u.id = a.unit_id
      where i.plan_id = ${planId} and i.path = '一、/1.' and u.name like '第二党支部%'`);
    const secretary = await personId(t.database, '何建华');
    await t.database.db.execute(sql`insert into completion_records (assignment_id, person_id, action, source, at) values (${a!.id}, ${secretary}, 'complete', 'admin', now())`);

    const page = await (await admin.get(`/admin/plans/${planId}`)).text();
    expect(page).toContain('各党支部完成情况');
    for (const b of ['第一党支部（办公室）', '第二党支部（政策法规处）', '第五党支部（机关服务中心）']) expect(page).toContain(b);
    // 2023's plan, seen in 2026: every open assignment is overdue.
    expect(page).toMatch(/第二党支部（政策法规处）<\/th><td class="num">25<\/td><td class="num">1<\/td><td class="num"><span class="badge bad">24<\/span><\/td><td class="num">4%<\/td>/);
    expect(page).toMatch(/合计<\/th><td class="num">125<\/td><td class="num">1<\/td><td class="num">124<\/td>/);
    expect(page).toContain('完成 1/5');

    const limited = await (await leaderLimited.get(`/admin/plans/${planId}`)).text();
    expect(limited).toContain('仅列出您分管范围内的党支部');
    expect(limited).toContain('第二党支部（政策法规处）');
    expect(limited).toContain('第三党支部（规划财务处）');
    expect(limited).not.toContain('第一党支部');
    expect(limited).not.toContain('第五党支部');
    expect(limited).toMatch(/合计<\/th><td class="num">50<\/td><td class="num">1<\/td>/);
    expect(limited).not.toContain('修改条目');
    const list = await (await leaderLimited.get('/admin/plans')).text();
    expect(list).toMatch(/<td class="num">50<\/td><td class="num">1<\/td>/);
    const item = await (await leaderLimited.get(`/admin/plans/${planId}/items/${(await itemId('一、/1.'))}`)).text();
    expect(item).toContain('第二党支部（政策法规处）');
    expect(item).not.toContain('第一党支部');
    expect(item).not.toContain('修改条目');
  });

  async function itemId(path: string): Promise<number> {
    const [r] = await q<{ id: number }>(sql`select id from plan_items where plan_id = ${planId} and path = ${path}`);
    return Number(r!.id);
  }

  it('an admin edits an item: validated in Chinese, saved with an audit entry, the due date carried to its assignments', async () => {
    const id = await itemId('二、/6.');
    // One branch has already done it: its assignment keeps the date it was done against.
    const [doneOne] = await q<{ id: number }>(sql`select a.id from assignments a join org_units u on u.id = a.unit_id where a.item_id = ${id} and u.name like '第四党支部%'`);
    await t.database.db.execute(sql`insert into completion_records (assignment_id, person_id, action, source, at) values (${doneOne!.id}, ${adminId}, 'complete', 'admin', now())`);
    const form = await (await admin.get(`/admin/plans/${planId}/items/${id}`)).text();
    expect(form).toContain('修改条目');
    expect(form).toContain('未完成且仍按原完成时限的分派（4 条）随之调整；已完成的分派（1 条）保留原完成时限');
    const [branch] = await q<{ id: number }>(sql`select id from org_units where name = '第一党支部（办公室）'`);
    const valid = {
      title: '全力服务自治区党委政府中心工作', text: '主动谋划、靠前服务、推进落实。', dueDate: '2023-09-30', unitId: String(branch!.id),
      personName: '王海峰', responsibleText: '', listKind: 'innovation', dimensions: ['服务型', '实干型'],
    };
    const before = await counts();
    const bad = await admin.post(`/admin/plans/${planId}/items/${id}`, { ...valid, dueDate: '2030-01-01', personName: '不存在的人', listKind: 'nonsense', dimensions: ['服务型', '快乐型'] });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('完成时限应在 2023-01-01 至 2024-12-31 之间');
    expect(badPage).toContain('找不到名为“不存在的人”的在用人员');
    expect(badPage).toContain('清单类型“nonsense”无法识别');
    expect(badPage).toContain('五型维度“快乐型”不在已配置的维度中');
    expect(badPage).toContain('value="不存在的人"'); // what was typed stays in the form
    expect(await counts()).toEqual(before);

    const ok = await admin.post(`/admin/plans/${planId}/items/${id}`, valid);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/admin/plans/${planId}/items/${id}`);
    const [item] = await q<{ text: string; due_date: string; list_kind: string; dimensions: string[]; responsible_unit_id: number; responsible_person_id: number }>(
      sql`select text, due_date::text, list_kind::text, dimensions, responsible_unit_id, responsible_person_id from plan_items where id = ${id}`);
    expect(item).toEqual({
      text: '主动谋划、靠前服务、推进落实。', due_date: '2023-09-30', list_kind: 'innovation', dimensions: ['服务型', '实干型'],
      responsible_unit_id: branch!.id, responsible_person_id: await personId(t.database, '王海峰'),
    });
    const dues = await q<{ due: string; n: number }>(sql`select due_date::text as due, count(*)::int as n from assignments where item_id = ${id} group by 1`);
    expect(dues.sort((a, b) => a.due.localeCompare(b.due))).toEqual([{ due: '2023-09-30', n: 4 }, { due: '2023-12-31', n: 1 }]);
    const [audit] = await q<{ actor: string; subject_id: string; data: { changes: string[]; assignmentsMoved: number; via: string } }>(
      sql`select actor, subject_id, data from audit_log where action = 'plan_item.edit' order by id desc limit 1`);
    expect(audit!.actor).toBe(`person:${adminId}`);
    expect(audit!.subject_id).toBe(String(id));
    expect(audit!.data.assignmentsMoved).toBe(4);
    expect(audit!.data.via).toBe('console');
    expect(audit!.data.changes).toContain('完成时限 2023-12-31→2023-09-30');
    expect((await verifyAuditChain(t.database.db)).ok).toBe(true);

    // Saving the same values again changes nothing and audits nothing.
    const auditRows = await count('audit_log');
    expect((await admin.post(`/admin/plans/${planId}/items/${id}`, valid)).status).toBe(303);
    expect(await count('audit_log')).toBe(auditRows);
  });

  it('leaders cannot change anything, and every POST needs the CSRF token', async () => {
    const id = await itemId('三、/12.');
    const before = await counts();
    const [item] = await q<{ title: string }>(sql`select title from plan_items where id = ${id}`);
    for (const leader of [leaderAll, leaderLimited]) {
      const edit = await leader.post(`/admin/plans/${planId}/items/${id}`, { title: '领导改的', text: '', dueDate: '2023-06-30', listKind: 'work' });
      expect(edit.status).toBe(403);
      expect(await edit.text()).toContain('领导账号只能查看');
      expect((await upload(leader, 'work-points-2023.txt', readFileSync(FIXTURE))).status).toBe(403);
      expect((await leader.get('/admin/plans/import')).status).toBe(403);
    }
    const noCsrf = await admin.post(`/admin/plans/${planId}/items/${id}`, { title: '没有令牌', text: '', dueDate: '2023-06-30', listKind: 'work' }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.text()).toContain('安全校验失败');
    const page = await (await admin.upload('/admin/plans/import', { assign: 'branches' }, { file: { name: 'work-points-2023.txt', data: readFileSync(FIXTURE) } })).text();
    const noCsrfConfirm = await admin.post('/admin/plans/import/confirm', { preview: tokenOf(page) }, { csrf: false });
    expect(noCsrfConfirm.status).toBe(403);
    expect(await counts()).toEqual(before);
    const [after] = await q<{ title: string }>(sql`select title from plan_items where id = ${id}`);
    expect(after).toEqual(item);
  });

  it('unknown plans and items are 404 pages', async () => {
    expect((await admin.get('/admin/plans/999999')).status).toBe(404);
    expect((await admin.get('/admin/plans/abc')).status).toBe(404);
    expect((await admin.get(`/admin/plans/${planId}/items/999999`)).status).toBe(404);
  });
});
