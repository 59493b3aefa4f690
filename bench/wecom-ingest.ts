/**
 * WeCom callback ingest benchmark: signed + encrypted text callbacks ("帮助" from the demo members) at concurrency
 * 64 against the real server (verify → decrypt → parse → inbox insert → conversation → outbox row, one
 * transaction per event) on real PostgreSQL; then, in the same run, a bare Koa handler that only verifies and
 * decrypts. Prints requests/s, p50/p99 latency and the ratio; each side runs for BENCH_SECONDS (15 s).
 *
 *   BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/test npx tsx bench/wecom-ingest.ts
 *
 * Works in a throw-away database created next to the given one (dropped at the end). The WeCom API is the test
 * fake, so the help cards the outbox sends go nowhere real. Writes bench/results/wecom-ingest-<date>.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import Koa from 'koa';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { encrypt, getSignature } from '@wecom/crypto';
import { parseEnvelopeXml, parseMessageXml } from '../adapters/wecom/callback-xml.js';
import { openCallback } from '../adapters/wecom/crypto.js';
import { createWecomAdapter } from '../adapters/wecom/index.js';
import { startBackground } from '../src/background.js';
import { loadConfig } from '../src/config.js';
import { conversationHandler } from '../src/conversation.js';
import { openDb } from '../src/db/client.js';
import { migrate, rows } from '../src/db/migrate.js';
import { seedDemo } from '../src/demo.js';
import { systemClock } from '../src/domain/clock.js';
import { demoOrgRows } from '../src/domain/org/demo-org.js';
import { createApp } from '../src/http/app.js';
import { readRawBody } from '../src/http/read-body.js';
import { allJobs } from '../src/jobs/all-jobs.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { appSecretOf, buildJobDeps } from '../src/runtime.js';
import { FakeWecomApi } from '../test/fakes/wecom-api.js';
import { WECOM_TEST } from '../test/support/wecom-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!baseUrl) throw new Error('set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server; a throw-away database is created next to it');
const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb: () => void) => cb() }) });
const users = demoOrgRows().map((r) => r.values['企业微信账号'] ?? '').filter(Boolean);

/** One request body: a fresh MsgId each, so every request is a new event (no dedupe short cut). */
function callback(i: number): { query: string; body: string } {
  const msgId = String(7_300_000_000_000_000_000n + BigInt(i));
  const from = users[i % users.length]!;
  const xml = `<xml><ToUserName><![CDATA[${WECOM_TEST.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1795000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
  const enc = encrypt(WECOM_TEST.encodingAesKey, xml, WECOM_TEST.corpId, randomBytes(16));
  const ts = '1795000000';
  const nonce = `n${i}`;
  const sig = getSignature(WECOM_TEST.token, ts, nonce, enc);
  return {
    query: `msg_signature=${sig}&timestamp=${ts}&nonce=${nonce}`,
    body: `<xml><ToUserName><![CDATA[${WECOM_TEST.corpId}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
  };
}

interface SideResult { requests: number; errors: number; seconds: number; rps: number; p50Ms: number; p99Ms: number; maxMs: number }

/** `CONCURRENCY` workers post callbacks for `SECONDS`; latencies of the 200s are collected. */
async function load(url: string, offset: number): Promise<SideResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = offset;
  const end = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const c = callback(next++);
      const t0 = performance.now();
      try {
        const res = await fetch(`${url}/wecom/callback?${c.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: c.body });
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(performance.now() - t0);
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) * 10) / 10;
  return { requests: latencies.length, errors, seconds: Math.round(seconds * 10) / 10, rps: Math.round(latencies.length / seconds), p50Ms: q(0.5), p99Ms: q(0.99), maxMs: q(1) };
}

async function listen(app: Koa): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function main(): Promise<void> {
  const name = `dj_bench_wecom_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(baseUrl!, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  const dbUrl = new URL(baseUrl!);
  dbUrl.pathname = `/${name}`;
  const database = await openDb({ databaseUrl: dbUrl.toString(), maxConnections: 20 });
  const fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(users)).start();
  try {
    await migrate(database);
    const version = rows<{ v: string }>(await database.db.execute(sql`select current_setting('server_version') as v`))[0]?.v ?? '?';
    const config = loadConfig({
      DATABASE_URL: dbUrl.toString(), APP_SECRET: 'bench-secret-'.padEnd(40, 'x'), SANDBOX: 'off',
      WECOM_CORP_ID: WECOM_TEST.corpId, WECOM_AGENT_ID: WECOM_TEST.agentId, WECOM_SECRET: WECOM_TEST.secret,
      WECOM_TOKEN: WECOM_TEST.token, WECOM_ENCODING_AES_KEY: WECOM_TEST.encodingAesKey, WECOM_API_BASE_URL: fake.url,
    });
    const clock = systemClock;
    await seedDemo(database, clock, config.timezone);
    const jobDeps = buildJobDeps(config, database, clock, logger);
    const inbox = { database, clock, logger, handler: conversationHandler({ links: jobDeps.links, timezone: config.timezone, clock }) };
    // Enough calls per second for the outbox to keep up; the per-member limit defers the rest (not measured here).
    const adapter = createWecomAdapter({ config: config.wecom!, database, clock, logger, inbox }, { callsPerSecond: 5000 });
    // BENCH_NO_OUTBOX=1 leaves the dispatcher off, to see what the ingest alone costs.
    const background = await startBackground({ database, clock, logger, inbox, platforms: process.env.BENCH_NO_OUTBOX ? [] : [adapter.platform], jobs: allJobs(config), jobDeps });
    const full = await listen(createApp({ config, database, logger, clock, calendar: jobDeps.calendar, metrics: createMetrics(), routers: adapter.routers, links: jobDeps.links, appSecret: appSecretOf(config) }));

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

    console.log(`WeCom ingest, ${CONCURRENCY} concurrent, ${SECONDS} s per side, ${version}, ${os.cpus().length} CPUs`);
    const server = await load(full.url, 0);
    console.log('full server   ', server);
    const verifyOnly = await load(bareServer.url, 10_000_000);
    console.log('verify+decrypt', verifyOnly);
    const stored = Number(rows<{ n: string }>(await database.db.execute(sql`select count(*) as n from inbox_events`))[0]?.n);
    const ratio = Math.round((server.rps / verifyOnly.rps) * 1000) / 1000;
    console.log(`full/bare requests/s ratio: ${ratio}; inbox events stored: ${stored}`);
    const result = {
      date: new Date().toISOString(), database: `PostgreSQL ${version}`, cpus: os.cpus().length, node: process.version,
      concurrency: CONCURRENCY, secondsPerSide: SECONDS, server, verifyOnly, ratio, inboxEventsStored: stored,
    };
    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/wecom-ingest-${result.date.slice(0, 10)}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${file}`);

    full.server.closeAllConnections();
    bareServer.server.closeAllConnections();
    await new Promise<void>((r) => full.server.close(() => r()));
    await new Promise<void>((r) => bareServer.server.close(() => r()));
    await background.stop();
  } finally {
    await fake.stop();
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
