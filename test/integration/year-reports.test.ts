import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationHandler } from '../../src/conversation.js';
import { rows } from '../../src/db/migrate.js';
import { createAdminToken } from '../../src/db/repositories/admin-tokens.js';
import { verifyAuditChain } from '../../src/db/repositories/audit.js';
import { checkHead } from '../../src/exports/ledger-data.js';
import { ledgerBuffer } from '../../src/exports/ledger-xlsx.js';
import { ALL_BRANCHES, loadYearReport } from '../../src/exports/year-report-data.js';
import { BRANCH_COLUMNS, HEADER_ROW, SUMMARY_COLUMNS, yearReportBuffer } from '../../src/exports/year-report-xlsx.js';
import type { YearReport } from '../../src/domain/reports/types.js';
import { handleInbound } from '../../src/inbox/handle-inbound.js';
import { createLogger } from '../../src/log.js';
import { LogCapture, startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { buildYear, expectedFigures, sumExpected, TZ, YEAR, type Expected, type YearData } from '../support/year-data.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * 年中查账, 年底交账 and 台账 over a year of data built through production code (test/support/year-data.ts): every
 * workbook is read back with exceljs and compared, cell by cell, with the database — the figures with an
 * independent recomputation from the raw rows, the ledger with the rows themselves, the chain head with
 * verifyAuditChain. Then the admin API (admin, leader, unit-scoped leader) and the H5 page (scope, signed links).
 */
describe(`year reports and the ledger on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, { timeout: 300_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let data: YearData;
  let admin: string;
  let leader: string;
  let scopedLeader: string;
  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    data = await buildYear(t.database, app.clock);
    const at = app.clock.now();
    admin = (await createAdminToken(t.database.db, { name: '党务办公室', role: 'admin', actor: 'test', at })).token;
    leader = (await createAdminToken(t.database.db, { name: '分管领导', role: 'leader', actor: 'test', at })).token;
    scopedLeader = (await createAdminToken(t.database.db, { name: '一支部联系领导', role: 'leader', scopeUnitId: data.branch['第一党支部']!, actor: 'test', at })).token;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const load = async (bytes: Buffer | ArrayBuffer): Promise<ExcelJS.Workbook> => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    return wb;
  };
  const report = (kind: 'midyear' | 'yearend') =>
    loadYearReport(t.database.db, { kind, year: YEAR, scope: ALL_BRANCHES, now: app.clock.now(), timezone: TZ });
  /** Values of a row from column 1 (exceljs rows are 1-based; hyperlinks read back as {text, hyperlink}). */
  const cells = (ws: ExcelJS.Worksheet, row: number, count: number): unknown[] =>
    Array.from({ length: count }, (_, i) => {
      const v = ws.getRow(row).getCell(i + 1).value;
      return v && typeof v === 'object' && 'hyperlink' in v ? (v as { text: string }).text : (v ?? null);
    });
  const rate = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
  const figures = (e: Expected) => [e.planned, e.dueByNow, e.done, e.doneLate, e.overdue, e.planned - e.done - e.overdue, rate(e.done, e.planned), rate(e.dueByNow - e.overdue, e.dueByNow)];
  const branchNames = async (): Promise<Map<number, string>> =>
    new Map((await q<{ id: number; name: string }>(sql`select id, name from org_units where kind = 'branch' order by id`)).map((b) => [b.id, b.name]));

  /** Every branch's summary row and every item row of every branch sheet, against the recomputed figures. */
  async function checkWorkbook(r: YearReport, wb: ExcelJS.Workbook, cutoff: string): Promise<void> {
    const expected = await expectedFigures(t.database, cutoff);
    const names = await branchNames();
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', ...names.values()]);
    const summary = wb.getWorksheet('汇总')!;
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW, xSplit: 1 });
    expect(cells(summary, HEADER_ROW, SUMMARY_COLUMNS.length)).toEqual(SUMMARY_COLUMNS.map((c) => c.header));
    const members = new Map((await q<{ branch: number; n: number }>(sql`
      select case when u.kind = 'branch' then u.id else u.parent_id end as branch, count(*)::int as n
      from people p join org_units u on u.id = p.unit_id where p.active and u.kind <> 'committee' group by 1`)).map((m) => [Number(m.branch), m.n]));
    const results = (await q<{ result: { branches: { branchId: string; totalText: string; starLabel: string; classLabel: string }[] } | string }>(sql`select result from scoring_results`))
      .map((x) => (typeof x.result === 'string' ? JSON.parse(x.result) : x.result) as { branches: { branchId: string; totalText: string; starLabel: string; classLabel: string }[] });
    expect(results).toHaveLength(1);
    let row = HEADER_ROW + 1;
    for (const [id, name] of names) {
      const mine = sumExpected([...expected].filter(([k]) => k.startsWith(`${id}:`)).map(([, v]) => v));
      const b = r.branches.find((x) => x.id === id)!;
      const stored = results[0]!.branches.find((x) => x.branchId === String(id))!;
      expect(cells(summary, row, 16)).toEqual([
        name, members.get(id) ?? 0, ...figures(mine), b.cadenceTotals.expected, b.cadenceTotals.kept, b.cadenceTotals.rate,
        Number(stored.totalText), stored.starLabel, stored.classLabel,
      ]);
      // The branch's own sheet: its item rows, one per item (and kind of assignee).
      const ws = wb.getWorksheet(name)!;
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW });
      expect(cells(ws, HEADER_ROW, BRANCH_COLUMNS.length)).toEqual(BRANCH_COLUMNS.map((c) => c.header));
      const keys = [...expected.keys()].filter((k) => k.startsWith(`${id}:`));
      expect(b.items).toHaveLength(keys.length);
      b.items.forEach((line, i) => {
        const e = expected.get(`${id}:${line.item.id}:${line.assignee}`)!;
        expect(cells(ws, HEADER_ROW + 1 + i, 12).slice(8)).toEqual([e.planned, e.done, e.doneLate, e.overdue]);
        expect(ws.getRow(HEADER_ROW + 1 + i).getCell(2).value).toBe(line.item.title);
      });
      row++;
    }
    const all = sumExpected(expected.values());
    expect(cells(summary, row, 10)).toEqual(['合计', [...members.values()].reduce((a, b) => a + b, 0), ...figures(all)]);
  }

  it('年中查账: figures as of 30 June, cell by cell against the database', async () => {
    const r = await report('midyear');
    expect(r.period).toMatchObject({ from: '2026-01-01', end: '2026-06-30', asOf: '2026-06-30', cutoff: '2026-07-01', capped: false });
    const wb = await load(await yearReportBuffer(r, { timezone: TZ }));
    await checkWorkbook(r, wb, '2026-07-01');

    // The story of 第一党支部 as it stood on 30 June.
    const ws = wb.getWorksheet('第一党支部（办公室）')!;
    const b1 = data.branch['第一党支部']!;
    const status = (n: number) => ws.getRow(HEADER_ROW + n).getCell(8).value;
    expect([1, 2, 3, 4, 5].map(status)).toEqual(['已完成', '未到期（已延期）', '逾期未完成', '未到期', '逾期未完成']);
    expect(cells(ws, HEADER_ROW + 1, 15)).toEqual([
      1, '开展专题学习', '2026年机关党建工作要点', '工作清单', '政治型', '支部', new Date('2026-03-31T00:00:00Z'), '已完成', 1, 1, 0, 0,
      new Date('2026-03-10T10:00:00Z'), '组织专题学习三次', '文字回复',
    ]);
    expect(ws.getRow(HEADER_ROW + 2).getCell(7).value).toEqual(new Date('2026-07-31T00:00:00Z'));
    expect(ws.getRow(HEADER_ROW + 1).getCell(7).numFmt).toBe('yyyy-mm-dd');
    expect(ws.getRow(HEADER_ROW + 1).getCell(13).numFmt).toBe('yyyy-mm-dd hh:mm');
    // January's study item: 张伟, 赵丽娟 on time, 孙浩 late; 李秀梅's click was undone.
    const study = r.branches.find((b) => b.id === b1)!.items.find((l) => l.item.title === '原原本本学习全会公报')!;
    expect(study).toMatchObject({ assignee: 'person', status: '3/9人完成，逾期完成1人，逾期未完成6人', withEvidence: 2, lastDoneAt: '2026-02-03T10:00:00' });
    // 组织生活 of the half year.
    const cadenceRow = HEADER_ROW + r.branches[0]!.items.length + 2;
    expect(cells(ws, cadenceRow, 8).slice(1)).toEqual(['组织生活', '要求', '应开（期）', '按期召开（期）', '共召开（次）', '当前周期', '未召开的周期']);
    const meetings = (kind: string) => q<{ n: number }>(sql`select count(*)::int as n from meeting_records where unit_id = ${b1} and kind = ${kind} and held_on <= '2026-06-30'`).then((x) => x[0]!.n);
    expect(cells(ws, cadenceRow + 1, 8).slice(1)).toEqual(['支部委员会', '每月', 6, 5, await meetings('branch_committee'), '—', '3月']);
    expect(cells(ws, cadenceRow + 2, 8).slice(1)).toEqual(['党小组会', '每月', 6, 1, await meetings('group_meeting'), '—', '1月、2月、4月、5月、6月']);
    expect(cells(ws, cadenceRow + 3, 8).slice(1)).toEqual(['支部党员大会', '每季度', 2, 1, 1, '—', '二季度']);
    expect(cells(ws, cadenceRow + 5, 8).slice(1)).toEqual(['主题党日', '每月', 6, 6, 6, '—', '—']);
    expect(cells(ws, cadenceRow + 6, 8).slice(1)).toEqual(['组织生活会', '每年', 0, 0, 0, '本年度尚未召开', '—']);
    // 互观互检 of the half year, from the stored result.
    const scoringRow = cadenceRow + 10;
    const stored = data.round.result!.branches.find((b) => b.branchId === String(b1))!;
    expect(cells(ws, scoringRow, 6).slice(1)).toEqual(['2026年上半年互观互检', new Date('2026-04-21T00:00:00Z'), Number(stored.totalText), stored.starLabel, stored.classLabel]);
    // Per dimension, on the summary: 政治型 = tasks 1 and 2 of every branch.
    const summary = wb.getWorksheet('汇总')!;
    const dimRow = HEADER_ROW + 5 + 5; // 5 branches, 合计, a blank row, the title, the header
    expect(cells(summary, dimRow - 1, 3)).toEqual(['五型维度', '', '计划任务']);
    const expected = await expectedFigures(t.database, '2026-07-01');
    const political = sumExpected([...expected].filter(([k]) => [data.task[1], data.task[2]].some((id) => k.split(':')[1] === String(id))).map(([, v]) => v));
    expect(cells(summary, dimRow, 10)).toEqual(['政治型', null, ...figures(political)]);
    expect(r.dimensions.map((d) => d.name)).toEqual(['政治型', '服务型', '实干型', '廉洁型', '未标注维度']);
  });

  it('年底交账 of the running year: capped at today, later records counted', async () => {
    const r = await report('yearend');
    expect(r.period).toMatchObject({ asOf: '2026-11-23', cutoff: '2026-11-24', capped: true });
    const wb = await load(await yearReportBuffer(r, { timezone: TZ }));
    await checkWorkbook(r, wb, '2026-11-24');
    const ws = wb.getWorksheet('第一党支部（办公室）')!;
    expect([1, 2, 3, 4, 5].map((n) => ws.getRow(HEADER_ROW + n).getCell(8).value)).toEqual(['已完成', '已完成（已延期）', '逾期完成', '未到期', '逾期未完成']);
    expect(ws.getRow(HEADER_ROW + 3).getCell(14).value).toBe('调研报告已报送');
    const b1 = r.branches.find((b) => b.id === data.branch['第一党支部'])!;
    expect(b1.cadence.find((c) => c.kind === 'branch_committee')).toMatchObject({ expected: 10, kept: 6, held: 6, missing: ['2026-03', '2026-08', '2026-09', '2026-10'], current: { key: '2026-11', held: false } });
    const b2 = wb.getWorksheet('第二党支部（政策法规处）')!;
    expect(cells(b2, HEADER_ROW + 1, 15).slice(7)).toEqual(['逾期完成', 1, 1, 1, 0, new Date('2026-04-02T10:00:00Z'), '补录：专题学习记录已归档', '管理员登记']);
  });

  it('a report is the same whenever it is made: records after the period do not change 年中查账', async () => {
    const before = await report('midyear');
    app.clock.set('2027-02-01T02:00:00Z');
    const later = await report('midyear');
    app.clock.set('2026-11-23T02:00:00Z');
    expect({ ...later, generatedAt: '' }).toEqual({ ...before, generatedAt: '' });
  });

  it('台账: every completion record, meeting, sheet and extension, and the audit chain head', async () => {
    const { bytes, summary } = await ledgerBuffer(t.database.db, { year: YEAR, scope: ALL_BRANCHES, now: app.clock.now(), timezone: TZ });
    const wb = await load(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '完成记录', '会议记录', '评分表', '延期申请']);
    for (const ws of wb.worksheets) expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    const chain = await verifyAuditChain(t.database.db);
    if (!chain.ok) throw new Error('audit chain broken');
    const s = wb.getWorksheet('汇总')!;
    const item = (label: string): unknown => s.getColumn(1).values.indexOf(label) > 0 ? s.getRow(s.getColumn(1).values.indexOf(label)).getCell(2).value : undefined;
    expect(item('审计日志哈希链头')).toBe(chain.head);
    expect(item('审计日志记录数')).toBe(chain.count);
    expect(item('哈希链校验')).toBe(`通过：从第一条记录起重新计算 ${chain.count} 条记录的哈希，与保存的哈希一致`);
    expect(String(item('核验方法'))).toContain(`npm run cli -- report audit --head ${chain.head}`);
    expect(item('机关')).toBe('某某厅机关党委');
    expect(item('导出时间')).toBe('2026-11-23 10:00');

    // 完成记录: every record, in order, cell by cell.
    const records = await q<{ id: string; at: string; branch: string; person: string; item: string; action: string; revokes_id: string | null; source: string; evidence: string | null; source_event_id: string | null }>(sql`
      select c.id, to_char(c.at at time zone 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') as at, b.name as branch, p.name as person, i.title as item,
             c.action::text as action, c.revokes_id, c.source::text as source, c.evidence, c.source_event_id
      from completion_records c join assignments a on a.id = c.assignment_id join plan_items i on i.id = a.item_id join people p on p.id = c.person_id
      left join people ap on ap.id = a.person_id
      join org_units u on u.id = coalesce(a.unit_id, ap.unit_id)
      join org_units b on b.id = case when u.kind = 'group' then u.parent_id else u.id end
      order by c.id`);
    expect(item('完成记录')).toBe(records.length);
    const cs = wb.getWorksheet('完成记录')!;
    expect(cs.rowCount).toBe(records.length + 1);
    const labels = { complete: '完成', revoke: '撤销', card: '卡片', text: '文字回复', admin: '管理员登记' } as Record<string, string>;
    records.forEach((r, i) => {
      const row = cells(cs, i + 2, 13);
      expect([row[0], row[1], row[2], row[3], row[4], row[8], row[9], row[10], row[11], row[12]]).toEqual([
        Number(r.id), new Date(`${r.at}Z`), r.branch, r.person, r.item, labels[r.action], r.revokes_id === null ? null : Number(r.revokes_id), labels[r.source], r.evidence, r.source_event_id,
      ]);
    });
    expect(records.some((r) => r.action === 'revoke')).toBe(true);

    const meetings = await q<{ id: number; held_on: string; kind: string }>(sql`select id, held_on::text as held_on, kind from meeting_records where held_on between '2026-01-01' and '2026-12-31'`);
    const ms = wb.getWorksheet('会议记录')!;
    expect(ms.rowCount).toBe(meetings.length + 1);
    const sheetMeetings = Array.from({ length: meetings.length }, (_, i) => [ms.getRow(i + 2).getCell(1).value, (ms.getRow(i + 2).getCell(5).value as Date).toISOString().slice(0, 10)]);
    expect(new Set(sheetMeetings.map((m) => JSON.stringify(m)))).toEqual(new Set(meetings.map((m) => JSON.stringify([m.id, m.held_on]))));
    expect(cells(ms, 2, 4).slice(1)).toEqual(['第二党支部（政策法规处）', null, '支部委员会']);

    const sheets = await q<{ scorer: string; target: string; status: string; total_cents: number | null }>(sql`
      select p.name as scorer, u.name as target, s.status::text as status, s.total_cents from scoring_sheets s join people p on p.id = s.scorer_id join org_units u on u.id = s.target_unit_id`);
    const ss = wb.getWorksheet('评分表')!;
    expect(ss.rowCount).toBe(sheets.length + 1);
    expect(item('评分表')).toBe(sheets.length);
    for (let i = 2; i <= ss.rowCount; i++) {
      const [, round, , scorer, , , target, status, total] = cells(ss, i, 9);
      const match = sheets.find((x) => x.scorer === scorer && x.target === target)!;
      expect(round).toBe('2026年上半年互观互检');
      expect(status).toBe(match.status === 'submitted' ? '已提交' : '草稿');
      if (match.total_cents !== null) expect(total).toBe(match.total_cents / 100);
    }
    expect(String(ss.getRow(2).getCell(13).value)).toMatch(/^1\.1:\d/);

    const es = wb.getWorksheet('延期申请')!;
    expect(cells(es, 2, 13)).toEqual([
      1, new Date('2026-06-18T10:00:00Z'), '第一党支部（办公室）', '王海峰', '严肃党内政治生活', new Date('2026-06-30T00:00:00Z'), new Date('2026-07-31T00:00:00Z'),
      '调研任务集中', '已同意', '周晓燕', new Date('2026-06-20T10:00:00Z'), '同意', 'ext-1',
    ]);
    expect(summary.counts).toMatchObject({ completions: records.filter((r) => r.action === 'complete').length, revocations: 1, extensions: 1, sheets: sheets.length });
  });

  it('台账: a year with more completion records than a sheet holds continues on further sheets', async () => {
    const { bytes, summary } = await ledgerBuffer(t.database.db, { year: YEAR, scope: ALL_BRANCHES, now: app.clock.now(), timezone: TZ, maxRowsPerSheet: 5 });
    const wb = await load(bytes);
    const total = summary.counts.completions + summary.counts.revocations;
    const parts = Math.ceil(total / 5);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '完成记录', ...Array.from({ length: parts - 1 }, (_, i) => `完成记录(${i + 2})`), '会议记录', '评分表', '延期申请']);
    const ids = wb.worksheets.filter((w) => w.name.startsWith('完成记录')).flatMap((w) => Array.from({ length: w.rowCount - 1 }, (_, i) => w.getRow(i + 2).getCell(1).value));
    const stored = await q<{ id: string }>(sql`select id from completion_records order by id`);
    expect(ids).toEqual(stored.map((r) => Number(r.id)));
  });

  it('the printed head changes when the log grows, and the old head stays verifiable on the chain', async () => {
    const first = await ledgerBuffer(t.database.db, { year: YEAR, scope: ALL_BRANCHES, now: app.clock.now(), timezone: TZ });
    const oldHead = first.summary.audit.head!;
    // 王海峰 reports a 支委会 by text today: a meeting record and its audit entry, appended to the chain.
    const inbox = { database: t.database, clock: app.clock, logger: createLogger({ level: 'silent', destination: new LogCapture() }), handler: conversationHandler({ links: app.deps.links, timezone: TZ, clock: app.clock }) };
    const wang = data.person['王海峰']!;
    await handleInbound(inbox, { platform: 'sandbox', eventId: 'late-1', kind: 'message', senderId: String(wang), text: '支委会已开', occurredAt: app.clock.now().toISOString() }, { softDeadlineMs: 10_000, passiveReplies: 0 });

    const second = await ledgerBuffer(t.database.db, { year: YEAR, scope: ALL_BRANCHES, now: app.clock.now(), timezone: TZ });
    const chain = await verifyAuditChain(t.database.db);
    if (!chain.ok) throw new Error('audit chain broken');
    expect(second.summary.audit.head).toBe(chain.head);
    expect(second.summary.audit.head).not.toBe(oldHead);
    expect(second.summary.audit.count).toBe(first.summary.audit.count + 1);
    expect(second.summary.counts.meetings).toBe(first.summary.counts.meetings + 1);
    const wb = await load(second.bytes);
    const s = wb.getWorksheet('汇总')!;
    expect(s.getRow(11).getCell(1).value).toBe('审计日志哈希链头');
    expect(s.getRow(11).getCell(2).value).toBe(chain.head);
    // The old head is still on the chain, one entry before the new one.
    expect(await checkHead(t.database.db, oldHead)).toMatchObject({ chain: { verified: true }, found: { after: 1, position: first.summary.audit.count } });
    expect((await checkHead(t.database.db, '0'.repeat(64))).found).toBeNull();
  });

  /* ---------- admin API ---------- */

  const call = (path: string, token?: string) => fetch(`${app.url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('API: the workbooks with Chinese file names; the summaries as JSON', async () => {
    const res = await call('/reports/midyear?year=2026', admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="report-midyear-2026.xlsx"; filename*=UTF-8''${encodeURIComponent('2026年年中查账.xlsx')}`);
    const wb = await load(await res.arrayBuffer());
    await checkWorkbook(await report('midyear'), wb, '2026-07-01');

    const ledger = await call('/reports/ledger?year=2026', leader);
    expect(ledger.status).toBe(200);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(ledger.headers.get('content-disposition')!)![1]!)).toBe('2026年度党建工作台账.xlsx');
    expect((await load(await ledger.arrayBuffer())).worksheets.map((w) => w.name)).toEqual(['汇总', '完成记录', '会议记录', '评分表', '延期申请']);

    const summary = (await (await call('/reports/yearend/summary?year=2026', leader)).json()) as YearReport & { branches: Record<string, unknown>[] };
    const direct = await report('yearend');
    expect(summary.totals).toEqual(direct.totals);
    expect(summary.branches).toHaveLength(5);
    expect('items' in summary.branches[0]!).toBe(false);
    expect(summary.dimensions).toEqual(direct.dimensions);
    const chain = await verifyAuditChain(t.database.db);
    const ls = (await (await call('/reports/ledger/summary?year=2026', admin)).json()) as { audit: { head: string; verified: boolean } };
    expect(ls.audit).toMatchObject({ head: chain.ok ? chain.head : 'x', verified: true });

    expect((await call('/reports/quarterly?year=2026', admin)).status).toBe(400);
    expect((await call('/reports/midyear?year=1999', admin)).status).toBe(400);
    expect((await call('/reports/midyear?year=2026&unit=第九党支部', admin)).status).toBe(400);
    expect((await call('/reports/midyear?year=2026')).status).toBe(401);
    const doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { 'x-access': string }>> };
    expect(doc.paths['/api/v1/reports/{kind}']!.get!['x-access']).toBe('read');
    expect(doc.paths['/api/v1/reports/{kind}/summary']!.get!['x-access']).toBe('read');
  });

  it('API: a leader limited to 第一党支部 gets that branch only, in every export', async () => {
    const b1 = data.branch['第一党支部']!;
    const res = await call('/reports/yearend?year=2026', scopedLeader);
    expect(res.status).toBe(200);
    const wb = await load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '第一党支部（办公室）']);
    const expected = await expectedFigures(t.database, '2026-11-24');
    const mine = sumExpected([...expected].filter(([k]) => k.startsWith(`${b1}:`)).map(([, v]) => v));
    expect(cells(wb.getWorksheet('汇总')!, HEADER_ROW + 1, 10)).toEqual(['第一党支部（办公室）', 9, ...figures(mine)]);
    expect(cells(wb.getWorksheet('汇总')!, HEADER_ROW + 2, 3)).toEqual(['合计', 9, mine.planned]);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(res.headers.get('content-disposition')!)![1]!)).toBe('2026年年底交账-第一党支部（办公室）.xlsx');

    const summary = (await (await call('/reports/midyear/summary?year=2026', scopedLeader)).json()) as { branches: { id: number }[]; scopeLabel: string };
    expect(summary.branches.map((b) => b.id)).toEqual([b1]);
    expect(summary.scopeLabel).toBe('第一党支部（办公室）');
    expect((await call('/reports/midyear?year=2026&unit=第二党支部', scopedLeader)).status).toBe(403);
    expect((await call(`/reports/midyear/summary?year=2026&unit=${b1}`, scopedLeader)).status).toBe(200);

    const ledger = await load(await (await call('/reports/ledger?year=2026', scopedLeader)).arrayBuffer());
    const cs = ledger.getWorksheet('完成记录')!;
    const [{ n }] = (await q<{ n: number }>(sql`
      select count(*)::int as n from completion_records c join assignments a on a.id = c.assignment_id left join people ap on ap.id = a.person_id
      join org_units u on u.id = coalesce(a.unit_id, ap.unit_id) where ${b1} in (u.id, u.parent_id)`)) as [{ n: number }];
    expect(cs.rowCount).toBe(n + 1);
    for (let i = 2; i <= cs.rowCount; i++) expect(cs.getRow(i).getCell(3).value).toBe('第一党支部（办公室）');
    const ss = ledger.getWorksheet('评分表')!;
    for (let i = 2; i <= ss.rowCount; i++) expect(ss.getRow(i).getCell(7).value).toBe('第一党支部（办公室）');
    expect(ledger.getWorksheet('汇总')!.getRow(4).getCell(2).value).toBe('第一党支部（办公室）');

    // A token limited to the 机关党委 itself sees the whole agency, named as such.
    const [committee] = await q<{ id: number }>(sql`select id from org_units where kind = 'committee'`);
    const agencyLeader = (await createAdminToken(t.database.db, { name: '机关党委联系领导', role: 'leader', scopeUnitId: committee!.id, actor: 'test', at: app.clock.now() })).token;
    const whole = await call('/reports/midyear?year=2026', agencyLeader);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(whole.headers.get('content-disposition')!)![1]!)).toBe('2026年年中查账.xlsx');
    expect((await load(await whole.arrayBuffer())).worksheets).toHaveLength(6);
  });

  /* ---------- H5 ---------- */

  const page = async (url: string) => {
    const u = new URL(url);
    const res = await fetch(`${app.url}${u.pathname}${u.search}`);
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  const allBranches = ['第一党支部（办公室）', '第二党支部（政策法规处）', '第三党支部（规划财务处）', '第四党支部（综合业务处）', '第五党支部（机关服务中心）'];
  const shows = (text: string) => allBranches.filter((b) => text.includes(b));

  it('H5: the page shows what the link holder may see — admin all, leader their 分管范围, secretary their branch, members nothing', async () => {
    const links = app.deps.links;
    const asAdmin = await page(links.yearReport(data.person['周晓燕']!, 'midyear', 2026));
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(asAdmin.headers.get('cache-control')).toBe('no-store');
    expect(shows(asAdmin.text)).toEqual(allBranches);
    expect(asAdmin.text).toContain('<title>2026年年中查账</title>');
    expect(asAdmin.text).toContain('按五型维度');
    expect(asAdmin.text).toContain(`href="#b-${data.branch['第一党支部']}"`);
    expect(asAdmin.text).toContain(`id="b-${data.branch['第五党支部']}"`);
    const r = await report('midyear');
    expect(asAdmin.text).toContain(`<b>${r.totals.planned}</b><span>计划任务</span>`);
    expect(shows((await page(links.yearReport(data.person['刘建国']!, 'yearend', 2026))).text)).toEqual(allBranches);
    expect(shows((await page(links.yearReport(data.person['郭振宇']!, 'yearend', 2026))).text)).toEqual(allBranches);
    expect(shows((await page(links.yearReport(data.person['陈志远']!, 'yearend', 2026))).text)).toEqual(allBranches.slice(1, 3));
    const secretary = await page(links.yearReport(data.person['王海峰']!, 'yearend', 2026));
    expect(shows(secretary.text)).toEqual(allBranches.slice(0, 1));
    expect(secretary.text).toContain('调研报告已报送');
    const member = await page(links.yearReport(data.person['张伟']!, 'yearend', 2026));
    expect(member.status).toBe(403);
    expect(member.text).toContain('年度报告仅供机关党委、分管领导和党支部书记查看。');
    expect(shows(member.text)).toEqual([]);

    // The download behind the page: the holder's scope, the same workbook.
    const link = new URL(links.yearReport(data.person['陈志远']!, 'yearend', 2026));
    const xlsx = await fetch(`${app.url}/h5/reports/year.xlsx${link.search}`);
    expect(xlsx.status).toBe(200);
    expect((await load(await xlsx.arrayBuffer())).worksheets.map((w) => w.name)).toEqual(['汇总', ...allBranches.slice(1, 3)]);
  });

  it('H5: forged, mismatched, incomplete and expired links are refused', async () => {
    const url = new URL(app.deps.links.yearReport(data.person['周晓燕']!, 'midyear', 2026));
    const token = url.searchParams.get('t')!;
    const forged = await fetch(`${app.url}/h5/reports/year?t=${token.slice(0, -2)}xx&kind=midyear&y=2026`);
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('链接无效');
    // Signed for 年中查账 2026: not for 年底交账, not for another year.
    expect((await fetch(`${app.url}/h5/reports/year?t=${token}&kind=yearend&y=2026`)).status).toBe(403);
    expect((await fetch(`${app.url}/h5/reports/year?t=${token}&kind=midyear&y=2025`)).status).toBe(403);
    expect((await fetch(`${app.url}/h5/reports/year.xlsx?t=${token}&kind=yearend&y=2026`)).status).toBe(403);
    const incomplete = await fetch(`${app.url}/h5/reports/year?t=${token}&kind=midyear`);
    expect(incomplete.status).toBe(400);
    expect(await incomplete.text()).toContain('链接不完整');
    app.clock.advance(15 * 86_400_000);
    try {
      const expired = await fetch(`${app.url}${url.pathname}${url.search}`);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('链接已过期');
    } finally {
      app.clock.set('2026-11-23T02:00:00Z');
    }
  });
});
