import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { RoundResult } from '../../src/domain/scoring/aggregate.js';
import type { ScoringFlag } from '../../src/domain/scoring/flags.js';
import { runCliInProcess, runCliProcess, withCliDatabase } from '../support/cli.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { buildScoringRound, seedScoringOrg, type BuiltRound } from '../support/scoring-round.js';

const fixtures = resolve(import.meta.dirname, '../fixtures/scoring');

/**
 * `scoring …` against the database the suite runs on (a throw-away PostgreSQL database, or an embedded one in a
 * temporary DATA_DIR). Most runs go through runCli in this process with the real command list; the usage and the
 * refused bad file also go through the real entry point in a child process.
 */
describe(`cli scoring on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, { timeout: 180_000 }, () => {
  let t: TestDatabase | undefined;
  let dir: string;
  let env: Record<string, string>;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  let built: BuiltRound;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'djb-scoring-cli-'));
    if (testDatabaseUrl) {
      t = await createTestDatabase({ migrate: false });
      env = { DATABASE_URL: t.url!, DATA_DIR: dir };
    } else {
      env = { DATA_DIR: join(dir, 'data') };
    }
    // Migrated first: a refused file never opens the database, and the test counts rows in it.
    expect((await run('migrate')).code).toBe(0);
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (...argv: string[]) => runCliInProcess(argv, { env, clock });

  const withDb = <T>(fn: (database: Database) => Promise<T>): Promise<T> => withCliDatabase(env, fn);

  const count = (sql: string): Promise<number> => withDb(async (d) => Number(rows<{ n: number }>(await d.db.execute(sql))[0]!.n));
  /** Stored schemes and scoring audit entries, in one opening of the database. */
  const stored = (): Promise<{ schemes: number; audit: number }> =>
    withDb(async (d) => rows<{ schemes: number; audit: number }>(await d.db.execute(
      `select (select count(*)::int from scoring_schemes) as schemes, (select count(*)::int from audit_log where action like 'scoring.%') as audit`,
    ))[0]!);

  it('has help for the command and its subcommands, through the real entry point', async () => {
    const all = await runCliProcess(['--help'], env);
    expect(all.stdout).toContain('scoring');
    const help = await runCliProcess(['scoring', 'import-scheme', '--help'], env);
    expect(help.code).toBe(0);
    for (const s of ['import-scheme <文件.xlsx|.csv|.json> [--name 名称] [--dry-run] [--json]', 'scoring schemes', 'scoring rounds [--status open|closed|published]',
      'scoring show <轮次编号>', 'scoring export <轮次编号> [--out 文件.xlsx]', 'scoring link-chat <wecom|dingtalk|sandbox> <群聊ID>']) {
      expect(help.stdout).toContain(s);
    }
    const none = await run('scoring');
    expect(none.code).toBe(2);
    expect(none.err).toContain('缺少子命令；可用：import-scheme、schemes、rounds、show、export、link-chat');
    expect((await run('scoring', 'frobnicate')).err).toContain('未知子命令 frobnicate');
  });

  it('refuses the broken scheme row by row (exit 2) and stores nothing', async () => {
    const res = await runCliProcess(['scoring', 'import-scheme', join(fixtures, 'scheme-bad.csv')], env);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('错误：计分方案有误（8处）');
    expect(res.stderr).toContain('第3行：分值上限“七”不是有效的分数');
    expect(res.stderr).toContain('第8行：类别“廉洁型”只有扣分项目，须填写类别满分（扣分前的基础分）');
    expect(await stored()).toEqual({ schemes: 0, audit: 0 });
  });

  it('a dry run shows the scheme and stores nothing', async () => {
    const res = await run('scoring', 'import-scheme', join(fixtures, 'scheme-five-types.xlsx'), '--dry-run');
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toContain('试运行（未保存）：这是新的计分方案。');
    expect(res.out).toContain('《2026年度五型模范机关互观互检评分表》总分 100 分');
    expect(res.out).toContain('  政治型（20 分，扣分上限 6）\n    1.1 理论武装  加分 ≤8  必评');
    expect(await stored()).toEqual({ schemes: 0, audit: 0 });
  });

  it('imports the .xlsx template; the second import changes nothing', async () => {
    const first = await run('scoring', 'import-scheme', join(fixtures, 'scheme-five-types.xlsx'), '--json');
    expect(first.err).toBe('');
    const a = JSON.parse(first.out) as { created: boolean; id: number; dryRun: boolean; scheme: { name: string; total: number } };
    expect(a).toMatchObject({ created: true, dryRun: false, scheme: { name: '2026年度五型模范机关互观互检评分表', total: 100 } });
    const second = await run('scoring', 'import-scheme', join(fixtures, 'scheme-five-types.xlsx'));
    expect(second.code).toBe(0);
    expect(second.out).toContain(`与已导入的计分方案 #${a.id} 相同，没有改动。`);
    const dry = JSON.parse((await run('scoring', 'import-scheme', join(fixtures, 'scheme-five-types.xlsx'), '--dry-run', '--json')).out) as { created: boolean; id: number };
    expect(dry).toMatchObject({ created: false, id: a.id });
    expect(await stored()).toEqual({ schemes: 1, audit: 1 }); // one scoring.scheme.import
    // The JSON of the same scheme is the same content: no new row either.
    const json = JSON.parse((await run('scoring', 'import-scheme', join(fixtures, 'scheme-five-types.json'), '--json')).out) as { created: boolean; id: number };
    expect(json).toMatchObject({ created: false, id: a.id });
    const list = JSON.parse((await run('scoring', 'schemes', '--json')).out) as { schemes: { id: number; name: string; items: number }[] };
    expect(list.schemes).toEqual([expect.objectContaining({ id: a.id, name: '2026年度五型模范机关互观互检评分表', total: 100, items: 16 })]);
    expect((await run('scoring', 'schemes')).out).toContain(`#${a.id}  2026年度五型模范机关互观互检评分表  总分 100 分  16 项`);
  });

  it('lists rounds, shows one with progress, results and flags', async () => {
    built = await withDb(async (d) => {
      await seedScoringOrg(d, clock);
      return buildScoringRound(d, clock, { title: '2026年第四季度互观互检', withResults: true });
    });
    const list = JSON.parse((await run('scoring', 'rounds', '--json')).out) as { rounds: { id: number; status: string; submitted: number; expected: number }[] };
    expect(list.rounds).toEqual([expect.objectContaining({ id: built.round.id, status: 'closed', submitted: 28, expected: 30 })]);
    expect(JSON.parse((await run('scoring', 'rounds', '--status', 'open', '--json')).out)).toEqual({ rounds: [] });
    expect((await run('scoring', 'rounds')).out).toBe(`#${built.round.id}  2026年第四季度互观互检  已结束评分  截止 2026-11-30 09:00  已提交 28 / 30\n`);
    const bad = await run('scoring', 'rounds', '--status', 'done');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--status 须为 open、closed、published 之一');

    const text = await run('scoring', 'show', String(built.round.id));
    expect(text.code).toBe(0);
    expect(text.out).toContain(`#${built.round.id} 2026年第四季度互观互检（已结束评分）`);
    expect(text.out).toContain('评分表：已提交 28 / 30 份，草稿 1 份，未填 1 份（7 位评分人，5 个支部）');
    const result = built.result!;
    for (const b of result.branches) expect(text.out).toContain(`  ${b.branchName}  总分 ${b.totalText}  ${b.starLabel}  ${b.classLabel}\n    ${b.explanation}`);
    expect(text.out).not.toContain('第1名');
    for (const f of built.flags!) expect(text.out).toContain(f.message);

    const json = JSON.parse((await run('scoring', 'show', String(built.round.id), '--json')).out) as {
      round: { id: number; scheme: { name: string } }; progress: { submitted: number; drafts: number; missing: number }; results: RoundResult; flags: ScoringFlag[];
    };
    expect(json.round).toMatchObject({ id: built.round.id, scheme: { name: '2026年度五型模范机关互观互检评分表' } });
    expect(json.progress).toMatchObject({ submitted: 28, drafts: 1, missing: 1 });
    expect(json.results).toEqual(JSON.parse(JSON.stringify(result)));
    expect(json.flags).toEqual(JSON.parse(JSON.stringify(built.flags)));
    expect((await run('scoring', 'show', '999')).code).toBe(2);
    expect((await run('scoring', 'show', 'abc')).err).toContain('须提供轮次编号（正整数），收到 abc');
  });

  it('exports the round to a workbook that opens, through the real entry point', async () => {
    const out = join(dir, '四季度.xlsx');
    const res = await runCliProcess(['scoring', 'export', String(built.round.id), '--out', out, '--json'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ roundId: built.round.id, file: out });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '评分明细', '分类得分', '计分规则', '发布前提示', '计分方案']);
    const summary = wb.getWorksheet('汇总')!;
    built.result!.branches.forEach((b, i) => {
      expect(summary.getCell(i + 2, 1).value).toBe(b.branchName);
      expect(summary.getCell(i + 2, 8).value).toBe(Number(b.totalText));
    });
    expect(wb.getWorksheet('评分明细')!.rowCount).toBe(1 + 29);
    const missing = await run('scoring', 'export', '999', '--out', join(dir, 'x.xlsx'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('互观互检轮次 999 不存在');
    expect(existsSync(join(dir, 'x.xlsx'))).toBe(false);
    expect((await run('scoring', 'export', String(built.round.id), '--out', join(dir, 'x.csv'))).code).toBe(2);
    const stray = await run('scoring', 'schemes', '--out', 'x.xlsx');
    expect(stray.code).toBe(2);
    expect(stray.err).toContain('scoring schemes 不接受选项 --out');
  });

  it('links a chat to branches by name or id; no branches = all', async () => {
    const unknown = await run('scoring', 'link-chat', 'sandbox', 'grp-scoring', '第一党支部');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('没有找到sandbox群聊 grp-scoring');
    const branches = built.round.branches;
    const some = await run('scoring', 'link-chat', 'sandbox', 'grp-scoring', '第一党支部', String(branches[2]!.id), '--name', '互观互检工作群', '--json');
    expect(some.err).toBe('');
    const linked = JSON.parse(some.out) as { chat: { id: number; name: string }; allBranches: boolean; branches: { id: number; name: string }[] };
    expect(linked.chat.name).toBe('互观互检工作群');
    expect(linked.allBranches).toBe(false);
    expect(linked.branches).toEqual([branches[0], branches[2]]);
    expect(await count(`select count(*)::int as n from scoring_chat_branches where chat_id = ${linked.chat.id}`)).toBe(2);

    const ambiguous = await run('scoring', 'link-chat', 'sandbox', 'grp-scoring', '党支部', '第九党支部');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain('“党支部”对应多个党支部');
    expect(ambiguous.err).toContain('没有名为“第九党支部”的在用党支部');
    expect(await count(`select count(*)::int as n from scoring_chat_branches where chat_id = ${linked.chat.id}`)).toBe(2);

    const all = await run('scoring', 'link-chat', 'sandbox', 'grp-scoring');
    expect(all.code).toBe(0);
    expect(all.out).toContain(`群聊“互观互检工作群”（#${linked.chat.id}）的互观互检覆盖全部在用党支部：${branches.map((b) => b.name).join('、')}`);
    expect(await count(`select count(*)::int as n from scoring_chat_branches where chat_id = ${linked.chat.id}`)).toBe(0);
    expect((await run('scoring', 'link-chat', 'qq', 'x')).err).toContain('第一个参数须为平台 wecom、dingtalk 或 sandbox');
  });
  it('closes, shows ranks and publishes a round; each step once', async () => {
    const open = await withDb((d) => buildScoringRound(d, clock, { title: '专项互观互检', withResults: false }));
    const id = String(open.round.id);
    expect((await run('scoring', 'publish', id)).err).toContain('不是“已结束、待发布”状态');
    const closed = await run('scoring', 'close', id, '--json');
    expect(closed.code).toBe(0);
    expect(JSON.parse(closed.out)).toMatchObject({ roundId: open.round.id, title: '专项互观互检', submitted: 28, expected: 30 });
    expect((await run('scoring', 'close', id)).code).toBe(2);
    expect(await count(`select count(*)::int as n from scoring_results where round_id = ${id}`)).toBe(1);
    // Reviewers (the admin) got the 待发布 card with the flags; no chat: nothing to a group.
    expect(await count(`select count(*)::int as n from outbox where message->'card'->>'key' like 'scoring:${id}:review:%'`)).toBeGreaterThan(0);
    expect((await run('scoring', 'ranks', id, 'maybe')).code).toBe(2);
    expect((await run('scoring', 'ranks', id, 'on')).code).toBe(0);
    expect(await count(`select count(*)::int as n from scoring_results where round_id = ${id} and (result->>'ranksVisible')::boolean`)).toBe(1);
    const published = await run('scoring', 'publish', id);
    expect(published.code).toBe(0);
    expect(published.out).toMatch(/已发布“专项互观互检”：\d+ 位支部书记收到本支部报告/);
    expect(await count(`select count(*)::int as n from outbox where message->'card'->>'key' like 'scoring:${id}:report:%'`)).toBeGreaterThan(0);
    expect((await run('scoring', 'publish', id)).code).toBe(2);
    expect((await run('scoring', 'ranks', id, 'off')).err).toContain('已发布');
    const actions = await withDb(async (d) => rows<{ action: string; actor: string }>(await d.db.execute(`select action, actor from audit_log where subject_type = 'scoring_round' and subject_id = '${id}' order by id`)));
    expect(actions.map((a) => a.action)).toEqual(['scoring.round.start', 'scoring.round.close', 'scoring.round.results', 'scoring.round.ranks', 'scoring.round.publish']);
  });
});
