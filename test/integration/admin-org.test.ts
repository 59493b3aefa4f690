import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { importOrgFromRows } from '../../src/importers/import-org-file.js';
import { parseTableFile } from '../../src/importers/read-table-file.js';
import { FakeWecomApi } from '../fakes/wecom-api.js';
import { httpSignIn, personId, type HttpSession } from '../support/admin.js';
import { startTestApp, TEST_APP_SECRET, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { WECOM_TEST } from '../support/wecom-server.js';

/**
 * The 组织 section of the admin console over HTTP, on the real app and a database migrated by the production
 * migrate(): the tree and people lists (a limited leader sees only 第二、第三党支部), importing a file with one bad
 * row (errors listed, nothing saved) then a good one (preview → 确认导入 → rows), the confirmation token's
 * guarantees, editing a person (DB + audit_log), units, and refusals: leaders 403 with the DB unchanged, CSRF.
 */
const B1 = '第一党支部（办公室）';
const B2 = '第二党支部（政策法规处）';
const B5 = '第五党支部（机关服务中心）';
const HEADER = '姓名,所在单位/支部,党小组,角色,企业微信账号,钉钉账号,手机号,分管范围';

/** Twenty-five new people in 第五党支部 (so the people list needs a second page), one of them a 党小组 member. */
function goodRows(): string[] {
  return Array.from({ length: 25 }, (_, i) => `新人${String(i + 1).padStart(2, '0')},${B5},${i === 0 ? '第一党小组' : ''},党员,xinren${i + 1},dt_xinren${i + 1},,`);
}

describe(`admin console: 组织 (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: HttpSession;
  let limited: HttpSession;
  let adminId: number;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    adminId = await personId(t.database, '周晓燕');
    admin = await httpSignIn(app, adminId);
    limited = await httpSignIn(app, await personId(t.database, '陈志远'));
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const q = async <T>(query: string): Promise<T[]> => rows<T>(await t.database.db.execute(sql.raw(query)));
  const one = async (query: string): Promise<number> => Number((await q<{ n: number }>(query))[0]!.n);
  const unitId = async (name: string): Promise<number> => one(`select id as n from org_units where name = '${name}'`);
  /** Everything an org import or edit could touch. */
  const orgState = async (): Promise<string> => JSON.stringify(await q(`select
    (select count(*) from people)::int as people, (select count(*) from people where active)::int as active,
    (select count(*) from org_units)::int as units, (select count(*) from person_roles)::int as roles,
    (select count(*) from platform_identities)::int as identities, (select count(*) from audit_log)::int as audit,
    (select string_agg(name || ':' || unit_id || ':' || coalesce(mobile, '') || ':' || active, ',' order by id) from people) as detail,
    (select string_agg(person_id || ':' || role || ':' || coalesce(scope_unit_id, 0), ',' order by person_id, role, scope_unit_id) from person_roles) as role_detail,
    (select string_agg(name || ':' || active, ',' order by id) from org_units) as unit_detail`));
  const uploadCsv = (s: HttpSession, lines: string[], fields: Record<string, string> = {}, name = 'org.csv'): Promise<Response> =>
    s.upload('/admin/org/import', fields, { file: { name, data: Buffer.from([HEADER, ...lines].join('\n'), 'utf8'), type: 'text/csv' } });
  const tokenIn = (pageHtml: string): string | undefined => /name="token" value="([^"]+)"/.exec(pageHtml)?.[1];
  const decode = (s: string): string => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

  it('shows the unit tree with member counts; a limited leader sees only 第二、第三党支部', async () => {
    const tree = await admin.page('/admin/org');
    expect(tree).toContain('某某厅机关党委');
    for (const b of [B1, B2, B5]) expect(tree).toContain(b);
    // 第一党支部 has 9 people (in two 党小组); the 机关党委 41 in all.
    expect(tree).toMatch(new RegExp(`${B1.replace(/[（）]/g, '.')}</a>.*?>9 人</a>`, 's'));
    expect(tree).toContain('>41 人</a>');
    expect(tree).toContain('新建党支部');

    const mine = await limited.page('/admin/org');
    expect(mine).toContain(B2);
    expect(mine).toContain('第三党支部（规划财务处）');
    expect(mine).not.toContain(B1);
    expect(mine).not.toContain('某某厅机关党委');
    expect(mine).not.toContain('新建党支部');
    expect(mine).not.toContain('/admin/org/import');
  });

  it('lists and searches people; a limited leader sees only their branches and gets 403 for others', async () => {
    const all = await admin.page('/admin/org/people');
    expect(all).toContain('共 41 人');
    expect(all).toContain('王海峰');
    const byAccount = await admin.page('/admin/org/people?q=wanghaifeng');
    expect(byAccount).toContain('共 1 人');
    expect(byAccount).toContain('王海峰');
    const byUnit = await admin.page(`/admin/org/people?unit=${await unitId(B1)}`);
    expect(byUnit).toContain('共 9 人');

    const mine = await limited.page('/admin/org/people');
    expect(mine).toContain('共 15 人');
    expect(mine).toContain('何建华');
    expect(mine).not.toContain('王海峰');
    expect(await limited.page('/admin/org/people?q=wanghaifeng')).toContain('共 0 人');
    expect((await limited.get(`/admin/org/people?unit=${await unitId(B1)}`)).status).toBe(403);
    expect((await limited.get(`/admin/org/people/${await personId(t.database, '王海峰')}`)).status).toBe(403);
    expect((await limited.get(`/admin/org/units/${await unitId(B1)}`)).status).toBe(403);
    const own = await limited.page(`/admin/org/people/${await personId(t.database, '何建华')}`);
    expect(own).toContain('支部书记');
    expect(own).not.toContain('name="_csrf" value="' + limited.csrf + '"><div class="field"><label for="p-name">');
    expect(own).not.toContain('id="p-name"');
    // 陈志远's own page shows the 分管范围.
    const self = await limited.page(`/admin/org/people/${await personId(t.database, '陈志远')}`);
    expect(self).toMatch(/分管范围<\/dt><dd>第二党支部（政策法规处）、第三党支部（规划财务处）/);
  });

  it('import: a file with one bad row lists 行号 + 原因 and saves nothing', async () => {
    const before = await orgState();
    const lines = goodRows();
    lines[6] = `新人07,,,党员,xinren7,dt_xinren7,,`; // row 8: no 所在单位/支部
    const res = await uploadCsv(admin, lines);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('发现 1 处错误，没有保存任何内容');
    expect(html).toMatch(/<td class="num">8<\/td><td>[^<]*所在单位\/支部[^<]*<\/td>/);
    expect(tokenIn(html)).toBeUndefined();
    expect(html).not.toContain('确认导入</button>');
    expect(await orgState()).toBe(before);
  });

  it('import: a good file is previewed (nothing written), then 确认导入 writes exactly it, audited', async () => {
    const other = await httpSignIn(app, adminId); // the same admin signed in a second time
    const before = await orgState();
    const lines = goodRows();
    lines.push(`高明,${B2},,党员、支部委员,gaoming,dt_gaoming,13900000001,`); // an update: role + mobile
    const res = await uploadCsv(admin, lines, {}, '组织表.csv');
    expect(res.status).toBe(200);
    const preview = await res.text();
    expect(preview).toContain('以下是预览，尚未保存');
    expect(preview).toContain('将新增单位 1 个、人员 25 人，将更新人员 1 人');
    expect(preview).toContain(`新增人员：新人01`);
    expect(preview).toMatch(/更新人员：高明：[^<]*角色/);
    expect(preview).toContain('组织表.csv');
    const token = tokenIn(preview)!;
    expect(token).toBeTruthy();
    expect(await orgState()).toBe(before);

    // A token altered in the browser is refused and nothing is written.
    const tampered = await admin.post('/admin/org/import/confirm', { token: `${token.slice(0, 40)}A${token.slice(41)}` });
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toContain('没有保存任何内容');
    // So is a token of another session (the same admin signed in twice).
    expect((await other.post('/admin/org/import/confirm', { token })).status).toBe(400);
    expect(await orgState()).toBe(before);

    const done = await admin.post('/admin/org/import/confirm', { token });
    expect(done.status).toBe(200);
    const result = await done.text();
    expect(result).toContain('已新增单位 1 个、人员 25 人，已更新人员 1 人');
    expect(await one(`select count(*)::int as n from people where name like '新人%' and active`)).toBe(25);
    expect(await one(`select count(*)::int as n from people p join org_units u on u.id = p.unit_id where p.name = '新人01' and u.name = '第一党小组'`)).toBe(1);
    expect(await one(`select count(*)::int as n from platform_identities where external_id = 'dt_xinren25'`)).toBe(1);
    expect(await one(`select count(*)::int as n from people where name = '高明' and mobile = '13900000001'`)).toBe(1);
    expect(await one(`select count(*)::int as n from person_roles r join people p on p.id = r.person_id where p.name = '高明' and r.role = 'committee_member'`)).toBe(1);
    expect(await one(`select count(*)::int as n from audit_log where action = 'person.create' and actor = 'person:${adminId}'`)).toBe(25);
    expect(await one(`select count(*)::int as n from audit_log where action = 'org.import' and actor = 'person:${adminId}'`)).toBe(1);

    // Posting the same confirmation again (a reload) writes nothing more.
    const afterApply = await orgState();
    const again = await admin.post('/admin/org/import/confirm', { token });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('这些改动已在组织中');
    expect(await orgState()).toBe(afterApply);

    // 66 people now: two pages of 50.
    const first = await admin.page('/admin/org/people');
    expect(first).toContain('共 66 人');
    expect(first).toContain('第 1 / 2 页');
    const second = await admin.page('/admin/org/people?page=2');
    expect(second).toContain('第 2 / 2 页');
    expect(second).toContain('新人25');
  });

  it('import: the confirmation shows a new preview when the organisation changed after the preview', async () => {
    const res = await uploadCsv(admin, [`后来者,${B5},,党员,houlaizhe,dt_houlaizhe,,`]);
    const token = tokenIn(await res.text())!;
    // Someone else imports a different change in the meantime.
    const table = await parseTableFile(Buffer.from(`${HEADER}\n插队者,${B5},,党员,chaduizhe,,,`), 'x.csv');
    await importOrgFromRows(t.database, table, { actor: 'cli', clock: app.clock });
    const state = await orgState();
    const confirm = await admin.post('/admin/org/import/confirm', { token });
    // The same file changes the same thing — its digest is the same, so it applies.
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('已新增单位 0 个、人员 1 人');
    expect(await one(`select count(*)::int as n from people where name = '后来者'`)).toBe(1);
    expect(await orgState()).not.toBe(state);

    // With deactivateMissing the preview lists who would go; a person added after the preview changes that list.
    const full = await uploadCsv(admin, [`后来者,${B5},,党员,houlaizhe,dt_houlaizhe,,`], { deactivateMissing: '1' });
    const fullHtml = await full.text();
    expect(fullHtml).toContain('停用人员：王海峰');
    const fullToken = tokenIn(fullHtml)!;
    await importOrgFromRows(t.database, await parseTableFile(Buffer.from(`${HEADER}\n又一位,${B5},,党员,youyiwei,,,`), 'y.csv'), { actor: 'cli', clock: app.clock });
    const before = await orgState();
    const changed = await admin.post('/admin/org/import/confirm', { token: fullToken });
    const changedHtml = await changed.text();
    expect(changedHtml).toContain('组织在预览之后有改动');
    expect(changedHtml).toContain('停用人员：又一位');
    expect(await orgState()).toBe(before);
  });

  it('import: an unreadable file or a wrong type is refused with the reason', async () => {
    const before = await orgState();
    const xls = await admin.upload('/admin/org/import', {}, { file: { name: 'org.xls', data: Buffer.from('xx') } });
    expect(xls.status).toBe(400);
    expect(await xls.text()).toContain('请上传 .xlsx 或 .csv 文件');
    const none = await admin.upload('/admin/org/import', {}, {});
    expect(await none.text()).toContain('请选择要导入的组织表文件');
    expect(await orgState()).toBe(before);
  });

  it('import: the .xlsx example is read; its 机关党委 is not this one, so its rows are refused by 行号', async () => {
    const before = await orgState();
    const data = readFileSync(resolve(import.meta.dirname, '../fixtures/org-import-example.xlsx'));
    const res = await admin.upload('/admin/org/import', {}, { file: { name: 'org-import-example.xlsx', data } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('org-import-example.xlsx');
    expect(html).toContain('数据 13 行');
    expect(html).toContain('发现 2 处错误，没有保存任何内容');
    expect(html).toContain('<td class="num">3</td><td>所在单位/支部“某某局机关党委”与现有机关党委“某某厅机关党委”名称不一致</td>');
    expect(await orgState()).toBe(before);
  });

  it('import: an .xlsx made in Excel is previewed like a CSV (uploaded as binary multipart)', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('组织');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(['表格人', B5, '', '党员', 'biaogeren', '', '', '']);
    const data = Buffer.from(await book.xlsx.writeBuffer());
    const before = await orgState();
    const res = await admin.upload('/admin/org/import', {}, { file: { name: '组织表.xlsx', data, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('新增人员：表格人');
    expect(tokenIn(html)).toBeTruthy();
    expect(await orgState()).toBe(before);
  });

  it('offers the template with the Chinese headers', async () => {
    const res = await admin.get('/admin/org/import/template.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    expect(text.replace(/^\ufeff/, '').trim()).toBe(HEADER);
    const example = await (await admin.get('/admin/org/import/example.csv')).text();
    expect(example).toContain('某某厅机关党委');
    // The example itself imports cleanly (a dry run through the page).
    const table = await parseTableFile(Buffer.from(example, 'utf8'), 'example.csv');
    const report = await importOrgFromRows(t.database, table, { dryRun: true, actor: 'test', clock: app.clock });
    expect(report.created.people).toBe(5);
  });

  it("edits a person's roles (leader with a 分管范围), audited; deactivates and restores", async () => {
    const id = await personId(t.database, '罗雪');
    const b2 = await unitId(B2);
    const b4 = await unitId('第四党支部（综合业务处）');
    const res = await admin.post(`/admin/org/people/${id}`, {
      name: '罗雪', unitId: String(b2), mobile: '13800138000', role: ['member', 'committee_member', 'leader'], leaderScope: [String(b4)], wecom: 'luoxue', dingtalk: 'dt_luoxue',
    });
    expect(await admin.follow(res)).toContain('已保存：罗雪');
    const roleRows = await q<{ role: string; scope: number | null }>(`select role, scope_unit_id as scope from person_roles where person_id = ${id} order by role`);
    expect(roleRows.map((r) => `${r.role}:${r.scope ?? ''}`).sort()).toEqual(['committee_member:', `leader:${b4}`, 'member:'].sort());
    expect(await one(`select count(*)::int as n from people where id = ${id} and mobile = '13800138000'`)).toBe(1);
    const audit = await q<{ actor: string; data: { after: { roles?: unknown; mobile?: string } } }>(`select actor, data from audit_log where action = 'person.update' and subject_id = '${id}' order by id desc limit 1`);
    expect(audit[0]!.actor).toBe(`person:${adminId}`);
    expect(audit[0]!.data.after.roles).toBeTruthy();
    expect(audit[0]!.data.after.mobile).toBe('13800138000');
    const view = await admin.page(`/admin/org/people/${id}`);
    expect(view).toMatch(/分管范围<\/dt><dd>第四党支部（综合业务处）/);
    expect(view).toContain('变更记录');
    expect(view).toContain('周晓燕');

    // A taken account is refused with the reason; nothing changes.
    const before = await orgState();
    const clash = await admin.post(`/admin/org/people/${id}`, { name: '罗雪', unitId: String(b2), role: ['member'], wecom: 'wanghaifeng', dingtalk: 'dt_luoxue' });
    expect(await admin.follow(clash)).toContain('已被 王海峰 使用');
    expect(await orgState()).toBe(before);

    expect(await admin.follow(await admin.post(`/admin/org/people/${id}/deactivate`))).toContain('已停用：罗雪');
    expect(await one(`select count(*)::int as n from people where id = ${id} and not active`)).toBe(1);
    expect(await one(`select count(*)::int as n from audit_log where action = 'person.deactivate' and subject_id = '${id}' and actor = 'person:${adminId}'`)).toBe(1);
    expect(await admin.follow(await admin.post(`/admin/org/people/${id}/reactivate`))).toContain('已恢复在册：罗雪');
    expect(await one(`select count(*)::int as n from people where id = ${id} and active`)).toBe(1);
  });

  it('adds and renames a 党小组, audited; a duplicate name is refused', async () => {
    const b2 = await unitId(B2);
    const created = await admin.post('/admin/org/units', { kind: 'group', parentId: String(b2), name: '政策法规处党小组' });
    expect(await admin.follow(created)).toContain('已新建党小组：政策法规处党小组');
    const gid = await unitId('政策法规处党小组');
    expect(await one(`select count(*)::int as n from org_units where id = ${gid} and parent_id = ${b2} and kind = 'group'`)).toBe(1);
    const renamed = await admin.post(`/admin/org/units/${gid}`, { name: '法规党小组' });
    expect(await admin.follow(renamed)).toContain('名称已保存：法规党小组');
    expect(await one(`select count(*)::int as n from audit_log where action = 'unit.update' and subject_id = '${gid}' and actor = 'person:${adminId}'`)).toBe(1);
    const before = await orgState();
    const dup = await admin.post('/admin/org/units', { kind: 'group', parentId: String(b2), name: '法规党小组' });
    expect(await admin.follow(dup)).toContain('未保存');
    expect(await orgState()).toBe(before);
    const branch = await admin.post('/admin/org/units', { kind: 'branch', parentId: String(await unitId('某某厅机关党委')), name: '第六党支部（信息中心）' });
    expect(await admin.follow(branch)).toContain('已新建党支部');
    expect(await admin.page('/admin/org')).toContain('第六党支部（信息中心）');
  });

  it('a leader changes nothing: every POST is 403 and the database is unchanged', async () => {
    const before = await orgState();
    const someone = await personId(t.database, '何建华');
    const b2 = await unitId(B2);
    const posts: [string, Record<string, string | string[]>][] = [
      [`/admin/org/people/${someone}`, { name: '改名', unitId: String(b2), role: ['member'] }],
      [`/admin/org/people/${someone}/deactivate`, {}],
      [`/admin/org/people/${someone}/reactivate`, {}],
      ['/admin/org/units', { kind: 'group', parentId: String(b2), name: '领导建的小组' }],
      [`/admin/org/units/${b2}`, { name: '改名支部' }],
      [`/admin/org/units/${b2}/deactivate`, {}],
      ['/admin/org/import/confirm', { token: 'x.y' }],
      ['/admin/org/sync', { platform: 'wecom' }],
    ];
    for (const [path, fields] of posts) expect((await limited.post(path, fields)).status, path).toBe(403);
    const upload = await uploadCsv(limited, goodRows());
    expect(upload.status).toBe(403);
    expect((await limited.get('/admin/org/import')).status).toBe(403);
    expect(await orgState()).toBe(before);
  });

  it('a POST without _csrf is refused (403) and changes nothing', async () => {
    const before = await orgState();
    const id = await personId(t.database, '高明');
    const res = await admin.post(`/admin/org/people/${id}/deactivate`, {}, { csrf: false });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('安全校验失败');
    expect((await admin.post('/admin/org/units', { kind: 'group', parentId: String(await unitId(B2)), name: '无令牌小组' }, { csrf: false })).status).toBe(403);
    expect(await orgState()).toBe(before);
  });

  it('pages through 10 000 people (a limited leader: only their branches), searching still works', async () => {
    const b3 = await unitId('第三党支部（规划财务处）');
    const b4 = await unitId('第四党支部（综合业务处）');
    await t.database.db.execute(sql.raw(`insert into people (name, unit_id, mobile)
      select '批量' || g, case when g % 2 = 0 then ${b3} else ${b4} end, '137' || lpad(g::text, 8, '0') from generate_series(1, 10000) g`));
    const total = await one('select count(*)::int as n from people where active');
    const started = Date.now();
    const last = Math.ceil(total / 50);
    const html = await admin.page(`/admin/org/people?page=${last}`);
    expect(html).toContain(`共 ${total} 人`);
    expect(html).toContain(`第 ${last} / ${last} 页`);
    expect(html).toContain('批量10000');
    const found = await admin.page('/admin/org/people?q=13700009999');
    expect(found).toContain('共 1 人');
    expect(found).toContain('批量9999');
    // 陈志远 sees 第三党支部's 5000 but none of 第四党支部's.
    const mine = await limited.page('/admin/org/people?q=批量');
    expect(mine).toContain('共 5000 人');
    expect(mine).toContain('第 1 / 100 页');
    expect(await limited.page('/admin/org/people?q=批量9999')).toContain('共 0 人');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('sync: without WeCom or DingTalk configured it says so', async () => {
    expect(decode(await admin.page('/admin/org/sync'))).toContain('未配置企业微信或钉钉，无法同步');
    const res = await admin.post('/admin/org/sync', { platform: 'wecom' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('未配置企业微信或钉钉');
  });
});

/** 从企业微信同步 against the fake WeCom address book: the dry-run preview writes nothing, 确认导入 applies it. */
describe(`admin console: 组织 sync from WeCom (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let fake: FakeWecomApi;
  let admin: HttpSession;
  let adminId: number;

  beforeAll(async () => {
    fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }).start();
    t = await createTestDatabase();
    app = await startTestApp(t.database, {
      APP_SECRET: TEST_APP_SECRET, SANDBOX: 'off',
      WECOM_CORP_ID: WECOM_TEST.corpId, WECOM_AGENT_ID: WECOM_TEST.agentId, WECOM_SECRET: WECOM_TEST.secret,
      WECOM_TOKEN: WECOM_TEST.token, WECOM_ENCODING_AES_KEY: WECOM_TEST.encodingAesKey, WECOM_API_BASE_URL: fake.url,
    });
    await seedDemo(t.database, app.clock);
    adminId = await personId(t.database, '周晓燕');
    admin = await httpSignIn(app, adminId);
    fake.directory.departments.push(
      { id: 1, name: '某某厅', parentid: 0 },
      { id: 2, name: '第一党支部（办公室）', parentid: 1 },
      { id: 3, name: '秘书科', parentid: 2 },
    );
    // Only 王海峰 and a newcomer of 第一党支部 in the address book: everyone else would be deactivated (周晓燕 is added later).
    fake.directory.users.push({ userid: 'wanghaifeng', name: '王海峰', department: [2] }, { userid: 'qianxin', name: '钱新', department: [3] });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.stop();
    await t?.drop();
  });

  const one = async (query: string): Promise<number> => Number(rows<{ n: number }>(await t.database.db.execute(sql.raw(query)))[0]!.n);

  it('previews the sync as a dry run, then applies exactly the previewed address book', async () => {
    const sync = await (await admin.get('/admin/org/sync')).text();
    expect(sync).toContain('预览从企业微信同步');
    expect(sync).not.toContain('未配置企业微信或钉钉');
    const people = await one('select count(*)::int as n from people where active');
    // 周晓燕 is not in the address book yet: the preview warns that she would deactivate herself.
    const self = await (await admin.post('/admin/org/sync', { platform: 'wecom' })).text();
    expect(self).toContain('您本人（周晓燕）也将被停用');
    fake.directory.users.push({ userid: 'zhouxiaoyan', name: '周晓燕', department: [1] });
    const res = await admin.post('/admin/org/sync', { platform: 'wecom' });
    expect(res.status).toBe(200);
    const preview = await res.text();
    expect(preview).toContain('企业微信通讯录：部门 3 个，成员 3 人');
    expect(preview).not.toContain('您本人');
    expect(preview).toContain('新增人员：钱新');
    expect(preview).toContain('停用人员：张伟');
    const token = /name="token" value="([^"]+)"/.exec(preview)![1]!;
    expect(await one('select count(*)::int as n from people where active')).toBe(people);
    expect(await one(`select count(*)::int as n from people where name = '钱新'`)).toBe(0);

    // The address book changes after the preview: the confirmation applies what was previewed, not the new read.
    fake.directory.users.push({ userid: 'houlai', name: '后来', department: [2] });
    const done = await admin.post('/admin/org/sync/confirm', { token });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('同步完成');
    expect(await one(`select count(*)::int as n from people p join platform_identities i on i.person_id = p.id where p.name = '钱新' and i.platform = 'wecom' and i.external_id = 'qianxin'`)).toBe(1);
    expect(await one(`select count(*)::int as n from people where name = '后来'`)).toBe(0);
    expect(await one(`select count(*)::int as n from people where name = '张伟' and not active`)).toBe(1);
    expect(await one(`select count(*)::int as n from people where name = '王海峰' and active`)).toBe(1);
    expect(await one(`select count(*)::int as n from people where name = '周晓燕' and active`)).toBe(1);
    expect(await one(`select count(*)::int as n from audit_log where action = 'org.import' and actor = 'person:${adminId}'`)).toBe(1);
  });

  it('says so when the address book cannot be read, and changes nothing', async () => {
    const people = await one('select count(*)::int as n from people');
    fake.fail('/cgi-bin/department/simplelist', { errcode: 60011 });
    const res = await admin.post('/admin/org/sync', { platform: 'wecom' });
    const html = await res.text();
    expect(html).toContain('读取企业微信通讯录失败，没有做任何改动');
    expect(await one('select count(*)::int as n from people')).toBe(people);
  });
});
