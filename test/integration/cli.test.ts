import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { runCliProcess } from '../support/cli.js';

const fixtures = resolve(import.meta.dirname, '../fixtures');

/**
 * The CLI through its real entry point, against the database the suite runs on: a throw-away PostgreSQL
 * database when TEST_DATABASE_URL is set, otherwise an embedded database in a temporary DATA_DIR.
 */
describe('admin CLI (real entry point)', { timeout: 120_000 }, () => {
  let t: TestDatabase | undefined;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'djb-cli-'));
    if (testDatabaseUrl) {
      t = await createTestDatabase({ migrate: false });
      env = { DATABASE_URL: t.url!, DATA_DIR: dataDir };
    } else {
      env = { DATA_DIR: dataDir };
    }
  });
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
    await t?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Counts rows through a fresh connection (the CLI process has closed its own). */
  async function count(table: string): Promise<number> {
    const db = await openDb(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, maxConnections: 1 } : { dataDir });
    try {
      const res = (await db.db.execute(`select count(*)::int as n from ${table}`)) as unknown;
      const rowsOf = Array.isArray(res) ? res : (res as { rows: unknown[] }).rows;
      return (rowsOf[0] as { n: number }).n;
    } finally {
      await db.close();
    }
  }

  it('prints the command list, and help for each command', async () => {
    const all = await runCliProcess(['--help'], env);
    expect(all.code).toBe(0);
    for (const name of ['migrate', 'import-org', 'seed-demo', 'create-admin-token', 'calendar', 'run-job', 'parse-reply']) expect(all.stdout).toContain(name);
    const one = await runCliProcess(['import-org', '--help'], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('--dry-run');
    const unknown = await runCliProcess(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('未知命令：frobnicate');
  });

  it('migrates', async () => {
    const res = await runCliProcess(['migrate', '--json'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { applied: number; expected: number };
    expect(out.applied).toBe(out.expected);
  });

  it('refuses a bad organisation file row by row and writes nothing', async () => {
    const res = await runCliProcess(['import-org', join(fixtures, 'org-import-bad.csv')], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/第\d+行：/);
    expect(await count('people')).toBe(0);
    expect(await count('org_units')).toBe(0);
  });

  it('imports a good file, then says a re-import changes nothing', async () => {
    const first = await runCliProcess(['import-org', join(fixtures, 'org-import-example.csv'), '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { unchanged: boolean; created: { people: number } };
    expect(report.unchanged).toBe(false);
    expect(report.created.people).toBe(await count('people'));
    const auditRows = await count('audit_log');

    const again = await runCliProcess(['import-org', join(fixtures, 'org-import-example.csv')], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('没有改动');
    expect(await count('audit_log')).toBe(auditRows);
  });

  it('creates an admin token shown once and stored hashed', async () => {
    const res = await runCliProcess(['create-admin-token', '--name', '党务办公室', '--json'], env);
    expect(res.code).toBe(0);
    const { token } = JSON.parse(res.stdout) as { token: string };
    expect(token).toMatch(/^djb_[A-Za-z0-9_-]{43}$/);
    const dup = await runCliProcess(['create-admin-token', '--name', '党务办公室'], env);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('已有名为“党务办公室”的令牌');
  });

  it('sets and shows calendar overrides, rejecting bad dates', async () => {
    const set = await runCliProcess(['calendar', 'set', '2027-02-06', 'workday', '--note', '春节调休上班', '--json'], env);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ changed: true, day: { date: '2027-02-06', workday: true, source: 'override' } });
    const show = await runCliProcess(['calendar', 'show', '2027', '--json'], env);
    expect(JSON.parse(show.stdout)).toEqual({ year: 2027, holidayDataAvailable: false, overrides: [{ date: '2027-02-06', workday: true, note: '春节调休上班' }] });
    const bad = await runCliProcess(['calendar', 'set', '2027-02-30', 'workday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('YYYY-MM-DD');
  });

  it('refuses to seed the demo into an organisation with another name', async () => {
    const res = await runCliProcess(['seed-demo'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('与现有机关党委“某某局机关党委”名称不一致');
  });

  it('seeds the demo organisation once into an empty database', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    const freshDir = mkdtempSync(join(tmpdir(), 'djb-cli-demo-'));
    const freshEnv: Record<string, string> = fresh.url ? { DATABASE_URL: fresh.url, DATA_DIR: freshDir } : { DATA_DIR: freshDir };
    await fresh.drop(); // PGlite: the in-memory one is not used; PostgreSQL: recreate below through the CLI's own connection
    try {
      if (fresh.url) {
        const again = await createTestDatabase({ migrate: false });
        freshEnv.DATABASE_URL = again.url!;
        cleanups.push(() => again.drop());
      }
      const first = await runCliProcess(['seed-demo', '--json'], freshEnv);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ unchanged: false, chatsCreated: 6 });
      const second = await runCliProcess(['seed-demo'], freshEnv);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('没有改动');
    } finally {
      rmSync(freshDir, { recursive: true, force: true });
    }
  });

  it('lists jobs and refuses an unknown one', async () => {
    const list = await runCliProcess(['run-job', '--list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveProperty('jobs');
    const unknown = await runCliProcess(['run-job', 'no-such-job'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('没有名为 no-such-job 的定时任务');
  });

  it('reports configuration problems before touching anything', async () => {
    const res = await runCliProcess(['migrate'], { ...env, APP_TIMEZONE: 'Mars/Base', PORT: 'x' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('APP_TIMEZONE');
    expect(res.stderr).toContain('PORT');
  });
});
