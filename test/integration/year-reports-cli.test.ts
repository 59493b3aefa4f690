import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { verifyAuditChain } from '../../src/db/repositories/audit.js';
import { ManualClock } from '../../src/domain/clock.js';
import { verifyToken } from '../../src/h5/signed-link.js';
import { runCliInProcess, runCliProcess, withCliDatabase } from '../support/cli.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { buildYear, expectedFigures, sumExpected, type YearData } from '../support/year-data.js';

const SECRET = 'cli-report-secret-'.padEnd(40, 'y');

/**
 * `report midyear|yearend|ledger|link|audit` against the database the suite runs on (a throw-away PostgreSQL
 * database, or an embedded one in a temporary DATA_DIR); the year is built through production code between runs.
 */
describe(`cli report on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, { timeout: 300_000 }, () => {
  let t: TestDatabase | undefined;
  let dir: string;
  let env: Record<string, string>;
  const clock = new ManualClock('2026-01-05T01:00:00Z');
  let data: YearData;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'djb-report-cli-'));
    if (testDatabaseUrl) {
      t = await createTestDatabase({ migrate: false });
      env = { DATABASE_URL: t.url!, DATA_DIR: dir, APP_SECRET: SECRET, PUBLIC_BASE_URL: 'https://dj.example.gov.cn' };
    } else {
      env = { DATA_DIR: join(dir, 'data'), APP_SECRET: SECRET, PUBLIC_BASE_URL: 'https://dj.example.gov.cn' };
    }
    expect((await run('migrate')).code).toBe(0);
    data = await withDb((d) => buildYear(d, clock));
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (...argv: string[]) => runCliInProcess(argv, { env, clock });

  const withDb = <T>(fn: (database: Database) => Promise<T>): Promise<T> => withCliDatabase(env, fn);

  const read = async (path: string): Promise<ExcelJS.Workbook> => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return wb;
  };

  it('has help for the command, through the real entry point', async () => {
    const all = await runCliProcess(['--help'], env);
    expect(all.stdout).toMatch(/report\s+年度报告：年中查账、年底交账、台账/);
    const help = await runCliProcess(['report', '--help'], env);
    expect(help.code).toBe(0);
    for (const s of ['report midyear [--year 2026] [--unit 支部名称或编号] [--out 文件.xlsx] [--json]', 'report ledger', 'report link <midyear|yearend> [--year 2026] --person 姓名或人员编号', 'report audit [--head 链头]']) {
      expect(help.stdout).toContain(s);
    }
    const none = await run('report');
    expect(none.code).toBe(2);
    expect(none.err).toContain('缺少子命令；可用：midyear、yearend、ledger、link、audit');
    expect((await run('report', 'toString')).err).toContain('未知子命令 toString');
  });

  it('refuses bad input with exit 2 and writes nothing', async () => {
    const out = join(dir, 'bad.xlsx');
    expect(await run('report', 'midyear', '--year', '1999', '--out', out)).toMatchObject({ code: 2, err: expect.stringContaining('--year 须为 2000–2100 的年份') });
    expect(await run('report', 'midyear', '--year', '2026', '--out', join(dir, 'x.csv'))).toMatchObject({ code: 2, err: expect.stringContaining('--out 须为 .xlsx 文件') });
    expect(await run('report', 'yearend', '--year', '2026', '--unit', '第九党支部', '--out', out)).toMatchObject({ code: 2, err: expect.stringContaining('没有名为“第九党支部”的在用党支部') });
    expect(await run('report', 'audit', '--unit', '第一党支部')).toMatchObject({ code: 2, err: expect.stringContaining('report audit 不接受选项 --unit') });
    expect(existsSync(out)).toBe(false);
  });

  it('report midyear writes the workbook and prints the figures', async () => {
    const out = join(dir, '年中.xlsx');
    const res = await run('report', 'midyear', '--year', '2026', '--out', out, '--json');
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const json = JSON.parse(res.out) as { file: string; totals: { planned: number; done: number; overdue: number }; branches: { id: number; name: string; items?: unknown }[]; period: { asOf: string } };
    expect(json.file).toBe(out);
    expect(json.period.asOf).toBe('2026-06-30');
    const expected = sumExpected((await withDb((d) => expectedFigures(d, '2026-07-01'))).values());
    expect(json.totals).toMatchObject({ planned: expected.planned, done: expected.done, overdue: expected.overdue });
    expect(json.branches).toHaveLength(5);
    expect(json.branches[0]!.items).toBeUndefined();
    const wb = await read(out);
    expect(wb.worksheets.map((w) => w.name)[0]).toBe('汇总');
    expect(wb.worksheets).toHaveLength(6);
    expect(wb.getWorksheet('汇总')!.getRow(10).getCell(3).value).toBe(expected.planned);
    const text = await run('report', 'midyear', '--year', '2026', '--out', out);
    expect(text.out).toContain(`已导出“2026年年中查账”（5 个党支部）到 ${out}`);
    expect(text.out).toContain(`计划任务 ${expected.planned}，应完成 ${expected.dueByNow}，已完成 ${expected.done}（逾期完成 ${expected.doneLate}），逾期未完成 ${expected.overdue}`);
  });

  it('report yearend --unit: one branch, the default file name', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const res = await run('report', 'yearend', '--year', '2026', '--unit', '第一党支部');
      expect(res.code).toBe(0);
      const file = join(dir, '2026年年底交账-第一党支部（办公室）.xlsx');
      expect(res.out).toContain(file);
      const wb = await read(file);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '第一党支部（办公室）']);
      const b1 = data.branch['第一党支部']!;
      const mine = sumExpected([...(await withDb((d) => expectedFigures(d, '2026-11-24')))].filter(([k]) => k.startsWith(`${b1}:`)).map(([, v]) => v));
      expect(wb.getWorksheet('汇总')!.getRow(5).getCell(3).value).toBe(mine.planned);
      expect(wb.getWorksheet('汇总')!.getRow(5).getCell(5).value).toBe(mine.done);
    } finally {
      process.chdir(cwd);
    }
  });

  it('report ledger writes the 台账 with the chain head; report audit checks that head', async () => {
    const out = join(dir, '台账.xlsx');
    const res = await run('report', 'ledger', '--year', '2026', '--out', out, '--json');
    expect(res.err).toBe('');
    const json = JSON.parse(res.out) as { file: string; counts: { completions: number; revocations: number }; audit: { head: string; verified: boolean; count: number } };
    const chain = await withDb((d) => verifyAuditChain(d.db));
    if (!chain.ok) throw new Error('chain broken');
    expect(json.audit).toMatchObject({ head: chain.head, verified: true, count: chain.count });
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const wb = await read(out);
    expect(wb.getWorksheet('汇总')!.getRow(11).getCell(2).value).toBe(chain.head);
    expect(wb.getWorksheet('完成记录')!.rowCount).toBe(json.counts.completions + json.counts.revocations + 1);

    const ok = await run('report', 'audit', '--head', chain.head);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`哈希链校验通过：${chain.count} 条审计记录，链头 ${chain.head}`);
    expect(ok.out).toContain(`链头 ${chain.head} 在链上：第 ${chain.count} 条记录`);
    expect(ok.out).toContain('其后新增 0 条');
    const wrong = await run('report', 'audit', '--head', 'ab'.repeat(32), '--json');
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.out)).toMatchObject({ ok: false, found: null, chain: { verified: true } });
    expect((await run('report', 'audit', '--head', 'xyz')).code).toBe(2);
  });

  it('report link prints a signed link for people who may see the report, and refuses others', async () => {
    const res = await run('report', 'link', 'yearend', '--year', '2026', '--person', '陈志远', '--json');
    expect(res.code).toBe(0);
    const json = JSON.parse(res.out) as { url: string; personId: number; scope: string };
    expect(json.scope).toBe('第二党支部（政策法规处）、第三党支部（规划财务处）');
    const url = new URL(json.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://dj.example.gov.cn/h5/reports/year');
    expect(url.searchParams.get('kind')).toBe('yearend');
    expect(url.searchParams.get('y')).toBe('2026');
    const v = verifyToken(SECRET, url.searchParams.get('t')!, clock.now(), 'report:yearend:2026');
    expect(v).toMatchObject({ ok: true, claims: { personId: data.person['陈志远'] } });
    const byId = await run('report', 'link', 'midyear', '--year', '2026', '--person', String(data.person['王海峰']));
    expect(byId.out).toContain('王海峰（第一党支部（办公室））的2026年年中查账链接：\nhttps://dj.example.gov.cn/h5/reports/year?t=');
    expect(await run('report', 'link', 'midyear', '--person', '张伟')).toMatchObject({ code: 2, err: expect.stringContaining('张伟不是管理员、领导或党支部书记') });
    expect(await run('report', 'link', 'ledger', '--person', '王海峰')).toMatchObject({ code: 2, err: expect.stringContaining('第一个参数须为 midyear 或 yearend') });
    expect(await run('report', 'link', 'midyear', '--person', '无此人')).toMatchObject({ code: 2 });
  });
});
