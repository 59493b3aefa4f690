import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { scoringStore } from '../../src/db/repositories/scoring-store.js';
import { ManualClock } from '../../src/domain/clock.js';
import { formatNumber } from '../../src/domain/scoring/numbers.js';
import { DEFAULT_POLICY, describeTieBreak } from '../../src/domain/scoring/policy.js';
import { schemeFromRows } from '../../src/domain/scoring/scheme-rows.js';
import { computeSheet } from '../../src/domain/scoring/sheet.js';
import type { SheetEntry } from '../../src/domain/scoring/types.js';
import { loadRoundData } from '../../src/exports/scoring-round-data.js';
import { buildRoundWorkbook, exportRoundWorkbook } from '../../src/exports/scoring-round-xlsx.js';
import { tableFromGrid } from '../../src/importers/read-table-file.js';
import { cellText } from '../../src/importers/read-xlsx.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { buildScoringRound, fiveTypes, seedScoringOrg, type BuiltRound } from '../support/scoring-round.js';

type Cell = ExcelJS.CellValue;

async function load(bytes: Buffer | ArrayBuffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}

function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}; have ${wb.worksheets.map((w) => w.name).join(',')}`);
  return ws;
}

/** Row n as values, columns 1..width (empty cells null). */
function rowOf(ws: ExcelJS.Worksheet, n: number, width = ws.columnCount): Cell[] {
  const row = ws.getRow(n);
  return Array.from({ length: width }, (_, i) => row.getCell(i + 1).value ?? null);
}

function dataRows(ws: ExcelJS.Worksheet, from = 2): Cell[][] {
  const out: Cell[][] = [];
  for (let n = from; n <= ws.rowCount; n++) out.push(rowOf(ws, n));
  return out;
}

interface DbSheet {
  id: number;
  scorer_id: number;
  target_unit_id: number;
  status: 'draft' | 'submitted';
  entries: SheetEntry[] | string;
  comment: string | null;
  total_cents: number | null;
  submitted_at: string | Date | null;
  scorer: string;
  role: 'peer' | 'committee';
  scorer_branch: string | null;
  target: string;
}

describe(`互观互检 Excel export on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, { timeout: 120_000 }, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  let done: BuiltRound;
  let open: BuiltRound;
  let wb: ExcelJS.Workbook;
  let dbSheets: DbSheet[];

  /** The round's sheets straight from the tables, with names joined in SQL (not through the exporter's code). */
  async function sheetsFromDb(roundId: number): Promise<DbSheet[]> {
    const list = rows<DbSheet>(await t.database.db.execute(sql`
      select s.id, s.scorer_id, s.target_unit_id, s.status, s.entries, s.comment, s.total_cents, s.submitted_at,
             sc.name as scorer, sc.role, sb.name as scorer_branch, tb.name as target
      from scoring_sheets s
      join scoring_round_scorers sc on sc.round_id = s.round_id and sc.person_id = s.scorer_id
      left join scoring_round_branches sb on sb.round_id = s.round_id and sb.unit_id = sc.branch_id
      join scoring_round_branches tb on tb.round_id = s.round_id and tb.unit_id = s.target_unit_id
      where s.round_id = ${roundId} order by s.id`));
    return list.map((s) => ({ ...s, entries: typeof s.entries === 'string' ? (JSON.parse(s.entries) as SheetEntry[]) : s.entries }));
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedScoringOrg(t.database, clock);
    done = await buildScoringRound(t.database, clock, { title: '2026年第四季度互观互检', withResults: true });
    open = await buildScoringRound(t.database, clock, { title: '2026年12月互观互检', withResults: false, comments: false });
    wb = await load(await exportRoundWorkbook(t.database.db, done.round.id, { timezone: 'Asia/Shanghai' }));
    dbSheets = await sheetsFromDb(done.round.id);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('has the six sheets in order, each with a frozen bold header and set column widths', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '评分明细', '分类得分', '计分规则', '发布前提示', '计分方案']);
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.getRow(1).font?.bold).toBe(true);
      for (let c = 1; c <= ws.columnCount; c++) expect(ws.getColumn(c).width ?? 0).toBeGreaterThan(5);
    }
  });

  it('汇总: one row per branch, equal to the stored results and to the submitted sheets in the database', async () => {
    const stored = (await scoringStore(t.database.db).results(done.round.id))!;
    expect(JSON.parse(JSON.stringify(stored.result))).toEqual(JSON.parse(JSON.stringify(done.result)));
    const ws = sheet(wb, '汇总');
    expect(rowOf(ws, 1)).toEqual(['支部', '互评份数', '互评分（高→低）', '去掉的最高分', '去掉的最低分', '互评平均', '机关党委点评分', '总分', '星级', '等次', '计算说明']);
    const branches = stored.result.branches;
    expect(ws.rowCount).toBe(1 + branches.length);
    expect(branches.length).toBe(5);
    branches.forEach((b, i) => {
      const r = rowOf(ws, i + 2);
      // Peer totals from the database, independently of the stored result: submitted peer sheets of this branch.
      const peer = dbSheets
        .filter((s) => String(s.target_unit_id) === b.branchId && s.status === 'submitted' && s.role === 'peer')
        .map((s) => s.total_cents!)
        .sort((x, y) => y - x);
      const committee = dbSheets.find((s) => String(s.target_unit_id) === b.branchId && s.role === 'committee' && s.status === 'submitted');
      expect(r[0]).toBe(b.branchName);
      expect(r[1]).toBe(peer.length);
      expect(r[2]).toBe(peer.map((c) => formatNumber(c / 100)).join('、'));
      const trimmed = peer.length >= DEFAULT_POLICY.trim.minScores;
      expect(r[3]).toBe(trimmed ? peer[0]! / 100 : null);
      expect(r[4]).toBe(trimmed ? peer[peer.length - 1]! / 100 : null);
      const kept = trimmed ? peer.slice(1, -1) : peer;
      const mean = kept.reduce((a, c) => a + c, 0) / kept.length / 100;
      expect(typeof r[5]).toBe('number');
      expect(r[5] as number).toBeCloseTo(mean, 2);
      expect(r[5]).toBe(Number(formatNumber(b.peerMean!)));
      expect(r[6]).toBe(committee!.total_cents! / 100);
      expect(r[7]).toBe(Number(b.totalText));
      expect(r[7] as number).toBeCloseTo(mean * 0.7 + (committee!.total_cents! / 100) * 0.3, 2);
      expect(r[8]).toBe(b.starLabel);
      expect(r[9]).toBe(b.classLabel);
      expect(r[10]).toBe(b.explanation);
    });
    // The draft and the sheet never started leave two branches with four peer sheets (no trimming).
    expect(branches.map((b) => b.peerScores.length).sort()).toEqual([4, 4, 5, 5, 5]);
    expect(branches.filter((b) => !b.trimmed).map((b) => b.droppedHighest)).toEqual([[], []]);
  });

  it('评分明细: one row per sheet with every item, reasons, comment, time and total as in the database', () => {
    const ws = sheet(wb, '评分明细');
    const scheme = fiveTypes();
    const items = scheme.categories.flatMap((c) => c.items);
    const header = rowOf(ws, 1) as string[];
    expect(header.slice(0, 6)).toEqual(['评分人', '角色', '评分人所在支部', '被评支部', '状态', '提交时间']);
    expect(header.slice(-3)).toEqual(['扣分理由', '评语', '总分']);
    expect(header.length).toBe(6 + items.length + 3);
    expect(header[6 + 3]).toBe('1.4 三会一课未按期召开（扣分，≤6）');
    const body = dataRows(ws);
    expect(body.length).toBe(dbSheets.length);
    expect(dbSheets.length).toBe(6 * 5 - 1); // 5 secretaries × 4 + 委员 × 5 + 书记 × 5, less the sheet never started
    for (const s of dbSheets) {
      const matches = body.filter((r) => r[0] === s.scorer && r[3] === s.target);
      expect(matches).toHaveLength(1);
      const r = matches[0]!;
      expect(r[1]).toBe(s.role === 'committee' ? '机关党委点评' : '互评');
      expect(r[2]).toBe(s.scorer_branch ?? '机关党委');
      expect(r[4]).toBe(s.status === 'submitted' ? '已提交' : '草稿');
      if (s.submitted_at === null) expect(r[5]).toBeNull();
      else {
        // Shown in Beijing time: the stored instant + 8 h, as a real date cell.
        expect(r[5]).toBeInstanceOf(Date);
        expect((r[5] as Date).getTime()).toBe(new Date(s.submitted_at).getTime() + 8 * 3_600_000);
      }
      const entries = s.entries as SheetEntry[];
      items.forEach((item, i) => expect(r[6 + i]).toBe(entries.find((e) => e.itemId === item.id)?.points ?? null));
      const reasons = entries.filter((e) => e.reason).map((e) => `${items.find((i) => i.id === e.itemId)!.name}：${e.reason}`);
      expect(r[6 + items.length]).toBe(reasons.length ? reasons.join('；') : null);
      expect(r[7 + items.length]).toBe(s.comment);
      expect(r[8 + items.length]).toBe(s.total_cents !== null ? s.total_cents / 100 : computeSheet(scheme, entries).total);
    }
    expect(body.some((r) => r[4] === '草稿')).toBe(true);
    expect(body.some((r) => typeof r[6 + items.length] === 'string' && (r[6 + items.length] as string).includes('10月支委会未按期召开'))).toBe(true);
  });

  it('分类得分: the per-category breakdown of every sheet', () => {
    const ws = sheet(wb, '分类得分');
    const scheme = fiveTypes();
    expect(rowOf(ws, 1)).toEqual(['评分人', '被评支部', '状态', '类别', '类别满分', '基础分', '加分（填写）', '加分（计入）', '扣分（填写）', '扣分（计入）', '扣完为止', '类别得分']);
    const body = dataRows(ws);
    expect(body.length).toBe(dbSheets.length * scheme.categories.length);
    for (const s of dbSheets) {
      const mine = body.filter((r) => r[0] === s.scorer && r[1] === s.target);
      const expected = computeSheet(scheme, s.entries as SheetEntry[]).categories;
      expect(mine.map((r) => r.slice(3))).toEqual(expected.map((c) => [
        c.name, c.max, c.base, c.plusEntered, c.plus, c.deductionEntered, c.deduction, c.flooredAtZero ? '是' : null, c.score,
      ]));
      // The categories add up to the sheet's total.
      expect(mine.reduce((a, r) => a + (r[11] as number) * 100, 0)).toBe(computeSheet(scheme, s.entries as SheetEntry[]).totalCents);
    }
  });

  it('计分规则: version, trimming, weights, star lines and quota as numbers, tie rule', () => {
    const ws = sheet(wb, '计分规则');
    const byLabel = new Map(dataRows(ws).map((r) => [String(r[0]).trim(), r]));
    expect(byLabel.get('轮次')?.[1]).toBe('2026年第四季度互观互检');
    expect(byLabel.get('计分规则版本')?.[1]).toBe(DEFAULT_POLICY.version);
    expect(byLabel.get('去掉最高/最低分')?.[1]).toBe('互评不少于5份时去掉最高分1份、最低分1份后平均；不足5份时直接平均');
    expect(byLabel.get('去掉最高/最低分所需最少互评份数')?.[1]).toBe(5);
    expect(byLabel.get('互评权重')?.[1]).toBe(0.7);
    expect(byLabel.get('机关党委点评权重')?.[1]).toBe(0.3);
    for (const [label, min] of [['五星', 95], ['四星', 85], ['三星', 75], ['二星', 65], ['一星', 60]] as const) {
      expect(byLabel.get(`${label}分数线`)?.[1]).toBe(min);
    }
    expect(byLabel.get('五星名额比例')?.[1]).toBe(0.1);
    expect(ws.getCell(`B${[...byLabel.keys()].indexOf('五星名额比例') + 2}`).numFmt).toBe('0%');
    expect(byLabel.get('先进')?.[1]).toBe('总分 ≥ 90 分，且至多占参评支部的 30%（按名次，向下取整）');
    expect(byLabel.get('并列规则')?.[1]).toBe(describeTieBreak(DEFAULT_POLICY));
    expect(byLabel.get('名次')?.[1]).toBe('不公开（只用于星级名额和等次，不显示）');
  });

  it('发布前提示: the stored flags, in order', async () => {
    const stored = (await scoringStore(t.database.db).results(done.round.id))!;
    expect(stored.flags.length).toBeGreaterThan(0);
    expect(stored.flags.some((f) => f.kind === 'uniform-scorer')).toBe(true);
    const body = dataRows(sheet(wb, '发布前提示'));
    expect(body.map((r) => r[2])).toEqual(stored.flags.map((f) => f.message));
    expect(body.map((r) => r[0])).toEqual(stored.flags.map((_, i) => i + 1));
    expect(body.find((r) => String(r[2]).includes('相同的总分'))?.[1]).toBe('各支部总分相同');
  });

  it('计分方案: the scheme in the template columns, which imports back to the same scheme', () => {
    const ws = sheet(wb, '计分方案');
    const grid: string[][] = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      grid[n - 1] = Array.from({ length: ws.columnCount }, (_, i) => cellText(row.getCell(i + 1).value));
    });
    expect(grid[0]).toEqual(['类别', '类别满分', '扣分上限', '加分上限', '编号', '项目', '类型', '分值上限', '说明', '必评']);
    const table = tableFromGrid(grid);
    const again = schemeFromRows(table.rows, { headers: table.headers, name: done.round.scheme.name });
    expect(again.problems).toEqual([]);
    expect(again.scheme).toEqual(done.round.scheme);
    expect(ws.getCell('B2').value).toBe(20);
    expect(ws.getCell('H2').value).toBe(8);
  });

  it('before results: 汇总 says 结果尚未计算 with the progress, and the other sheets are filled', async () => {
    const book = await load(await exportRoundWorkbook(t.database.db, open.round.id));
    expect(book.worksheets.map((w) => w.name)).toEqual(['汇总', '评分明细', '分类得分', '计分规则', '发布前提示', '计分方案']);
    const summary = sheet(book, '汇总');
    expect(summary.getCell('A1').value).toBe('结果尚未计算');
    expect(String(summary.getCell('A2').value)).toContain('已提交评分表 28 / 30 份（草稿 1 份）');
    expect(rowOf(summary, 4)).toEqual(['支部', '应收评分表', '已提交', '草稿']);
    const progress = dataRows(summary, 5);
    expect(progress.map((r) => r[0])).toEqual(open.round.branches.map((b) => b.name));
    expect(progress.reduce((a, r) => a + (r[1] as number), 0)).toBe(30);
    expect(progress.reduce((a, r) => a + (r[2] as number), 0)).toBe(28);
    const openSheets = await sheetsFromDb(open.round.id);
    expect(dataRows(sheet(book, '评分明细')).length).toBe(openSheets.length);
    expect(dataRows(sheet(book, '分类得分')).length).toBe(openSheets.length * 5);
    expect(dataRows(sheet(book, '评分明细')).every((r) => r[r.length - 2] === null)).toBe(true); // no comments this time
    expect(rowOf(sheet(book, '发布前提示'), 2)[2]).toBe('结果尚未计算；评分结束后生成发布前提示。');
    const rules = new Map(dataRows(sheet(book, '计分规则')).map((r) => [String(r[0]).trim(), r[1]]));
    expect(rules.get('状态')).toBe('进行中');
    expect(rules.get('结果计算时间')).toBe('结果尚未计算');
  });

  it('leaves out 发布前提示 when asked, and shows 名次 only when the round shows ranks', async () => {
    const data = await loadRoundData(t.database.db, done.round.id);
    const noFlags = buildRoundWorkbook(data, { includeFlags: false });
    expect(noFlags.worksheets.map((w) => w.name)).not.toContain('发布前提示');
    const result = data.results!.result;
    const shown = { ...data, results: { ...data.results!, result: { ...result, ranksVisible: true } } };
    const book = await load(await buildRoundWorkbook(shown).xlsx.writeBuffer());
    const ws = sheet(book, '汇总');
    expect(rowOf(ws, 1).slice(-2)).toEqual(['名次', '计算说明']);
    result.branches.forEach((b, i) => expect(rowOf(ws, i + 2)[10]).toBe(b.rank));
    expect(result.branches.map((b) => b.rank).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('计分规则 states the policy the results were computed with when it differs from the round\'s (peers only)', async () => {
    const data = await loadRoundData(t.database.db, done.round.id);
    const result = data.results!.result;
    const peersOnly = {
      ...data,
      results: { ...data.results!, policyVersion: '2026.1-peers-only', result: { ...result, policyVersion: '2026.1-peers-only', branches: result.branches.map((b) => ({ ...b, committeeScore: null })) } },
    };
    const book = await load(await buildRoundWorkbook(peersOnly).xlsx.writeBuffer());
    const rules = new Map(dataRows(sheet(book, '计分规则')).map((r) => [String(r[0]).trim(), r]));
    expect(rules.get('计分规则版本')?.slice(1)).toEqual(['2026.1-peers-only', '本轮开始时的计分规则为 2026.1，结果按 2026.1-peers-only 计算（缺少机关党委点评分，仅以互评计算）']);
    expect(rules.get('权重')?.[1]).toBe('只计互评平均分（不计机关党委点评分）');
    expect(rules.has('互评权重')).toBe(false);
  });
});
