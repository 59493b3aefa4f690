import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/db/repositories/audit.js';
import { listPeople, listUnits } from '../../src/db/repositories/org.js';
import { ManualClock } from '../../src/domain/clock.js';
import { ValidationError } from '../../src/errors.js';
import { importOrgFromFile, importOrgFromRows, seedDemoOrg } from '../../src/importers/import-org-file.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { auditTrail, countOrgRows } from '../support/org.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'org-import-'));
const clock = new ManualClock('2026-03-02T01:00:00Z');
const opts = { actor: 'test', clock };

/** The example CSV with edits applied line by line. */
function editedCsv(name: string, edit: (lines: string[]) => string[]): string {
  const lines = readFileSync(fixture('org-import-example.csv'), 'utf8').trimEnd().split('\n');
  const path = join(tmp, name);
  writeFileSync(path, `${edit(lines).join('\n')}\n`);
  return path;
}

async function catchError(p: Promise<unknown>): Promise<ValidationError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ValidationError);
  return e as ValidationError;
}

describe(`organisation import on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('a bad file is refused with every row error and writes nothing', async () => {
    const before = await countOrgRows(t.database);
    const e = await catchError(importOrgFromFile(t.database, fixture('org-import-bad.csv'), opts));
    expect(e.details).toEqual([
      { row: 3, message: '第3行：所在单位/支部为空' },
      { row: 4, message: '第4行：手机号格式不正确' },
      { row: 5, message: '第5行：角色“组长”无法识别（可用：党员、支部书记、支部委员、管理员、领导）' },
      { row: 6, message: '第6行：姓名为空' },
      { row: 7, message: '第7行：企业微信账号 zhangsan 与第2行重复' },
      { row: 8, message: '第8行：企业微信账号和钉钉账号至少填写一个' },
      { row: 9, message: '第9行：企业微信账号“wu jiu”格式不正确（只能包含字母、数字和 _ - . @，最长64位）' },
      { row: 9, message: '第9行：分管范围只适用于角色为“领导”的人员' },
    ]);
    expect(e.message.split('\n')[0]).toBe('组织导入失败，共 8 处错误：');
    expect(await countOrgRows(t.database)).toEqual(before);
  });

  it('a missing header or an unknown file type is one clear error', async () => {
    const noRoles = editedCsv('no-roles.csv', (lines) => lines.map((l) => l.split(',').filter((_, i) => i !== 3).join(',')));
    const e = await catchError(importOrgFromFile(t.database, noRoles, opts));
    expect(e.details).toEqual([{ row: 1, message: '表头缺少必填列：角色' }]);
    const txt = join(tmp, 'org.txt');
    writeFileSync(txt, 'x');
    expect((await catchError(importOrgFromFile(t.database, txt, opts))).message).toBe('不支持的文件类型“.txt”，请使用 .csv、.xlsx、.json 文件');
    const empty = join(tmp, 'empty.csv');
    writeFileSync(empty, '');
    expect((await catchError(importOrgFromFile(t.database, empty, opts))).details).toEqual([{ row: 1, message: '文件为空，没有表头也没有数据' }]);
  });

  it('imports the example CSV: units, people, scoped roles, identities, audit', async () => {
    const report = await importOrgFromFile(t.database, fixture('org-import-example.csv'), opts);
    expect(report).toMatchObject({
      dryRun: false, unchanged: false, rows: 13,
      created: { units: 6, people: 13, roles: 22, identities: 26 },
      updated: { people: 0, units: 0 }, deactivated: { people: 0 }, notInFile: 0, notes: [],
    });
    expect(report.changes.slice(0, 7)).toEqual([
      '新增机关党委：某某局机关党委', '新增党支部：第一党支部（办公室）', '新增党小组：第一党支部（办公室）/第一党小组',
      '新增党小组：第一党支部（办公室）/第二党小组', '新增党支部：第二党支部（业务处）', '新增党支部：第三党支部（财务处）',
      '新增人员：孙立华（某某局机关党委）',
    ]);
    const units = await listUnits(t.database.db);
    expect(units.map((u) => [u.kind, u.name, u.memberCount, u.totalMemberCount])).toEqual([
      ['committee', '某某局机关党委', 2, 13],
      ['branch', '第一党支部（办公室）', 1, 5],
      ['group', '第一党小组', 2, 2],
      ['group', '第二党小组', 2, 2],
      ['branch', '第二党支部（业务处）', 4, 4],
      ['branch', '第三党支部（财务处）', 2, 2],
    ]);
    const id = (name: string): number => units.find((u) => u.name === name)?.id ?? -1;
    const { items, total } = await listPeople(t.database.db, { limit: 100 });
    expect(total).toBe(13);
    const chu = items.find((p) => p.name === '褚卫东');
    expect(chu?.roles).toEqual([
      { role: 'member', scopeUnitId: null, scopeUnitName: null },
      { role: 'leader', scopeUnitId: id('第二党支部（业务处）'), scopeUnitName: '第二党支部（业务处）' },
      { role: 'leader', scopeUnitId: id('第三党支部（财务处）'), scopeUnitName: '第三党支部（财务处）' },
    ]);
    const zhao = items.find((p) => p.name === '赵国栋');
    expect(zhao).toMatchObject({ unitName: '第一党支部（办公室）', mobile: '13800000003', identities: [{ platform: 'wecom', externalId: 'zhaoguodong' }, { platform: 'dingtalk', externalId: 'dt_zhaoguodong' }] });
    expect(zhao?.roles.map((r) => [r.role, r.scopeUnitName])).toEqual([['member', null], ['secretary', '第一党支部（办公室）']]);
    expect(items.find((p) => p.name === '孙立华')?.roles.map((r) => [r.role, r.scopeUnitName])).toEqual([['member', null], ['leader', '某某局机关党委']]);
    expect(items.find((p) => p.name === '李春梅')?.unitName).toBe('第一党小组');

    const audit = await auditTrail(t.database);
    expect(audit.map((a) => a.action)).toEqual(['org.import', ...Array<string>(6).fill('unit.create'), ...Array<string>(13).fill('person.create')]);
    expect(audit[0]?.data).toMatchObject({ rows: 13, created: { units: 6, people: 13, roles: 22, identities: 26 } });
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ ok: true, count: 20 });
  });

  it('re-importing the same people from CSV, XLSX or JSON changes nothing and writes no audit rows', async () => {
    const before = await countOrgRows(t.database);
    for (const file of ['org-import-example.csv', 'org-import-example.xlsx']) {
      const report = await importOrgFromFile(t.database, fixture(file), opts);
      expect(report).toMatchObject({ unchanged: true, changes: [], created: { units: 0, people: 0, roles: 0, identities: 0 }, updated: { people: 0, units: 0 } });
      expect(report.notes).toEqual(['文件与现有组织一致，没有需要改动的内容']);
    }
    // JSON with header aliases and roles as arrays.
    const people = (await listPeople(t.database.db, { limit: 100 })).items;
    const json = people.map((p) => ({
      姓名: p.name,
      所在支部: p.unitKind === 'group' ? (p.unitName === '第一党小组' || p.unitName === '第二党小组' ? '第一党支部（办公室）' : '') : p.unitName,
      党小组: p.unitKind === 'group' ? p.unitName : '',
      角色: p.roles.map((r) => ({ member: '党员', secretary: '支部书记', committee_member: '支委', admin: '党务干部', leader: '领导' })[r.role]).filter((v, i, a) => a.indexOf(v) === i),
      企业微信: p.identities.find((i) => i.platform === 'wecom')?.externalId,
      钉钉: p.identities.find((i) => i.platform === 'dingtalk')?.externalId,
      手机: p.mobile === null ? null : Number(p.mobile),
      分管范围: p.name === '褚卫东' ? '第二党支部（业务处）；第三党支部（财务处）' : '',
    }));
    const path = join(tmp, 'org.json');
    writeFileSync(path, JSON.stringify(json, null, 2));
    expect((await importOrgFromFile(t.database, path, opts)).unchanged).toBe(true);
    expect(await countOrgRows(t.database)).toEqual(before);
  });

  const changed = (): string => editedCsv('changed.csv', (lines) => [
    ...lines.map((l) => l
      .replace('周志强,第一党支部（办公室）,第一党小组,党员', '周志强,第二党支部（业务处）,,党员')
      .replace('陈丽,第二党支部（业务处）,,党员,', '陈丽,第二党支部（业务处）,,党员、支委,')
      .replace('dt_jiangming,,', 'dt_jiangming2,13900000013,')),
    '何芳,第三党支部（财务处）,,党员,hefang,dt_hefang,,',
  ]);

  it('dry-run reports the changes and writes nothing', async () => {
    const before = await countOrgRows(t.database);
    const report = await importOrgFromFile(t.database, changed(), { ...opts, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.unchanged).toBe(false);
    expect(report.changes).toHaveLength(4);
    expect(report.notes).toEqual(['试运行：没有写入任何数据']);
    expect(await countOrgRows(t.database)).toEqual(before);
  });

  it('a changed file updates in place: a move, a role change, a changed account, a new member', async () => {
    const auditBefore = (await auditTrail(t.database)).length;
    const report = await importOrgFromFile(t.database, changed(), opts);
    expect(report.changes).toEqual([
      '更新人员：周志强：所在单位 第一党支部（办公室）/第一党小组 → 第二党支部（业务处）',
      '更新人员：陈丽：角色 党员 → 党员、支部委员',
      '更新人员：蒋明：手机号 （空） → 13900000013；钉钉账号 dt_jiangming → dt_jiangming2',
      '新增人员：何芳（第三党支部（财务处））',
    ]);
    expect(report).toMatchObject({ unchanged: false, created: { units: 0, people: 1, roles: 2, identities: 3 }, updated: { people: 3, units: 0 }, notInFile: 0 });
    const people = (await listPeople(t.database.db, { limit: 100 })).items;
    const zhou = people.find((p) => p.name === '周志强');
    expect(zhou?.unitName).toBe('第二党支部（业务处）');
    expect(people.find((p) => p.name === '陈丽')?.roles.map((r) => r.role)).toEqual(['member', 'committee_member']);
    expect(people.find((p) => p.name === '蒋明')).toMatchObject({ mobile: '13900000013', identities: [{ platform: 'wecom', externalId: 'jiangming' }, { platform: 'dingtalk', externalId: 'dt_jiangming2' }] });
    expect(people).toHaveLength(14);
    const audit = (await auditTrail(t.database)).slice(auditBefore);
    expect(audit.map((a) => [a.action, a.subject_type])).toEqual([
      ['org.import', 'org'], ['person.create', 'person'], ['person.update', 'person'], ['person.update', 'person'], ['person.update', 'person'],
    ]);
    expect(audit[2]?.data).toEqual({ row: 6, source: 'import', changes: ['所在单位 第一党支部（办公室）/第一党小组 → 第二党支部（业务处）'] });
    // And importing it again is a no-op.
    expect((await importOrgFromFile(t.database, changed(), opts)).unchanged).toBe(true);
  });

  it('people missing from the file are counted, or deactivated (never deleted) with deactivateMissing', async () => {
    const shorter = editedCsv('shorter.csv', (lines) => lines.filter((l) => !l.startsWith('吴晓丽') && !l.startsWith('郑海涛')));
    const kept = await importOrgFromFile(t.database, shorter, opts);
    // 何芳 was only in the changed file, and the old spellings come back for the three changed people.
    expect(kept.notInFile).toBe(3);
    expect(kept.notes).toEqual(['3 人不在文件中，未改动']);
    expect(kept.deactivated.people).toBe(0);
    const countBefore = await countOrgRows(t.database);
    const gone = await importOrgFromFile(t.database, shorter, { ...opts, deactivateMissing: true });
    expect(gone.changes).toEqual(['停用人员：吴晓丽（第一党支部（办公室）/第二党小组）', '停用人员：郑海涛（第一党支部（办公室）/第二党小组）', '停用人员：何芳（第三党支部（财务处））']);
    expect(gone).toMatchObject({ deactivated: { people: 3 }, notInFile: 3, notes: ['3 人不在文件中，已停用'] });
    const after = await countOrgRows(t.database);
    expect(after.people).toBe(countBefore.people);
    expect(after.audit_log).toBe((countBefore.audit_log ?? 0) + 4);
    const all = (await listPeople(t.database.db, { includeInactive: true, limit: 100 })).items;
    expect(all.filter((p) => !p.active).map((p) => p.name)).toEqual(['吴晓丽', '郑海涛', '何芳']);
    expect((await listPeople(t.database.db, { limit: 100 })).total).toBe(11);
    // Back in the file: revived.
    const back = await importOrgFromFile(t.database, fixture('org-import-example.csv'), opts);
    expect(back.changes).toEqual(['更新人员：吴晓丽：重新启用', '更新人员：郑海涛：重新启用']);
  });

  it('an account held by a person outside the file is refused, nothing written', async () => {
    const before = await countOrgRows(t.database);
    // 蒋明 is found by his WeCom account; the DingTalk account belongs to 何芳, who is not in the file.
    const path = editedCsv('taken.csv', (lines) => lines.map((l) => l.replace('dt_jiangming', 'dt_hefang')));
    const e = await catchError(importOrgFromFile(t.database, path, opts));
    expect(e.details).toEqual([{ row: 14, message: '第14行：钉钉账号 dt_hefang 已被 何芳（第三党支部（财务处））使用' }]);
    expect(await countOrgRows(t.database)).toEqual(before);
  });
});

describe('seedDemoOrg', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('loads the demo organisation once; the second run is unchanged', async () => {
    const first = await seedDemoOrg(t.database, opts);
    expect(first).toMatchObject({ unchanged: false, created: { units: 10, people: 41, identities: 82 } });
    const units = await listUnits(t.database.db);
    expect(units.filter((u) => u.kind === 'branch').map((u) => [u.name, u.totalMemberCount])).toEqual([
      ['第一党支部（办公室）', 9], ['第二党支部（政策法规处）', 8], ['第三党支部（规划财务处）', 7], ['第四党支部（综合业务处）', 9], ['第五党支部（机关服务中心）', 6],
    ]);
    expect(units[0]).toMatchObject({ kind: 'committee', name: '某某厅机关党委', totalMemberCount: 41 });
    const people = (await listPeople(t.database.db, { limit: 100 })).items;
    const secretaries = people.filter((p) => p.roles.some((r) => r.role === 'secretary'));
    expect(secretaries.map((p) => p.roles.find((r) => r.role === 'secretary')?.scopeUnitName)).toEqual(units.filter((u) => u.kind === 'branch').map((u) => u.name));
    const leaders = people.filter((p) => p.roles.some((r) => r.role === 'leader'));
    expect(leaders.map((p) => [p.name, p.roles.filter((r) => r.role === 'leader').map((r) => r.scopeUnitName)])).toEqual([
      ['刘建国', ['某某厅机关党委']], ['陈志远', ['第二党支部（政策法规处）', '第三党支部（规划财务处）']],
    ]);
    expect(people.filter((p) => p.roles.some((r) => r.role === 'admin')).map((p) => p.name)).toEqual(['周晓燕']);
    const before = await countOrgRows(t.database);
    const second = await seedDemoOrg(t.database, opts);
    expect(second).toMatchObject({ unchanged: true, changes: [], notInFile: 0 });
    expect(await countOrgRows(t.database)).toEqual(before);
  });

  it('importOrgFromRows takes rows built in code', async () => {
    const report = await importOrgFromRows(t.database, [{ rowNumber: 2, values: { 姓名: '王小明', 支部: '第五党支部（机关服务中心）', 角色: '党员', 钉钉: 'dt_wangxiaoming' } }], { ...opts, dryRun: true });
    expect(report.changes).toEqual(['新增人员：王小明（第五党支部（机关服务中心））']);
    expect(report.notInFile).toBe(41);
  });
});
