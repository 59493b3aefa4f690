/**
 * The hostile-request run on demand (issue 12, "Bad input"): the generator of test/fuzz/generate.ts — the same
 * one the CI test runs with a small count — against the production entry point (`src/main.ts` in a child
 * process: WeCom app + smart bot configured, the sandbox on, LOG_LEVEL=debug) on loopback, over a throw-away
 * PostgreSQL database with the demo organisation, the fake WeCom API (test/fakes) in this process.
 *
 *   FUZZ_COUNT=10000 BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/test npx tsx bench/fuzz.ts
 *
 * FUZZ_SEED (20261123), FUZZ_CONCURRENCY (8), FUZZ_EXCLUDE (a regexp on the generator case: set a known problem
 * aside). Prints the answers by status per route family, the time, the server's RSS (start, peak = VmHWM, end),
 * and the checks of the CI test: no 5xx and no missing answer, refusals, no write beyond what
 * test/fuzz/harness.ts allows, still healthy, no secret in the server's log. Exits 1 when a check fails or the
 * server died. BENCH_WRITE=1 also writes bench/results/fuzz-<date>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDb } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { seedDemo } from '../src/demo.js';
import { systemClock } from '../src/domain/clock.js';
import { linkSigner } from '../src/h5/link-signer.js';
import { FakeWecomApi } from '../test/fakes/wecom-api.js';
import { fuzzRequests } from '../test/fuzz/generate.js';
import { checkWrites, prepareFuzzContext, secretsInLogs, snapshot } from '../test/fuzz/harness.js';
import { formatSummary, sendAll, summarize, type Outcome } from '../test/fuzz/send.js';
import { DEMO_WECOM_IDS } from '../test/integration/wecom-demo-ids.js';
import { WECOM_TEST } from '../test/support/wecom-server.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const EXCLUDE = process.env.FUZZ_EXCLUDE ? new RegExp(process.env.FUZZ_EXCLUDE) : undefined;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** VmRSS and VmHWM (peak) of a Linux process, in MB; undefined elsewhere or once it is gone. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** The server's own view of its heap (prom-client's default metrics on /metrics), in MB. */
async function heapUsedMb(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const v = /^djb_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
    return v === undefined ? undefined : Number(v) / 2 ** 20;
  } catch {
    return undefined;
  }
}

