import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { createAdminToken } from '../../src/db/repositories/admin-tokens.js';
import { listUnits } from '../../src/db/repositories/org.js';
import type { PlanTree, PlanTreeNode, UnitAssignment } from '../../src/db/repositories/plans.js';
import { ManualClock } from '../../src/domain/clock.js';
import { importOrgFromFile } from '../../src/importers/import-org-file.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const workPoints = readFileSync(resolve(repoRoot, '../shared/fixtures/plans/work-points-2023.txt'));
const docx = readFileSync(resolve(repoRoot, 'test/fixtures/plans/work-points-2023.docx'));
const xlsx = readFileSync(resolve(repoRoot, 'test/fixtures/plans/plan-template-example.xlsx'));
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const tasksOf = (n: PlanTreeNode): PlanTreeNode[] => (n.level === 'task' ? [n] : n.children.flatMap(tasksOf));

describe(`admin API: plans on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: string;
  let leader: string;
  let scopedLeader: string;
  let branchIds: number[];
  const at = new Date('2026-11-22T02:00:00Z');

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await importOrgFromFile(t.database, resolve(repoRoot, 'test/fixtures/org-import-example.csv'), { actor: 'test', clock: new ManualClock(at) });
    branchIds = (await listUnits(t.database.db)).filter((u) => u.kind === 'branch').map((u) => u.id);
    admin = (await createAdminToken(t.database.db, { name: '党务办公室', role: 'admin', actor: 'test', at })).token;
    leader = (await createAdminToken(t.database.db, { name: '分管领导', role: 'leader', actor: 'test', at })).token;
    scopedLeader = (await createAdminToken(t.database.db, { name: '一支部领导', role: 'leader', scopeUnitId: branchIds[0]!, actor: 'test', at })).token;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const call = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${app.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const upload = (query: string, body: Buffer, type: string, token = admin, headers: Record<string, string> = {}) =>
    call(`/plans/import${query}`, token, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': type, ...headers } });
  const count = async (table: string): Promise<number> =>
    Number(rows<{ n: number }>(await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]?.n);

  it('refuses an import with a leader token (403) and writes nothing', async () => {
    const res = await upload('', workPoints, 'text/plain; charset=utf-8', leader);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(await count('plans')).toBe(0);
  });

  it('imports an uploaded text document: outline plus report; the .docx of it changes nothing', async () => {
    const dry = await upload('?dryRun=true', workPoints, 'text/plain; charset=utf-8');
    expect(dry.status).toBe(200);
    expect(((await dry.json()) as { report: unknown }).report).toMatchObject({ dryRun: true, planId: null, created: { items: 31, assignments: 75 } });
    expect(await count('plan_items')).toBe(0);

    const res = await upload('', workPoints, 'text/plain; charset=utf-8', admin, { 'x-file-name': encodeURIComponent('2023年工作要点.txt') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { title: string; nodes: { marker: string }[]; report: Record<string, unknown> };
    expect(body.title).toBe('2023年区党建工作要点');
    expect(body.nodes.map((n) => n.marker)).toEqual(['一、', '二、', '三、', '四、', '五、', '六、']);
    expect(body.report).toMatchObject({ dryRun: false, unchanged: false, year: 2023, sourceName: '2023年工作要点.txt', created: { items: 31, assignments: 75 } });

    const again = await upload('', docx, DOCX, admin, { 'x-file-name': 'work-points-2023.docx' });
    expect(((await again.json()) as { report: unknown }).report).toMatchObject({ unchanged: true, changes: [] });
    expect(await count('plan_items')).toBe(31);
    const audit = rows<{ actor: string }>(await t.database.db.execute(sql`select actor from audit_log where action = 'plan.import'`));
    expect(audit).toEqual([{ actor: 'token:党务办公室' }]);
  });

  it('imports an xlsx with a title and no assignments; refuses an unknown content type', async () => {
    const res = await upload(`?title=${encodeURIComponent('表格计划')}&assign=none&year=2024`, xlsx, XLSX);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { report: unknown }).report).toMatchObject({ title: '表格计划', year: 2024, sourceName: 'upload.xlsx', created: { items: 10, assignments: 0 } });
    const bad = await upload('', workPoints, 'application/pdf');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('请以 text/plain、text/markdown');
    const empty = await upload('', Buffer.from('没有编号的一段话。'), 'text/plain');
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toContain('文档中没有找到任何带编号的条目');
    expect((await upload('?year=99', workPoints, 'text/plain')).status).toBe(400);
  });

  it('lists plans and returns a plan tree to a leader', async () => {
    const list = (await (await call('/plans', leader)).json()) as { items: { id: number; year: number; title: string; aspects: number; tasks: number }[] };
    expect(list.items.map((p) => [p.year, p.title, p.aspects, p.tasks])).toEqual([[2024, '表格计划', 2, 8], [2023, '2023年区党建工作要点', 6, 25]]);
    const id = list.items[1]!.id;
    const res = await call(`/plans/${id}`, leader);
    expect(res.status).toBe(200);
    const tree = (await res.json()) as PlanTree;
    expect(tree.items.map((a) => tasksOf(a).length)).toEqual([5, 6, 3, 3, 4, 4]);
    expect(tree.items[1]).toMatchObject({ marker: '二、', level: 'aspect', dimensions: ['服务型', '实干型'] });
    expect(tree.items[1]!.children[0]).toMatchObject({ marker: '6.', level: 'task', dueDate: '2023-12-31', listKind: 'work', assignments: { total: 3, units: 3, people: 0 } });
    expect((await call('/plans/99999', admin)).status).toBe(404);
  });

  it("returns a unit's assignments within the token's scope", async () => {
    const res = await call(`/units/${branchIds[0]}/assignments?from=2023-01-01&to=2023-12-31`, scopedLeader);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: UnitAssignment[] };
    expect(items).toHaveLength(25);
    expect(items[0]).toMatchObject({ planYear: 2023, path: '一、/1.', dueDate: '2023-12-31' });
    expect((await call(`/units/${branchIds[1]}/assignments`, scopedLeader)).status).toBe(403);
    expect((await call(`/units/${branchIds[1]}/assignments?from=2023-13-01`, admin)).status).toBe(400);
  });

  it('documents the routes in OpenAPI with the upload content types', async () => {
    const doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    expect(Object.keys(doc.paths['/api/v1/plans/import']?.post?.requestBody?.content ?? {})).toEqual(['text/plain', 'text/markdown', DOCX, XLSX]);
    expect(doc.paths).toHaveProperty(['/api/v1/plans/{id}', 'get']);
    expect(doc.paths).toHaveProperty(['/api/v1/units/{id}/assignments', 'get']);
  });
});
