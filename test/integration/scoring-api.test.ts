import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { createAdminToken } from '../../src/db/repositories/admin-tokens.js';
import { scoringStore } from '../../src/db/repositories/scoring-store.js';
import type { BranchResult } from '../../src/domain/scoring/aggregate.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { buildScoringRound, seedScoringOrg, type BuiltRound } from '../support/scoring-round.js';

const fixtures = resolve(import.meta.dirname, '../fixtures/scoring');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The 互观互检 admin API over HTTP: schemes, rounds (flags for admins only), the Excel download, chat links. */
describe(`scoring admin API on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: string;
  let leader: string;
  let scopedLeader: string;
  let built: BuiltRound;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedScoringOrg(t.database, app.clock);
    built = await buildScoringRound(t.database, app.clock, { title: '2026年第四季度互观互检', withResults: true });
    const at = app.clock.now();
    admin = (await createAdminToken(t.database.db, { name: '党务办公室', role: 'admin', actor: 'test', at })).token;
    leader = (await createAdminToken(t.database.db, { name: '分管领导', role: 'leader', actor: 'test', at })).token;
    scopedLeader = (await createAdminToken(t.database.db, { name: '一支部联系领导', role: 'leader', scopeUnitId: built.round.branches[0]!.id, actor: 'test', at })).token;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const call = (path: string, token: string, init: RequestInit & { type?: string } = {}) =>
    fetch(`${app.url}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.type ? { 'content-type': init.type } : {}), ...(init.headers as Record<string, string> | undefined) },
    });
  const schemeCount = async (): Promise<number> => rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from scoring_schemes`))[0]!.n;

  it('imports schemes: leader tokens are refused, a bad file is refused row by row, the same scheme is not stored twice', async () => {
    expect(await schemeCount()).toBe(1);
    const csv = readFileSync(resolve(fixtures, 'scheme-five-types.csv'));
    const refused = await call('/scoring/schemes', leader, { method: 'POST', type: 'text/csv', body: csv });
    expect(refused.status).toBe(403);
    expect(await schemeCount()).toBe(1);

    const bad = await call('/scoring/schemes', admin, { method: 'POST', type: 'text/csv', body: readFileSync(resolve(fixtures, 'scheme-bad.csv')) });
    expect(bad.status).toBe(400);
    const error = ((await bad.json()) as { error: { code: string; message: string; details: { row: number; message: string }[] } }).error;
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('计分方案有误（8处）');
    expect(error.details[0]).toEqual({ row: 3, message: '第3行：分值上限“七”不是有效的分数' });
    expect(await schemeCount()).toBe(1);

    // The xlsx template is the scheme the round uses (its title row names it): found, not stored again.
    const xlsx = await call('/scoring/schemes', admin, {
      method: 'POST', type: XLSX, body: readFileSync(resolve(fixtures, 'scheme-five-types.xlsx')), headers: { 'x-file-name': encodeURIComponent('评分表.xlsx') },
    });
    expect(xlsx.status).toBe(200);
    expect(await xlsx.json()).toMatchObject({ dryRun: false, created: false, id: built.round.schemeId });

    const json = JSON.parse(readFileSync(resolve(fixtures, 'scheme-five-types.json'), 'utf8')) as Record<string, unknown>;
    const dry = await call('/scoring/schemes?dryRun=true', admin, { method: 'POST', type: 'application/json', body: JSON.stringify({ ...json, name: '2027年度评分表' }) });
    expect(await dry.json()).toMatchObject({ dryRun: true, created: true, id: null, scheme: { name: '2027年度评分表', total: 100 } });
    expect(await schemeCount()).toBe(1);
    const created = await call('/scoring/schemes', admin, { method: 'POST', type: 'application/json', body: JSON.stringify({ ...json, name: '2027年度评分表' }) });
    const body = (await created.json()) as { created: boolean; id: number };
    expect(body.created).toBe(true);
    expect(await schemeCount()).toBe(2);

    const list = (await (await call('/scoring/schemes', leader)).json()) as { items: { id: number; name: string }[] };
    expect(list.items.map((s) => s.name)).toEqual(['2027年度评分表', '2026年度五型模范机关互观互检评分表']);
    const one = (await (await call(`/scoring/schemes/${body.id}`, leader)).json()) as { scheme: { categories: unknown[] } };
    expect(one.scheme.categories).toHaveLength(5);
    expect((await call('/scoring/schemes/9999', leader)).status).toBe(404);
    const wrongType = await call('/scoring/schemes', admin, { method: 'POST', type: 'text/plain', body: 'x' });
    expect(wrongType.status).toBe(400);
  });

  it('round detail: flags and unshown ranks for admin tokens only; a unit-scoped leader sees its branch only', async () => {
    const rounds = (await (await call('/scoring/rounds?status=closed', leader)).json()) as { items: { id: number; submitted: number; expected: number }[] };
    expect(rounds.items).toEqual([expect.objectContaining({ id: built.round.id, submitted: 28, expected: 30 })]);
    expect((await (await call('/scoring/rounds?status=open', leader)).json())).toEqual({ items: [] });
    expect((await call('/scoring/rounds?status=done', leader)).status).toBe(400);

    const asAdmin = (await (await call(`/scoring/rounds/${built.round.id}`, admin)).json()) as Record<string, unknown> & { results: { branches: BranchResult[] }; flags: { message: string }[] };
    expect(asAdmin.flags).toEqual(JSON.parse(JSON.stringify(built.flags)));
    expect(asAdmin.flags.length).toBeGreaterThan(0);
    expect(asAdmin.results).toEqual(JSON.parse(JSON.stringify(built.result)));
    expect(asAdmin.results.branches.map((b) => b.rank).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(asAdmin.progress).toMatchObject({ expected: 30, submitted: 28, drafts: 1, missing: 1 });
    expect(asAdmin.branches).toEqual(built.round.branches);

    const res = await call(`/scoring/rounds/${built.round.id}`, leader);
    expect(res.status).toBe(200);
    const text = await res.text();
    const asLeader = JSON.parse(text) as Record<string, unknown> & { results: { branches: BranchResult[] } };
    expect('flags' in asLeader).toBe(false);
    for (const f of built.flags!) expect(text).not.toContain(f.message);
    expect(asLeader.results.branches.map((b) => b.rank)).toEqual([null, null, null, null, null]);
    expect(asLeader.results.branches.map((b) => b.totalText)).toEqual(built.result!.branches.map((b) => b.totalText));

    const scoped = (await (await call(`/scoring/rounds/${built.round.id}`, scopedLeader)).json()) as { branches: { id: number }[]; results: { branches: BranchResult[]; sheets: { targetBranchId: string }[] } };
    const mine = String(built.round.branches[0]!.id);
    expect(scoped.branches.map((b) => String(b.id))).toEqual([mine]);
    expect(scoped.results.branches.map((b) => b.branchId)).toEqual([mine]);
    expect(new Set(scoped.results.sheets.map((s) => s.targetBranchId))).toEqual(new Set([mine]));
    expect((await call('/scoring/rounds/9999', admin)).status).toBe(404);
  });

  it('exports the round as .xlsx with a Chinese file name; leaders get it without 发布前提示, unit-scoped leaders not at all', async () => {
    const res = await call(`/scoring/rounds/${built.round.id}/export`, admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toBe(`attachment; filename="scoring-round-${built.round.id}.xlsx"; filename*=UTF-8''${encodeURIComponent('2026年第四季度互观互检-评分结果.xlsx')}`);
    const m = /filename\*=UTF-8''(.+)$/.exec(disposition)!;
    expect(decodeURIComponent(m[1]!)).toBe('2026年第四季度互观互检-评分结果.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '评分明细', '分类得分', '计分规则', '发布前提示', '计分方案']);
    expect(wb.getWorksheet('发布前提示')!.getCell('C2').value).toBe(built.flags![0]!.message);

    const asLeader = await call(`/scoring/rounds/${built.round.id}/export`, leader);
    expect(asLeader.status).toBe(200);
    const lb = new ExcelJS.Workbook();
    await lb.xlsx.load((await asLeader.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(lb.worksheets.map((w) => w.name)).toEqual(['汇总', '评分明细', '分类得分', '计分规则', '计分方案']);

    expect((await call(`/scoring/rounds/${built.round.id}/export`, scopedLeader)).status).toBe(403);
    const missing = await call('/scoring/rounds/9999/export', admin);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
  });

  it('links a chat to branches (admins only); an empty list means every branch', async () => {
    const chat = await scoringStore(t.database.db).registerChat('sandbox', 'grp-scoring', '互观互检工作群', app.clock.now());
    const [b1, , b3] = built.round.branches;
    const body = JSON.stringify({ branchIds: [b1!.id, b3!.id] });
    expect((await call(`/scoring/chats/${chat.id}/branches`, leader, { method: 'PUT', type: 'application/json', body })).status).toBe(403);
    const ok = await call(`/scoring/chats/${chat.id}/branches`, admin, { method: 'PUT', type: 'application/json', body });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ allBranches: false, branches: [b1, b3], chat: { id: chat.id, linkedBranches: [b1, b3] } });
    const list = (await (await call('/scoring/chats', leader)).json()) as { items: { id: number; linkedBranches: unknown[] }[] };
    expect(list.items.find((c) => c.id === chat.id)?.linkedBranches).toEqual([b1, b3]);

    const committee = rows<{ id: number }>(await t.database.db.execute(sql`select id from org_units where kind = 'committee'`))[0]!.id;
    const bad = await call(`/scoring/chats/${chat.id}/branches`, admin, { method: 'PUT', type: 'application/json', body: JSON.stringify({ branchIds: [committee] }) });
    expect(bad.status).toBe(400);
    expect(await scoringStore(t.database.db).chatBranches(chat.id)).toEqual([b1, b3]);
    expect((await call('/scoring/chats/9999/branches', admin, { method: 'PUT', type: 'application/json', body })).status).toBe(404);

    const all = await call(`/scoring/chats/${chat.id}/branches`, admin, { method: 'PUT', type: 'application/json', body: JSON.stringify({ branchIds: [] }) });
    expect(await all.json()).toMatchObject({ allBranches: true, branches: built.round.branches });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { 'x-access': string; requestBody?: { content: Record<string, unknown> } }>> };
    expect(doc.paths['/api/v1/scoring/schemes']!.post!['x-access']).toBe('write');
    expect(Object.keys(doc.paths['/api/v1/scoring/schemes']!.post!.requestBody!.content)).toEqual(['application/json', 'text/csv', XLSX]);
    expect(doc.paths['/api/v1/scoring/rounds/{id}/export']!.get!['x-access']).toBe('read');
    expect(doc.paths['/api/v1/scoring/chats/{chatId}/branches']!.put!['x-access']).toBe('write');
  });
});
