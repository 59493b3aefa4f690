import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { checklistStore } from '../../src/db/repositories/checklist-store.js';
import { fanOutTopic } from '../../src/db/repositories/topics.js';
import { seedDemo } from '../../src/demo.js';
import { HEADER_ROW, SUMMARY_SHEET } from '../../src/exports/year-report-xlsx.js';
import { httpSignIn, personId, type HttpSession } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * 报表 in the admin console over HTTP: the index with the signed H5 links, the digest page, the year-report
 * summary and its Excel (checked against the database), the 台账 Excel, all limited to the user's scope —
 * 陈志远 (第二、第三党支部) never gets another branch's lines.
 */
describe('admin console: 报表', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: HttpSession;
  let leader: HttpSession;
  let adminId: number;
  let leaderId: number;

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const branch = async (prefix: string): Promise<{ id: number; name: string }> => (await q<{ id: number; name: string }>(sql`select id, name from org_units where name like ${`${prefix}%`} and kind = 'branch'`))[0]!;

  async function workbook(res: Response): Promise<ExcelJS.Workbook> {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    return wb;
  }
  /** The 汇总 sheet's branch lines: name → [党员人数, 计划任务, …]. */
  function summaryLines(wb: ExcelJS.Workbook): Map<string, unknown[]> {
    const ws = wb.getWorksheet(SUMMARY_SHEET)!;
    const out = new Map<string, unknown[]>();
    for (let r = HEADER_ROW + 1; ; r++) {
      const first = ws.getCell(r, 1).value;
      if (first === null || first === undefined) break;
      const name = typeof first === 'object' && 'text' in first ? String(first.text) : String(first);
      out.set(name, [ws.getCell(r, 2).value, ws.getCell(r, 3).value, ws.getCell(r, 5).value]);
    }
    return out;
  }
  /** From the database: a branch's active members and its planned assignments of the year (its own and its people's). */
  async function dbFigures(branchId: number, year: number): Promise<{ members: number; planned: number; done: number }> {
    const [m] = await q<{ n: number }>(sql`select count(*)::int as n from people p join org_units u on u.id = p.unit_id where p.active and (u.id = ${branchId} or u.parent_id = ${branchId})`);
    const [p] = await q<{ n: number }>(sql`
      select count(*)::int as n from assignments a join plan_items i on i.id = a.item_id
      left join plans pl on pl.id = i.plan_id left join topics tp on tp.id = i.topic_id
      left join people pe on pe.id = a.person_id join org_units u on u.id = coalesce(a.unit_id, pe.unit_id)
      where i.active and (pl.year = ${year} or tp.month like ${`${year}-%`}) and (a.person_id is null or pe.active)
        and (u.id = ${branchId} or u.parent_id = ${branchId})`);
    const [d] = await q<{ n: number }>(sql`
      select count(distinct c.assignment_id)::int as n from completion_records c join people pe on pe.id = c.person_id join org_units u on u.id = pe.unit_id
      where c.action = 'complete' and (u.id = ${branchId} or u.parent_id = ${branchId})
        and not exists (select 1 from completion_records l where l.assignment_id = c.assignment_id and l.id > c.id)`);
    return { members: m!.n, planned: p!.n, done: d!.n };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    // The month's 必学 items given to every member (what the topic push does), so the reports have figures.
    const [topic] = await q<{ id: number }>(sql`select id from topics where month = '2026-11'`);
    expect(await fanOutTopic(t.database.db, topic!.id, app.clock.now())).toBeGreaterThan(0);
    // Two members complete an item (one in 第一党支部, one in 第二党支部), recorded as the checklist does.
    for (const name of ['王海峰', '何建华']) {
      const id = await personId(t.database, name);
      const [a] = await q<{ id: number }>(sql`select a.id from assignments a join plan_items i on i.id = a.item_id where a.person_id = ${id} order by i.path limit 1`);
      await t.database.db.transaction((tx) => checklistStore(tx).recordCompletion({ assignmentId: Number(a!.id), personId: id, source: 'admin', evidence: `${name}的学习心得`, sourceEventId: `test-${id}`, at: app.clock.now() }));
    }
    adminId = await personId(t.database, '周晓燕');
    leaderId = await personId(t.database, '陈志远');
    admin = await httpSignIn(app, adminId);
    leader = await httpSignIn(app, leaderId);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('the index: digest, year reports with their signed H5 pages, the ledger with its warning', async () => {
    const res = await admin.get('/admin/reports');
    expect(res.status).toBe(200);
    const body = (await res.text()).replace(/&amp;/g, '&');
    expect(body).toContain('2026年年中查账');
    expect(body).toContain('2026年年底交账');
    expect(body).toContain('2026年度党建工作台账');
    expect(body).toContain('数据量大时需要几十秒');
    expect(body).toContain('action="/admin/reports/ledger/download"');
    // The signed links open the existing H5 pages for this person.
    const digestLink = /href="(http[^"]+\/h5\/digest\?[^"]+)"/.exec(body)![1]!;
    const yearLink = /href="(http[^"]+\/h5\/reports\/year\?[^"]*kind=yearend[^"]*)"/.exec(body)![1]!;
    for (const link of [digestLink, yearLink]) {
      const u = new URL(link);
      const page = await fetch(`${app.url}${u.pathname}${u.search}`);
      expect(page.status, link).toBe(200);
    }
    expect(await (await fetch(`${app.url}${new URL(yearLink).pathname}${new URL(yearLink).search}`)).text()).toContain('第一党支部');
    // Another year.
    const y2025 = await (await admin.get('/admin/reports?year=2025')).text();
    expect(y2025).toContain('2025年年中查账');
    expect((await admin.get('/admin/reports?year=1999')).status).toBe(400);
  });

  it('the digest page: the person’s figures, by branch', async () => {
    const res = await admin.get('/admin/reports/digest');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('今日简报 11月23日');
    for (const b of ['第一党支部', '第二党支部', '第五党支部']) expect(body).toContain(b);
    const mine = await (await leader.get('/admin/reports/digest')).text();
    expect(mine).toContain('分管 2 个党支部');
    expect(mine).toContain('第二党支部');
    expect(mine).toContain('第三党支部');
    for (const b of ['第一党支部', '第四党支部', '第五党支部']) expect(mine).not.toContain(b);
  });

  it('the year report summary page and its Excel agree with the database', async () => {
    const page = await admin.get('/admin/reports/year/yearend?year=2026');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('2026年年底交账');
    expect(html).toContain('统计截至 2026-11-23');
    const res = await admin.get('/admin/reports/year/yearend/download?year=2026');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('2026年年底交账.xlsx')}`);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"/);
    const wb = await workbook(res);
    const lines = summaryLines(wb);
    expect(lines.size).toBe(6); // five branches and 合计
    const first = await branch('第一党支部');
    const want = await dbFigures(first.id, 2026);
    expect(want.planned).toBeGreaterThan(0);
    expect(want.done).toBe(1);
    expect(lines.get(first.name)).toEqual([want.members, want.planned, want.done]);
    // The page shows the same planned figure in that branch's row.
    expect(html).toMatch(new RegExp(`${first.name}</th><td class="num">${want.members}</td><td class="num">${want.planned}</td>`));
    // One branch only.
    const one = summaryLines(await workbook(await admin.get(`/admin/reports/year/midyear/download?year=2026&unit=${first.id}`)));
    expect([...one.keys()]).toEqual([first.name, '合计']);
    expect((await admin.get('/admin/reports/year/quarterly?year=2026')).status).toBe(404);
  });

  it('a leader’s year report contains only their branches, and they cannot ask for another', async () => {
    const second = await branch('第二党支部');
    const third = await branch('第三党支部');
    const first = await branch('第一党支部');
    const wb = await workbook(await leader.get('/admin/reports/year/yearend/download?year=2026'));
    const lines = summaryLines(wb);
    expect([...lines.keys()]).toEqual([second.name, third.name, '合计']);
    const want = await dbFigures(second.id, 2026);
    expect(lines.get(second.name)).toEqual([want.members, want.planned, want.done]);
    expect(wb.worksheets.map((w) => w.name).join()).not.toContain('第一党支部');
    const page = await (await leader.get('/admin/reports/year/yearend?year=2026')).text();
    for (const b of ['第一党支部', '第四党支部', '第五党支部']) expect(page).not.toContain(b);
    const index = await (await leader.get('/admin/reports')).text();
    expect(index).toContain('第二党支部');
    for (const b of ['第一党支部', '第四党支部', '第五党支部']) expect(index).not.toContain(b);
    expect(index).not.toMatch(/method="post"[^>]*action="\/admin\/reports/);
    expect((await leader.get(`/admin/reports/year/yearend/download?year=2026&unit=${first.id}`)).status).toBe(403);
    expect((await leader.get(`/admin/reports/ledger/download?year=2026&unit=${first.id}`)).status).toBe(403);
  });

  it('the ledger: admins get the whole agency, leaders their branches', async () => {
    const res = await admin.get('/admin/reports/ledger/download?year=2026');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('2026年度党建工作台账.xlsx')}`);
    const wb = await workbook(res);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '完成记录', '会议记录', '评分表', '延期申请']);
    const summaryText = (w: ExcelJS.Workbook): string => w.getWorksheet('汇总')!.getSheetValues().flat().map(String).join('|');
    expect(summaryText(wb)).toContain('全部党支部');
    const evidence = (w: ExcelJS.Workbook): string => w.getWorksheet('完成记录')!.getSheetValues().flat().map(String).join('|');
    expect(evidence(wb)).toContain('王海峰的学习心得');
    expect(evidence(wb)).toContain('何建华的学习心得');
    const mine = await workbook(await leader.get('/admin/reports/ledger/download?year=2026'));
    const text = summaryText(mine);
    expect(text).toContain('第二党支部');
    expect(text).not.toContain('全部党支部');
    expect(text).not.toContain('第一党支部');
    expect(evidence(mine)).toContain('何建华的学习心得');
    expect(evidence(mine)).not.toContain('王海峰');
  });
});
