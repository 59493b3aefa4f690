/**
 * WeCom callback ingest benchmark: signed + encrypted text callbacks ("帮助" from the demo members) at concurrency
 * 64 against the real server (verify → decrypt → parse → inbox insert → conversation → outbox row, one
 * transaction per event, the outbox dispatcher sending the replies) on real PostgreSQL; then, in the same run, a
 * bare Koa handler that only verifies and decrypts. Prints requests/s, p50/p99 latency, CPU per request and the
 * ratio. Each side runs for BENCH_SECONDS (15 s) after BENCH_WARMUP_SECONDS (2 s) of the same load that is not
 * counted; BENCH_ROUNDS (3) rounds of (full, bare) are interleaved so both sides see the same machine, and the
 * medians are reported.
 *
 *   BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/test npx tsx bench/wecom-ingest.ts
 *
 * Processes: this one runs the servers (the real one as src/compose.ts wires it for src/main.ts, with the
 * production pool size, and the bare handler); the load generator runs in a child process (the same client code
 * for both sides, so neither server pays for generating load in its own event loop), and so does the fake WeCom
 * API the dispatcher sends to (in production that is a remote service). All share the same two cores.
 *
 * Works in a throw-away database created next to the given one (dropped at the end). Writes
 * bench/results/wecom-ingest-<date>.json (not with BENCH_NO_WRITE=1). BENCH_NO_OUTBOX=1 leaves the
 * dispatcher off; BENCH_SIDES=full or bare runs one side only (for profiling:
 * `node --import tsx --cpu-prof bench/wecom-ingest.ts`); BENCH_POOL sets the database pool size.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { encrypt, getSignature } from '@wecom/crypto';
import { parseEnvelopeXml, parseMessageXml } from '../adapters/wecom/callback-xml.js';
import { openCallback } from '../adapters/wecom/crypto.js';
import { composeServer } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { openDb } from '../src/db/client.js';
import { migrate, rows } from '../src/db/migrate.js';
import { seedDemo } from '../src/demo.js';
import { systemClock } from '../src/domain/clock.js';
import { demoOrgRows } from '../src/domain/org/demo-org.js';
import { readRawBody } from '../src/http/read-body.js';
import { createLogger } from '../src/log.js';
import { FakeWecomApi } from '../test/fakes/wecom-api.js';
import { WECOM_TEST } from '../test/support/wecom-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SIDES = (process.env.BENCH_SIDES ?? 'full,bare').split(',');
/** Rounds of (full, bare), interleaved so that both sides see the same machine; the figures are the medians. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const users = demoOrgRows().map((r) => r.values['企业微信账号'] ?? '').filter(Boolean);

interface SideResult {
  requests: number; errors: number; seconds: number; rps: number; p50Ms: number; p99Ms: number; maxMs: number;
  /** CPU time per answered request in the measured window: the server process, its PostgreSQL backends, the load generator. */
  cpuMsPerRequest?: { server: number; postgres: number; loadGenerator: number };
}
interface LoadJob { url: string; offset: number; seconds: number; warmupSeconds: number; concurrency: number }

// ---------------------------------------------------------------------------------------------------------
// Child process roles

