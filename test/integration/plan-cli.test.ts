import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlanCommand } from '../../src/cli/commands/import-plan.js';
import { importOrgCommand } from '../../src/cli/commands/import-org.js';
import { openDb } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { PlanNode } from '../../src/domain/plans/types.js';
import { parsePlanFile } from '../../src/importers/read-plan-file.js';
import { runCliInProcess } from '../support/cli.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const workPoints = resolve(repoRoot, '../shared/fixtures/plans/work-points-2023.txt');
const fivePlan = resolve(repoRoot, '../shared/fixtures/plans/five-type-implementation-plan.txt');

/** Every key of every node, recursively: the --json shape must be exactly the outline's. */
function nodeKeys(nodes: unknown[]): Set<string> {
  const keys = new Set<string>();
  for (const n of nodes as Record<string, unknown>[]) {
    Object.keys(n).forEach((k) => keys.add(k));
    nodeKeys(n.children as unknown[]).forEach((k) => keys.add(`child.${k}`));
  }
  return keys;
}

describe(`cli import-plan on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, { timeout: 120_000 }, () => {
  let t: TestDatabase | undefined;
  let dataDir: string;
  let env: Record<string, string>;
  const clock = new ManualClock('2026-05-04T02:00:00Z');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'djb-plan-cli-'));
    if (testDatabaseUrl) {
      t = await createTestDatabase({ migrate: false });
      env = { DATABASE_URL: t.url!, DATA_DIR: dataDir };
    } else {
      env = { DATA_DIR: dataDir };
    }
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = (...argv: string[]) => runCliInProcess(argv, { env, clock, commands: [importPlanCommand, importOrgCommand] });

  async function count(): Promise<Record<string, number>> {
    const db = await openDb(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, maxConnections: 1 } : { dataDir });
    try {
      const out: Record<string, number> = {};
      for (const table of ['plans', 'plan_items', 'assignments', 'audit_log']) {
        const [r] = rows<{ n: number }>(await db.db.execute(`select count(*)::int as n from ${table}`));
        out[table] = Number(r?.n);
      }
      return out;
    } finally {
      await db.close();
    }
  }

  it('has Chinese help', async () => {
    const r = await run('import-plan', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('用法: npm run cli -- import-plan <文件.txt|.md|.docx|.xlsx> [--year 2026] [--title 标题] [--dry-run] [--no-assign] [--json]');
  });

  it('--json prints exactly {title, nodes} (the parsed outline) plus the report', async () => {
    expect((await run('import-org', resolve(repoRoot, 'test/fixtures/org-import-example.csv'))).code).toBe(0);
    const r = await run('import-plan', workPoints, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { title: string; nodes: PlanNode[]; report: Record<string, unknown> };
    expect(Object.keys(json)).toEqual(['title', 'nodes', 'report']);
    const parsed = await parsePlanFile(await readFile(workPoints), 'work-points-2023.txt');
    expect({ title: json.title, nodes: json.nodes }).toEqual(JSON.parse(JSON.stringify(parsed.outline)));
    expect(nodeKeys(json.nodes)).toEqual(new Set(['marker', 'title', 'text', 'dimensions', 'children', 'child.marker', 'child.title', 'child.text', 'child.dimensions', 'child.children']));
    expect(json.title).toBe('2023年区党建工作要点');
    expect(json.nodes.map((n) => [n.marker, n.dimensions, n.children.length])).toEqual([
      ['一、', ['政治型'], 5], ['二、', ['服务型', '实干型'], 6], ['三、', ['文明型'], 3], ['四、', ['廉洁型'], 3], ['五、', [], 4], ['六、', [], 4],
    ]);
    expect(json.nodes[2]!.children[2]!.marker).toBe('14.');
    expect(json.report).toMatchObject({ dryRun: false, unchanged: false, year: 2023, created: { items: 31, assignments: 75 } });
  });

  it('prints the tree and the report; a second run changes nothing', async () => {
    const before = await count();
    const r = await run('import-plan', workPoints);
    expect(r.code).toBe(0);
    expect(r.out).toContain('一、认真学习贯彻党的二十大精神，推进政治型机关建设（5项）  [政治型]\n  1.以县处级以上领导干部为重点深入开展主题教育\n');
    expect(r.out).toContain('二、服务中心大局，推进服务型和实干型机关建设（6项）  [服务型、实干型]');
    expect(r.out).toContain('2023年《2023年区党建工作要点》与文件一致，没有改动。');
    expect(await count()).toEqual(before);
  });

  it('--year, --title, --dry-run and --no-assign', async () => {
    const before = await count();
    const dry = await run('import-plan', fivePlan, '--dry-run', '--no-assign', '--year', '2019');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('试运行（未写入）：将会导入2019年《加推机关“五型模范机关”的实施方案》：新增条目 31 个，更新 0 个，停用 0 个；新增分派 0 条（0 个党支部）。');
    expect(await count()).toEqual(before);
    // No year on the title, none given: the current year in APP_TIMEZONE (Asia/Shanghai by default).
    const r = await run('import-plan', fivePlan, '--title', '五型机关实施方案', '--json');
    expect(JSON.parse(r.out).report).toMatchObject({ year: 2026, title: '五型机关实施方案', created: { items: 31, assignments: 24 * 3 } });
  });

  it('bad input: a clear Chinese error, exit 2, nothing written', async () => {
    const before = await count();
    const dir = mkdtempSync(join(tmpdir(), 'djb-plan-bad-'));
    writeFileSync(join(dir, 'empty.txt'), '只有一段文字，没有编号。\n');
    writeFileSync(join(dir, 'old.doc'), 'x');
    const cases: [string[], string][] = [
      [['import-plan', join(dir, 'empty.txt')], '错误：文档中没有找到任何带编号的条目'],
      [['import-plan', join(dir, 'old.doc')], '错误：不支持旧版 Word 文件（.doc）'],
      [['import-plan', join(dir, 'missing.txt')], '错误：无法读取文件“missing.txt”'],
      [['import-plan', workPoints, '--year', '23'], '错误：年份“23”不合法'],
      [['import-plan'], '错误：缺少要导入的计划文件路径'],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(message);
    }
    expect(await count()).toEqual(before);
    rmSync(dir, { recursive: true, force: true });
  });
});