/** Starts src/main.ts and resolves with its URL once it listens; its stdout and stderr go to `log`. */
function startServer(env: Record<string, string>, log: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${log.join('').slice(-2000)}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      log.push(c.toString('utf8'));
      const m = /已启动.*?(http:\/\/localhost:\d+)/.exec(log.join(''));
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1].replace('localhost', '127.0.0.1') });
      }
    });
    child.stderr!.on('data', (c: Buffer) => log.push(c.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${log.join('').slice(-2000)}`));
    });
  });
}

async function main(): Promise<void> {
  const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!baseUrl) {
    console.error('bench/fuzz.ts runs the server in its own process, so it needs PostgreSQL: set BENCH_DATABASE_URL (e.g. postgres://root@127.0.0.1:5432/test).\n' +
      'On the embedded database, run the CI test with a large count instead: FUZZ_COUNT=10000 npx vitest run test/fuzz');
    process.exit(2);
  }
  const name = `dj_fuzz_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${name}`;
  const database = await openDb({ databaseUrl: dbUrl.toString(), maxConnections: 3 });
  const dataDir = mkdtempSync(join(os.tmpdir(), 'dj-fuzz-'));
  const log: string[] = [];
  let fake: FakeWecomApi | undefined;
  let child: ChildProcess | undefined;
  let failed = false;
  try {
    await migrate(database);
    await seedDemo(database, systemClock);
    fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(DEMO_WECOM_IDS)).start();
    const appSecret = randomBytes(30).toString('base64url');
    const server = await startServer({
      DATABASE_URL: dbUrl.toString(), DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'debug', APP_SECRET: appSecret, SANDBOX: 'on',
      PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
      WECOM_CORP_ID: WECOM_TEST.corpId, WECOM_AGENT_ID: WECOM_TEST.agentId, WECOM_SECRET: WECOM_TEST.secret, WECOM_TOKEN: WECOM_TEST.token,
      WECOM_ENCODING_AES_KEY: WECOM_TEST.encodingAesKey, WECOM_BOT_TOKEN: WECOM_TEST.botToken, WECOM_BOT_ENCODING_AES_KEY: WECOM_TEST.botEncodingAesKey,
      WECOM_API_BASE_URL: fake.url,
    }, log);
    child = server.child;
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      exited = `exit code ${code}${signal ? `, signal ${signal}` : ''}`;
    });
    const pid = child.pid!;
    const ctx = await prepareFuzzContext({
      database, baseUrl: server.url, appSecret, links: linkSigner({ secret: appSecret, publicBaseUrl: 'http://127.0.0.1:3000', clock: systemClock }), now: new Date(),
      wecom: { corpId: WECOM_TEST.corpId, agentId: WECOM_TEST.agentId, token: WECOM_TEST.token, encodingAesKey: WECOM_TEST.encodingAesKey, botToken: WECOM_TEST.botToken, botEncodingAesKey: WECOM_TEST.botEncodingAesKey },
    });
    const before = await snapshot(database);
    const memStart = memoryOf(pid);
    const heapStart = await heapUsedMb(server.url);
    let peakRss = memStart?.rssMb ?? 0;
    const sampler = setInterval(() => {
      const m = memoryOf(pid);
      if (m) peakRss = Math.max(peakRss, m.rssMb);
    }, 250);

    const carried = new Set<string>();
    let done = 0;
    const started = performance.now();
    console.log(`fuzz: ${COUNT} requests, seed ${SEED}, concurrency ${CONCURRENCY}${EXCLUDE ? `, excluding /${EXCLUDE.source}/` : ''} → ${server.url} (pid ${pid}, PostgreSQL db ${name})`);
    const outcomes: Outcome[] = await sendAll(server.url, fuzzRequests(ctx, SEED, COUNT, { ...(EXCLUDE ? { exclude: EXCLUDE } : {}) }), {
      concurrency: CONCURRENCY,
      onOutcome: (o) => {
        o.req.secrets?.forEach((s) => carried.add(s));
        if (++done % 1000 === 0) console.log(`  ${done} done, ${((performance.now() - started) / 1000).toFixed(1)} s, server RSS ${memoryOf(pid)?.rssMb.toFixed(0) ?? '—'} MB`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const memEnd = memoryOf(pid);
    await new Promise((r) => setTimeout(r, 3000)); // let the outbox dispatcher settle before the tables are read
    const memIdle = memoryOf(pid);
    const heapEnd = exited ? undefined : await heapUsedMb(server.url);

    const summary = summarize(outcomes, SEED);
    const writes = await checkWrites(database, before, outcomes.map((o) => o.req));
    const health = exited ? `server died: ${exited}` : `${(await fetch(`${server.url}/healthz`)).status}/${(await fetch(`${server.url}/readyz`)).status}`;
    const logText = log.join('');
    const leaked = secretsInLogs(logText, {
      APP_SECRET: appSecret, WECOM_SECRET: WECOM_TEST.secret, WECOM_ENCODING_AES_KEY: WECOM_TEST.encodingAesKey, WECOM_BOT_ENCODING_AES_KEY: WECOM_TEST.botEncodingAesKey,
      WECOM_TOKEN: WECOM_TEST.token, WECOM_BOT_TOKEN: WECOM_TEST.botToken, 'admin API token': ctx.adminToken, 'leader API token': ctx.leaderToken,
      'revoked API token': ctx.revokedToken, 'session cookie': ctx.session.cookie, 'CSRF token': ctx.session.csrf, 'sign-in link': ctx.usedSignInToken,
      'WeCom access token': [...fake.tokens.keys()], 'valid H5 link tokens': [...carried],
    });
    const failureLines = logText.split('\n').filter((l) => /"msg":"(request failed|unhandled koa error)"/.test(l));

    console.log(formatSummary(summary));
    console.log(`  time ${seconds.toFixed(1)} s (${(summary.deliveries / seconds).toFixed(0)} deliveries/s)`);
    console.log(`  server RSS: start ${memStart?.rssMb.toFixed(0) ?? '—'} MB, peak ${Math.max(peakRss, memEnd?.peakMb ?? 0).toFixed(0)} MB (VmHWM ${memEnd?.peakMb.toFixed(0) ?? '—'}), end ${memEnd?.rssMb.toFixed(0) ?? '—'} MB, 3 s later ${memIdle?.rssMb.toFixed(0) ?? '—'} MB; heap used ${heapStart?.toFixed(0) ?? '—'} → ${heapEnd?.toFixed(0) ?? '—'} MB`);
    console.log(`  stored events ${writes.storedEvents}, outbox rows ${writes.outboxRows}${writes.jobsFired.length ? `, jobs fired ${writes.jobsFired.join(', ')}` : ''}`);
    console.log(`  health after the run: ${health}`);
    console.log(`  log: ${logText.length} bytes; secrets in it: ${leaked.length ? leaked.join(', ') : 'none'}; failure lines: ${failureLines.length}`);
    console.log(`  no write beyond the allowed: ${writes.inconclusive ? 'inconclusive (a daily job fired)' : writes.problems.length ? writes.problems.join('; ') : 'ok'}`);
    if (summary.failures.length) {
      console.log(`  ${summary.failures.length} failing requests (first 30):`);
      for (const f of summary.failures.slice(0, 30)) console.log(`    ${f.request}\n      → ${f.problem}`);
    }
    for (const l of failureLines.slice(0, 5)) console.log(`  log: ${l.slice(0, 600)}`);
    if (exited) console.log(`  last server output:\n${logText.slice(-3000)}`);
    failed = summary.failures.length > 0 || writes.problems.length > 0 || leaked.length > 0 || failureLines.length > 0 || exited !== undefined;

    if (process.env.BENCH_WRITE === '1') {
      mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
      const file = join(ROOT, `bench/results/fuzz-${new Date().toISOString().slice(0, 10)}.json`);
      writeFileSync(file, `${JSON.stringify({
        count: COUNT, seed: SEED, concurrency: CONCURRENCY, exclude: EXCLUDE?.source ?? null, seconds: Number(seconds.toFixed(1)), deliveries: summary.deliveries,
        byFamily: summary.byFamily, maxMs: summary.maxMs, failures: summary.failures.length,
        serverRssMb: { start: memStart?.rssMb, peak: Math.max(peakRss, memEnd?.peakMb ?? 0), end: memEnd?.rssMb, idle: memIdle?.rssMb }, serverHeapUsedMb: { start: heapStart, end: heapEnd },
        storedEvents: writes.storedEvents, writeProblems: writes.problems, secretsInLog: leaked, health,
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
      }, null, 2)}\n`);
      console.log(`  wrote ${file}`);
    }
  } finally {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await fake?.stop();
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
