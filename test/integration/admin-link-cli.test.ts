import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { ManualClock } from '../../src/domain/clock.js';
import { adminSignInResource } from '../../src/h5/link-signer.js';
import { verifyToken } from '../../src/h5/signed-link.js';
import { personId } from '../support/admin.js';
import { runCliInProcess, withCliDatabase } from '../support/cli.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

const SECRET = 'cli-admin-link-secret-'.padEnd(40, 'z');

/** `admin-link --person`: the first admin's way in on a fresh install (nobody can ask the bot yet). */
describe(`cli admin-link on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, { timeout: 120_000 }, () => {
  let t: TestDatabase | undefined;
  let dir: string;
  let env: Record<string, string>;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const run = (...argv: string[]) => runCliInProcess(argv, { env, clock });
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'djb-admin-link-'));
    if (testDatabaseUrl) {
      t = await createTestDatabase({ migrate: false });
      env = { DATABASE_URL: t.url!, DATA_DIR: dir, APP_SECRET: SECRET, PUBLIC_BASE_URL: 'https://dj.example.gov.cn' };
    } else {
      env = { DATA_DIR: join(dir, 'data'), APP_SECRET: SECRET, PUBLIC_BASE_URL: 'https://dj.example.gov.cn' };
    }
    expect((await run('migrate')).code).toBe(0);
    await withCliDatabase(env, async (d) => {
      await seedDemo(d, clock);
      for (const n of ['周晓燕', '刘建国', '张伟']) ids[n] = await personId(d, n);
    });
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a single-use link valid 10 minutes for an admin, by name or id', async () => {
    const res = await run('admin-link', '--person', '周晓燕', '--json');
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const json = JSON.parse(res.out) as { url: string; personId: number; role: string; validMinutes: number };
    expect(json).toMatchObject({ personId: ids['周晓燕'], role: 'admin', validMinutes: 10 });
    const url = new URL(json.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://dj.example.gov.cn/admin/signin');
    const v = verifyToken(SECRET, url.searchParams.get('t')!, clock.now());
    expect(v.ok && v.claims.personId).toBe(ids['周晓燕']);
    expect(v.ok && v.claims.resource.startsWith(adminSignInResource(''))).toBe(true);
    expect(v.ok && v.claims.expiresAt).toBe(Math.floor(clock.now().getTime() / 1000) + 600);
    // Each run gives a new link (its own nonce), so one being used does not spend the other.
    const again = JSON.parse((await run('admin-link', '--person', String(ids['周晓燕']), '--json')).out) as { url: string };
    expect(again.url).not.toBe(json.url);
    const text = await run('admin-link', '--person', '刘建国');
    expect(text.out).toContain('刘建国（领导，只读）的管理后台登录链接，10 分钟内有效，只能使用一次：\nhttps://dj.example.gov.cn/admin/signin?t=');
  });

  it('refuses people without console access, unknown people and a missing --person (exit 2)', async () => {
    expect(await run('admin-link', '--person', '张伟')).toMatchObject({ code: 2, err: expect.stringContaining('张伟不是管理员或领导，不能登录管理后台') });
    expect(await run('admin-link', '--person', '无此人')).toMatchObject({ code: 2, err: expect.stringContaining('没有名为“无此人”的在用人员') });
    expect(await run('admin-link')).toMatchObject({ code: 2, err: expect.stringContaining('须用 --person 指定登录人') });
  });
});