/** One request body: a fresh MsgId each, so every request is a new event (no dedupe short cut). */
function callback(i: number): { path: string; body: string } {
  const msgId = String(7_300_000_000_000_000_000n + BigInt(i));
  const from = users[i % users.length]!;
  const xml = `<xml><ToUserName><![CDATA[${WECOM_TEST.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1795000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
  const enc = encrypt(WECOM_TEST.encodingAesKey, xml, WECOM_TEST.corpId, randomBytes(16));
  const ts = '1795000000';
  const nonce = `n${i}`;
  const sig = getSignature(WECOM_TEST.token, ts, nonce, enc);
  return {
    path: `/wecom/callback?msg_signature=${sig}&timestamp=${ts}&nonce=${nonce}`,
    body: `<xml><ToUserName><![CDATA[${WECOM_TEST.corpId}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
  };
}

/**
 * The load generator (child process): `concurrency` workers on keep-alive connections post callbacks for
 * `warmupSeconds` (not counted) and then `seconds`; latencies of the 200s are collected.
 */
async function load(job: LoadJob, onMeasuring: () => void): Promise<SideResult & { loadCpuMs: number }> {
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const post = (c: { path: string; body: string }): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: c.path, method: 'POST', agent, headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(c.body) } },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(c.body);
    });
  const latencies: number[] = [];
  let errors = 0;
  let next = job.offset;
  const start = performance.now() + job.warmupSeconds * 1000;
  const end = start + job.seconds * 1000;
  let cpuAtStart = process.cpuUsage();
  setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    onMeasuring();
  }, job.warmupSeconds * 1000);
  const worker = async () => {
    while (performance.now() < end) {
      const c = callback(next++);
      const t0 = performance.now();
      let status = 0;
      try {
        status = await post(c);
      } catch {
        status = 0;
      }
      if (t0 < start) continue; // warm-up
      if (status === 200) latencies.push(performance.now() - t0);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) * 10) / 10;
  return {
    requests: latencies.length, errors, seconds: Math.round(seconds * 10) / 10, rps: Math.round(latencies.length / seconds), p50Ms: q(0.5), p99Ms: q(0.99), maxMs: q(1),
    loadCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function childMain(role: string): Promise<void> {
  if (role === 'load') {
    process.once('message', (job: LoadJob) => {
      load(job, () => process.send!({ measuring: true })).then(
        (result) => process.send!({ result }, () => process.exit(0)),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
    process.send!({ ready: true });
    return;
  }
  if (role === 'fake-api') {
    const fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(users)).start();
    process.once('message', () => {
      void fake.stop().then(() => process.send!({ sent: fake.sent.length }, () => process.exit(0)));
    });
    process.send!({ url: fake.url });
    return;
  }
  throw new Error(`unknown role ${role}`);
}

const self = fileURLToPath(import.meta.url);

function spawnChild(role: string): { child: ChildProcess; next<T>(): Promise<T> } {
  const child = fork(self, [role], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  child.on('message', (m) => (waiting.length ? waiting.shift()!(m) : queue.push(m)));
  return {
    child,
    next<T>() {
      return new Promise<T>((resolve, reject) => {
        if (queue.length) return resolve(queue.shift() as T);
        const onExit = (code: number | null) => reject(new Error(`${role} child exited with ${code}`));
        child.once('exit', onExit);
        waiting.push((m) => {
          child.off('exit', onExit);
          resolve(m as T);
        });
      });
    },
  };
}

/** CPU seconds (user + system) of the given processes so far, from /proc (Linux); 0 for any that is gone. */
function procCpuSeconds(pids: number[]): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // gone or not Linux
    }
  }
  return total;
}

/**
 * Runs one side's load in a fresh child process and measures the CPU spent per answered request during the
 * measured window: this process (the server), the PostgreSQL backends serving the bench database, the generator.
 */
async function runLoad(url: string, offset: number, backends: () => Promise<number[]>): Promise<SideResult> {
  const gen = spawnChild('load');
  await gen.next<{ ready: true }>();
  gen.child.send({ url, offset, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, concurrency: CONCURRENCY } satisfies LoadJob);
  await gen.next<{ measuring: true }>();
  const pids = await backends();
  const cpu0 = process.cpuUsage();
  const pg0 = procCpuSeconds(pids);
  const { loadCpuMs, ...result } = (await gen.next<{ result: SideResult & { loadCpuMs: number } }>()).result;
  const cpu = process.cpuUsage(cpu0);
  const pg = procCpuSeconds(pids) - pg0;
  const per = (ms: number) => (result.requests > 0 ? Math.round((ms / result.requests) * 1000) / 1000 : 0);
  return { ...result, cpuMsPerRequest: { server: per((cpu.user + cpu.system) / 1000), postgres: per(pg * 1000), loadGenerator: per(loadCpuMs) } };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// ---------------------------------------------------------------------------------------------------------
// The servers (parent process)

async function listen(app: Koa): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

async function main(): Promise<void> {
  const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!baseUrl) throw new Error('set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server; a throw-away database is created next to it');
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb: () => void) => cb() }) });
  const name = `dj_bench_wecom_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${name}`;
  // The pool size src/main.ts uses (openDb's default), unless BENCH_POOL says otherwise.
  const database = await openDb({ databaseUrl: dbUrl.toString(), ...(process.env.BENCH_POOL ? { maxConnections: Number(process.env.BENCH_POOL) } : {}) });
  const fakeApi = spawnChild('fake-api');
  try {
    const fakeUrl = (await fakeApi.next<{ url: string }>()).url;
    await migrate(database);
    const version = rows<{ v: string }>(await database.db.execute(sql`select current_setting('server_version') as v`))[0]?.v ?? '?';
    const config = loadConfig({
      DATABASE_URL: dbUrl.toString(), APP_SECRET: 'bench-secret-'.padEnd(40, 'x'), SANDBOX: 'off',
      WECOM_CORP_ID: WECOM_TEST.corpId, WECOM_AGENT_ID: WECOM_TEST.agentId, WECOM_SECRET: WECOM_TEST.secret,
      WECOM_TOKEN: WECOM_TEST.token, WECOM_ENCODING_AES_KEY: WECOM_TEST.encodingAesKey, WECOM_API_BASE_URL: fakeUrl,
    });
    await seedDemo(database, systemClock, config.timezone);
    // Enough calls per second for the outbox to keep up; the per-member limit defers the rest (not measured here).
    const composed = composeServer({ config, database, clock: systemClock, logger, wecom: { callsPerSecond: 5000 } });
    if (!process.env.BENCH_NO_OUTBOX) await composed.start();
    const full = await listen(composed.app);

    const bare = new Koa();
    const keys = { token: WECOM_TEST.token, encodingAesKey: WECOM_TEST.encodingAesKey, receiveId: WECOM_TEST.corpId };
    bare.use(async (ctx) => {
      const q = ctx.query as Record<string, string>;
      const env = parseEnvelopeXml((await readRawBody(ctx, 64 * 1024)).toString('utf8'));
      parseMessageXml(openCallback(keys, { signature: q.msg_signature!, timestamp: q.timestamp!, nonce: q.nonce!, encrypted: env.encrypt }));
      ctx.status = 200;
      ctx.body = '';
    });
    const bareServer = await listen(bare);

    const load0 = os.loadavg()[0]!;
    console.log(
      `WeCom ingest, ${CONCURRENCY} concurrent, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per side, ${ROUNDS} round(s), PostgreSQL ${version}, ` +
        `${os.cpus().length} CPUs, load generator in a child process, load average ${load0.toFixed(2)}`,
    );
    const empty: SideResult = { requests: 0, errors: 0, seconds: 0, rps: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
    // The backends of the bench database (the pool opens them as the load starts, so ask once it runs).
    const backends = async () =>
      rows<{ pid: number }>(await database.db.execute(sql`select pid from pg_stat_activity where datname = current_database()`)).map((r) => Number(r.pid));
    const rounds: { server: SideResult; verifyOnly: SideResult; ratio: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const server = SIDES.includes('full') ? await runLoad(full.url, r * 10_000_000, backends) : empty;
      console.log(`round ${r + 1} full server   `, server);
      // Let the dispatcher finish what the full side left before the bare side is measured.
      if (SIDES.includes('full') && SIDES.includes('bare')) await new Promise((res) => setTimeout(res, 2000));
      const verifyOnly = SIDES.includes('bare') ? await runLoad(bareServer.url, 1_000_000_000 + r * 10_000_000, async () => []) : empty;
      console.log(`round ${r + 1} verify+decrypt`, verifyOnly);
      const ratio = verifyOnly.rps > 0 ? Math.round((server.rps / verifyOnly.rps) * 1000) / 1000 : 0;
      console.log(`round ${r + 1} full/bare requests/s ratio: ${ratio}`);
      rounds.push({ server, verifyOnly, ratio });
    }
    const stored = Number(rows<{ n: string }>(await database.db.execute(sql`select count(*) as n from inbox_events`))[0]?.n);
    const notDone = Number(rows<{ n: string }>(await database.db.execute(sql`select count(*) as n from inbox_events where status <> 'done'`))[0]?.n);
    const replies = Number(rows<{ n: string }>(await database.db.execute(sql`select count(*) as n from outbox`))[0]?.n);
    const med = (side: 'server' | 'verifyOnly') => ({
      rps: median(rounds.map((x) => x[side].rps)),
      p50Ms: median(rounds.map((x) => x[side].p50Ms)),
      p99Ms: median(rounds.map((x) => x[side].p99Ms)),
      cpuMsPerRequest: {
        server: median(rounds.map((x) => x[side].cpuMsPerRequest?.server ?? 0)),
        postgres: median(rounds.map((x) => x[side].cpuMsPerRequest?.postgres ?? 0)),
        loadGenerator: median(rounds.map((x) => x[side].cpuMsPerRequest?.loadGenerator ?? 0)),
      },
    });
    const summary = { server: med('server'), verifyOnly: med('verifyOnly'), ratio: median(rounds.map((x) => x.ratio)) };
    console.log('median full server   ', summary.server);
    console.log('median verify+decrypt', summary.verifyOnly);
    console.log(`median full/bare requests/s ratio: ${summary.ratio}; inbox events stored: ${stored} (not done: ${notDone}); outbox rows: ${replies}`);
    await close(full.server);
    await close(bareServer.server);
    await composed.stop();
    if (SIDES.length === 2 && !process.env.BENCH_NO_OUTBOX && !process.env.BENCH_NO_WRITE) {
      const result = {
        date: new Date().toISOString(), database: `PostgreSQL ${version}`, cpus: os.cpus().length, node: process.version,
        concurrency: CONCURRENCY, secondsPerSide: SECONDS, warmupSeconds: WARMUP_SECONDS, rounds: ROUNDS,
        loadGenerator: 'child process, node:http keep-alive',
        loadAverageAtStart: Math.round(load0 * 100) / 100,
        ...summary, inboxEventsStored: stored, inboxEventsNotDone: notDone, outboxRows: replies, perRound: rounds,
      };
      mkdirSync('bench/results', { recursive: true });
      const file = `bench/results/wecom-ingest-${result.date.slice(0, 10)}.json`;
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`written to ${file}`);
    }
  } finally {
    fakeApi.child.send({ stop: true });
    await fakeApi.next<{ sent: number }>().catch(() => undefined);
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

const role = process.argv[2];
(role ? childMain(role) : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
