import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import type { RoundResult } from '../../src/domain/scoring/aggregate.js';
import { httpSignIn, personId, type HttpSession } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { buildScoringRound, FIXTURES, seedScoringOrg, type BuiltRound } from '../support/scoring-round.js';

/**
 * The 互观互检 section of the admin console over HTTP, on the real app and a database migrated by the production
 * migrate(): close a round through the page (results, the review card once, nothing twice), publish, download
 * the export and read it back; import a scheme (bad rows → nothing saved), edit a scheme (→ a new version);
 * leaders read only (403 on every POST, no flags, a limited leader only their branches); CSRF.
 */
describe(`admin console: 互观互检 (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: HttpSession;
  let leader: HttpSession;
  let limited: HttpSession;
  let adminId: number;
  let built: BuiltRound;
  let roundId: number;

  beforeAll(async () => {
    t = await createTestDatabase();
    // Building a round moves the clock a minute per sheet: sessions must outlive that.
    app = await startTestApp(t.database, { ADMIN_SESSION_IDLE_MINUTES: '600' });
    await seedDemo(t.database, app.clock);
    await seedScoringOrg(t.database, app.clock);
    adminId = await personId(t.database, '周晓燕');
    admin = await httpSignIn(app, adminId);
    leader = await httpSignIn(app, await personId(t.database, '刘建国'));
    limited = await httpSignIn(app, await personId(t.database, '陈志远'));
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const q = async <T>(query: string): Promise<T[]> => rows<T>(await t.database.db.execute(sql.raw(query)));
  const one = async (query: string): Promise<number> => Number((await q<{ n: number }>(query))[0]!.n);
  const outboxCount = (like: string): Promise<number> => one(`select count(*)::int as n from outbox where message->'card'->>'key' like '${like}'`);
  const roundRow = async (id: number) => (await q<{ status: string; closed_by: string | null; published_by: string | null; show_ranks: boolean }>(`select status, closed_by, published_by, show_ranks from scoring_rounds where id = ${id}`))[0]!;

  it('shows empty states before the first round', async () => {
    const html = await admin.page('/admin/scoring');
    expect(html).toContain('还没有互观互检轮次');
    // The demo's example scheme is listed, as the default for a new round.
    expect(html).toContain('2026年度五型模范机关互观互检评分表');
    expect(html).toContain('新一轮默认');
    expect(await limited.page('/admin/scoring')).toContain('您分管的党支部还没有参加过互观互检');
  });

  it('lists the round with progress; the round page names who has not submitted', async () => {
    built = await buildScoringRound(t.database, app.clock, { title: '2026年第四季度互观互检', withResults: false });
    roundId = built.round.id;
    const list = await admin.page('/admin/scoring');
    expect(list).toContain(`href="/admin/scoring/rounds/${roundId}"`);
    expect(list).toMatch(/进行中/);
    const expected = built.scorers.reduce((n, s) => n + built.round.branches.filter((b) => b.id !== s.branchId).length, 0);
    const submitted = await one(`select count(*)::int as n from scoring_sheets where round_id = ${roundId} and status = 'submitted'`);
    expect(list).toContain(`${submitted} / ${expected}`);

    const html = await admin.page(`/admin/scoring/rounds/${roundId}`);
    const late = built.scorers.find((s) => s.personId === built.missing[0])!;
    const notSubmitted = /<p id="not-submitted">([\s\S]*?)<\/p>/.exec(html)![1]!;
    expect(notSubmitted).toContain(late.name);
    expect(notSubmitted).toContain('差 2 份，其中草稿 1 份');
    expect(html).toContain('结束评分…');
    expect(html).toContain('结果尚未计算');
    // The confirmation page says what will happen and posts the action.
    const confirm = await admin.page(`/admin/scoring/rounds/${roundId}/confirm/close`);
    expect(confirm).toContain('确认结束评分');
    expect(confirm).toContain(`action="/admin/scoring/rounds/${roundId}/close"`);
    expect(confirm).toContain(`${late.name}（差 2 份）`);
  });

  it('refuses changes from leaders and without the CSRF token: nothing changes', async () => {
    const auditBefore = await one(`select count(*)::int as n from audit_log`);
    for (const [s, opts] of [[leader, {}], [limited, {}], [admin, { csrf: false }]] as const) {
      for (const path of [`/admin/scoring/rounds/${roundId}/close`, `/admin/scoring/rounds/${roundId}/ranks`]) {
        const res = await s.post(path, { show: 'on' }, opts);
        expect(res.status, path).toBe(403);
      }
    }
    expect((await leader.post('/admin/scoring/rounds/1/close')).status).toBe(403);
    expect(await roundRow(roundId)).toMatchObject({ status: 'open', closed_by: null, show_ranks: false });
    expect(await one(`select count(*)::int as n from scoring_results where round_id = ${roundId}`)).toBe(0);
    expect(await one(`select count(*)::int as n from audit_log`)).toBe(auditBefore);
    // Leaders get no action buttons and cannot open the confirmation page.
    const html = await leader.page(`/admin/scoring/rounds/${roundId}`);
    expect(html).not.toContain('结束评分…');
    expect(html).toContain('领导账号只能查看');
    expect((await leader.get(`/admin/scoring/rounds/${roundId}/confirm/close`)).status).toBe(403);
  });

  it('closes the round through the page: results computed, the review card queued once; closing again changes nothing', async () => {
    const done = await admin.follow(await admin.post(`/admin/scoring/rounds/${roundId}/close`));
    expect(done).toContain('已结束“2026年第四季度互观互检”');
    expect(await roundRow(roundId)).toMatchObject({ status: 'closed', closed_by: `person:${adminId}` });
    expect(await one(`select count(*)::int as n from scoring_results where round_id = ${roundId}`)).toBe(1);
    const reviewers = await q<{ id: number }>(`select distinct p.id from people p join person_roles r on r.person_id = p.id join org_units u on u.id = p.unit_id where p.active and (r.role = 'admin' or (r.role = 'secretary' and u.kind = 'committee'))`);
    expect(reviewers.length).toBeGreaterThan(0);
    const reviewCards = await q<{ person_id: number; n: number }>(`select person_id, count(*)::int as n from outbox where message->'card'->>'key' like 'scoring:${roundId}:review:%' group by person_id order by person_id`);
    expect(reviewCards.map((r) => Number(r.person_id)).sort()).toEqual(reviewers.map((r) => Number(r.id)).sort());
    expect(reviewCards.every((r) => Number(r.n) === 1)).toBe(true);
    const outboxBefore = await one(`select count(*)::int as n from outbox`);

    const again = await admin.follow(await admin.post(`/admin/scoring/rounds/${roundId}/close`));
    expect(again).toContain('已经结束评分，无需再结束');
    expect(await one(`select count(*)::int as n from outbox`)).toBe(outboxBefore);
    expect(await one(`select count(*)::int as n from scoring_results where round_id = ${roundId}`)).toBe(1);
    const audit = await q<{ action: string; actor: string }>(`select action, actor from audit_log where subject_type = 'scoring_round' and subject_id = '${roundId}' and action = 'scoring.round.close'`);
    expect(audit).toEqual([{ action: 'scoring.round.close', actor: `person:${adminId}` }]);
    // The confirmation page of an action that no longer applies sends back with a message.
    const res = await admin.get(`/admin/scoring/rounds/${roundId}/confirm/close`);
    expect(res.status).toBe(303);
  });

  it('shows results with each branch’s explanation; flags only to admins; a limited leader sees only their branches', async () => {
    const [stored] = await q<{ result: RoundResult; flags: { message: string }[] }>(`select result, flags from scoring_results where round_id = ${roundId}`);
    expect(stored!.flags.length).toBeGreaterThan(0);
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    const html = await admin.page(`/admin/scoring/rounds/${roundId}`);
    for (const b of stored!.result.branches) expect(html).toContain(esc(b.explanation));
    expect(html).toContain('id="flags"');
    expect(html).toContain(esc(stored!.flags[0]!.message));
    expect(html).toContain('发布结果…');

    const asLeader = await leader.page(`/admin/scoring/rounds/${roundId}`);
    for (const b of stored!.result.branches) expect(asLeader).toContain(esc(b.explanation));
    expect(asLeader).not.toContain('id="flags"');
    for (const f of stored!.flags) expect(asLeader).not.toContain(esc(f.message));
    expect(asLeader).not.toContain('名次<div');

    const asLimited = await limited.page(`/admin/scoring/rounds/${roundId}`);
    const names = (await q<{ name: string }>(`select name from org_units where kind = 'branch' order by id`)).map((r) => r.name);
    const mine = names.filter((n) => n.includes('第二') || n.includes('第三'));
    expect(mine).toHaveLength(2);
    const results = /<table class="data" id="results">([\s\S]*?)<\/table>/.exec(asLimited)![1]!;
    for (const n of names) {
      if (mine.includes(n)) expect(results).toContain(n);
      else expect(results).not.toContain(n);
    }
    expect(asLimited).not.toContain('id="flags"');
    expect((await limited.get(`/admin/scoring/rounds/${roundId}/export`)).status).toBe(403);
    // The list shows the round to the limited leader with their branches only.
    const list = await limited.page('/admin/scoring');
    const row = /<tr data-round="\d+">([\s\S]*?)<\/tr>/.exec(list)![1]!;
    expect(row).not.toContain(names.find((n) => n.includes('第一'))!);
  });

  it('shows ranks on request, publishes once, and exports the workbook matching the stored results', async () => {
    await admin.follow(await admin.post(`/admin/scoring/rounds/${roundId}/ranks`, { show: 'on' }));
    expect((await roundRow(roundId)).show_ranks).toBe(true);
    expect(await one(`select count(*)::int as n from audit_log where action = 'scoring.round.ranks' and actor = 'person:${adminId}'`)).toBe(1);

    expect(await admin.page(`/admin/scoring/rounds/${roundId}/confirm/publish`)).toContain('确认发布结果');
    const published = await admin.follow(await admin.post(`/admin/scoring/rounds/${roundId}/publish`));
    expect(published).toMatch(/已发布“2026年第四季度互观互检”：\d+ 位支部书记收到本支部报告/);
    expect(await roundRow(roundId)).toMatchObject({ status: 'published', published_by: `person:${adminId}` });
    const reports = await outboxCount(`scoring:${roundId}:report:%`);
    expect(reports).toBeGreaterThan(0);
    const outboxBefore = await one(`select count(*)::int as n from outbox`);
    expect(await admin.follow(await admin.post(`/admin/scoring/rounds/${roundId}/publish`))).toContain('已经发布，不会重复发布');
    expect(await admin.follow(await admin.post(`/admin/scoring/rounds/${roundId}/ranks`, { show: 'off' }))).toContain('不能再改名次是否公开');
    expect(await one(`select count(*)::int as n from outbox`)).toBe(outboxBefore);
    expect((await roundRow(roundId)).show_ranks).toBe(true);

    const res = await admin.get(`/admin/scoring/rounds/${roundId}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="scoring-round-${roundId}.xlsx"; filename*=UTF-8''${encodeURIComponent('2026年第四季度互观互检-评分结果.xlsx')}`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '评分明细', '分类得分', '计分规则', '发布前提示', '计分方案']);
    const summary = wb.getWorksheet('汇总')!;
    const header = (summary.getRow(1).values as unknown[]).map(String);
    const totalCol = header.indexOf('总分');
    const [stored] = await q<{ branch: string; total: string }>(`select b->>'branchName' as branch, b->>'total' as total from scoring_results r, jsonb_array_elements(r.result->'branches') b where r.round_id = ${roundId} and b->>'branchName' like '%第一%'`);
    let found = false;
    summary.eachRow((row, n) => {
      if (n > 1 && row.getCell(1).value === stored!.branch) {
        found = true;
        expect(row.getCell(totalCol).value).toBeCloseTo(Number(stored!.total), 2);
      }
    });
    expect(found).toBe(true);
    // An agency-wide leader may export too, without the 发布前提示.
    const asLeader = await leader.get(`/admin/scoring/rounds/${roundId}/export`);
    expect(asLeader.status, await asLeader.clone().text()).toBe(200);
    const lb = new ExcelJS.Workbook();
    await lb.xlsx.load((await asLeader.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(lb.worksheets.map((w) => w.name)).not.toContain('发布前提示');
  });

  const schemeCount = (): Promise<number> => one('select count(*)::int as n from scoring_schemes');

  it('imports a scheme: a bad file lists every problem by row and saves nothing; a good one is previewed, then saved once', async () => {
    const before = await schemeCount();
    const auditBefore = await one(`select count(*)::int as n from audit_log where action = 'scoring.scheme.import'`);
    const bad = await admin.upload('/admin/scoring/schemes/import', {}, { file: { name: 'scheme-bad.csv', data: readFileSync(resolve(FIXTURES, 'scheme-bad.csv')), type: 'text/csv' } });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('没有保存任何内容');
    expect(badHtml).toContain('第3行：分值上限“七”不是有效的分数');
    expect(badHtml).toContain('第8行：类别“廉洁型”只有扣分项目，须填写类别满分（扣分前的基础分）');
    expect(await schemeCount()).toBe(before);
    expect(await one(`select count(*)::int as n from audit_log where action = 'scoring.scheme.import'`)).toBe(auditBefore);

    // The template downloads are real templates: the .xlsx imports (under another name: a new scheme).
    const template = await admin.get('/admin/scoring/schemes/template.xlsx');
    expect(template.status).toBe(200);
    expect(template.headers.get('content-disposition')).toContain(encodeURIComponent('互观互检计分方案模板.xlsx'));
    const csv = await admin.get('/admin/scoring/schemes/template.csv');
    expect((await csv.text()).split('\n')[0]).toContain('类别,类别满分,扣分上限,加分上限,编号,项目,类型,分值上限,说明,必评');
    const xlsx = Buffer.from(await template.arrayBuffer());
    const same = await admin.upload('/admin/scoring/schemes/import', {}, { file: { name: '模板.xlsx', data: xlsx } });
    expect(same.status).toBe(200);
    expect(await same.text()).toContain('内容完全相同，无需再导入');

    const preview = await admin.upload('/admin/scoring/schemes/import', { name: '2027年度简化评分表' }, { file: { name: '模板.xlsx', data: xlsx } });
    expect(preview.status).toBe(200);
    const previewHtml = await preview.text();
    expect(previewHtml).toContain('检查通过：《2027年度简化评分表》5 类 16 项，总分 100 分');
    expect(await schemeCount()).toBe(before);
    const scheme = /name="scheme" value="([^"]+)"/.exec(previewHtml)![1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const saved = await admin.post('/admin/scoring/schemes/save', { scheme });
    expect(saved.status).toBe(303);
    const id = Number(/\/schemes\/(\d+)$/.exec(saved.headers.get('location')!)![1]);
    expect(await admin.follow(saved)).toContain(`已导入计分方案 #${id}《2027年度简化评分表》`);
    expect(await schemeCount()).toBe(before + 1);
    const [audit] = await q<{ actor: string }>(`select actor from audit_log where action = 'scoring.scheme.import' and subject_id = '${id}'`);
    expect(audit!.actor).toBe(`person:${adminId}`);
    // Saving the same again stores nothing.
    expect(await admin.follow(await admin.post('/admin/scoring/schemes/save', { scheme }))).toContain('没有改动');
    expect(await schemeCount()).toBe(before + 1);
    // A tampered hidden field is checked again.
    const tampered = await admin.post('/admin/scoring/schemes/save', { scheme: JSON.stringify({ name: 'x', categories: [] }) });
    expect(tampered.status).toBe(400);
    expect(await schemeCount()).toBe(before + 1);
  });

  it('edits a scheme by saving a new version; the old one and its round stay as they were; bad rows save nothing', async () => {
    const schemeId = built.round.schemeId;
    const form = await admin.page(`/admin/scoring/schemes/${schemeId}/edit`);
    expect(form).toContain('保存为新版本，不会修改原方案');
    // The form's fields, as a browser would post them.
    const fields: Record<string, string[]> = {};
    for (const m of form.matchAll(/<input id="r\d+-(\w+)" name="(\w+)" value="([^"]*)"/g)) (fields[m[2]!] ??= []).push(m[3]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#39;/g, "'"));
    for (const m of form.matchAll(/<select id="r\d+-\w+" name="(\w+)">([\s\S]*?)<\/select>/g)) {
      (fields[m[1]!] ??= []).push(/<option selected>([^<]*)</.exec(m[2]!)?.[1] ?? /<option>([^<]*)</.exec(m[2]!)![1]!);
    }
    const name = /id="scheme-name" name="name" maxlength="100" value="([^"]*)"/.exec(form)![1]!;
    expect(fields.item!.filter(Boolean)).toHaveLength(16);
    const before = await schemeCount();

    const unchanged = await admin.follow(await admin.post(`/admin/scoring/schemes/${schemeId}/edit`, { ...fields, name }));
    expect(unchanged).toContain('未保存新版本');
    expect(await schemeCount()).toBe(before);

    const bad = { ...fields, max: fields.max!.map((v, i) => (i === 2 ? '' : v)) };
    const refused = await admin.post(`/admin/scoring/schemes/${schemeId}/edit`, { ...bad, name });
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('没有保存');
    expect(refusedHtml).toContain('第3行：');
    expect(await schemeCount()).toBe(before);

    const edited = { ...fields, description: fields.description!.map((v, i) => (i === 0 ? '新的评分标准：中心组学习每季度不少于一次' : v)) };
    const res = await admin.post(`/admin/scoring/schemes/${schemeId}/edit`, { ...edited, name });
    const saved = await admin.follow(res);
    const newId = Number(/\/schemes\/(\d+)$/.exec(res.headers.get('location')!)![1]);
    expect(newId).not.toBe(schemeId);
    expect(saved).toContain(`已保存为新的计分方案 #${newId}（原方案 #${schemeId} 不变`);
    expect(saved).toContain('新的评分标准：中心组学习每季度不少于一次');
    expect(saved).toContain('第 2 版');
    expect(await schemeCount()).toBe(before + 1);
    const [old] = await q<{ d: string }>(`select definition->'categories'->0->'items'->0->>'description' as d from scoring_schemes where id = ${schemeId}`);
    expect(old!.d).not.toContain('新的评分标准');
    expect(Number((await q<{ scheme_id: number }>(`select scheme_id from scoring_rounds where id = ${roundId}`))[0]!.scheme_id)).toBe(schemeId);
    // "再加 5 行" only re-renders the form with more rows.
    const more = await admin.post(`/admin/scoring/schemes/${schemeId}/edit`, { ...fields, name, more: '1' });
    expect(more.status).toBe(200);
    expect((await more.text()).match(/<tr><th scope="row">/g)).toHaveLength(fields.item!.length + 5);
    expect(await schemeCount()).toBe(before + 1);
  });

  it('leaders cannot import or edit schemes', async () => {
    const before = await schemeCount();
    const file = { file: { name: 's.json', data: readFileSync(resolve(FIXTURES, 'scheme-five-types.json')) } };
    expect((await leader.upload('/admin/scoring/schemes/import', { name: '领导的方案' }, file)).status).toBe(403);
    expect((await leader.post('/admin/scoring/schemes/save', { scheme: readFileSync(resolve(FIXTURES, 'scheme-five-types.json'), 'utf8').replace('五型', '领导') })).status).toBe(403);
    expect((await leader.post(`/admin/scoring/schemes/${built.round.schemeId}/edit`, { name: '领导改的', item: ['a'], max: ['5'], category: ['x'] })).status).toBe(403);
    expect((await leader.get('/admin/scoring/schemes/import')).status).toBe(403);
    expect(await schemeCount()).toBe(before);
    const html = await leader.page(`/admin/scoring/schemes/${built.round.schemeId}`);
    expect(html).not.toContain('编辑为新版本</a>');
    expect(html).toContain('类别与评分项目');
  });

  it('sets which branches a chat covers; leaders cannot', async () => {
    const [chat] = await q<{ id: number; name: string }>(`select id, name from chats order by id limit 1`);
    const branches = await q<{ id: number; name: string }>(`select id, name from org_units where kind = 'branch' and active order by id`);
    const links = (): Promise<number[]> => q<{ unit_id: number }>(`select unit_id from scoring_chat_branches where chat_id = ${chat!.id} order by unit_id`).then((r) => r.map((x) => Number(x.unit_id)));
    expect(await admin.page('/admin/scoring/chats')).toContain(chat!.name);
    // A leader of 第二、第三党支部 sees only their branches' chats (the names of the others name their branches).
    const asLimited = await limited.page('/admin/scoring/chats');
    expect(asLimited).toContain('只列出您分管支部的群聊');
    for (const b of branches.filter((x) => !x.name.includes('第二') && !x.name.includes('第三'))) expect(asLimited).not.toContain(b.name.replace(/（.*$/, ''));
    expect(asLimited).not.toContain('<form method="post" action="/admin/scoring/chats/');
    expect((await leader.post(`/admin/scoring/chats/${chat!.id}`, { branch: [String(branches[0]!.id)] })).status).toBe(403);
    expect(await links()).toEqual([]);
    const saved = await admin.follow(await admin.post(`/admin/scoring/chats/${chat!.id}`, { branch: [String(branches[0]!.id), String(branches[1]!.id)] }));
    expect(saved).toContain(`覆盖${branches[0]!.name}、${branches[1]!.name}`);
    expect(await links()).toEqual([branches[0]!.id, branches[1]!.id].map(Number));
    expect(await one(`select count(*)::int as n from audit_log where action = 'scoring.chat.link' and actor = 'person:${adminId}'`)).toBe(1);
    expect((await admin.post(`/admin/scoring/chats/${chat!.id}`, { branch: ['999999'] })).status).toBe(400);
    expect(await links()).toEqual([branches[0]!.id, branches[1]!.id].map(Number));
    await admin.follow(await admin.post(`/admin/scoring/chats/${chat!.id}`, {}));
    expect(await links()).toEqual([]);
    expect((await admin.get('/admin/scoring/rounds/999999')).status).toBe(404);
    expect((await admin.get('/admin/scoring/schemes/abc')).status).toBe(404);
  });
});
