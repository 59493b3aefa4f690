import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createWecomAdapter, type WecomAdapter } from '../../adapters/wecom/index.js';
import { startBackground } from '../../src/background.js';
import { loadConfig, type Config } from '../../src/config.js';
import { conversationHandler } from '../../src/conversation.js';
import type { Database } from '../../src/db/client.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import type { InboxDeps } from '../../src/inbox/handle-inbound.js';
import { allJobs } from '../../src/jobs/all-jobs.js';
import type { JobDeps } from '../../src/jobs/job.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { appSecretOf, buildJobDeps } from '../../src/runtime.js';
import { LogCapture, TEST_APP_SECRET } from './app.js';

/** Fixed test credentials of the WeCom app and smart bot (43-character EncodingAESKeys, §1). */
export const WECOM_TEST = {
  corpId: 'ww0123456789abcdef',
  agentId: '1000002',
  secret: 'test-app-secret-value',
  token: 'tok3nApp',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  botToken: 'tok3nBot',
  botEncodingAesKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut',
} as const;

export interface RunningWecomServer {
  url: string;
  deps: AppDeps;
  jobDeps: JobDeps;
  adapter: WecomAdapter;
  clock: ManualClock;
  logs: LogCapture;
  stop(): Promise<void>;
}

/**
 * The real server with the WeCom adapter, wired as src/main.ts will wire it: conversation handler behind the
 * inbox, the WeCom platform behind the outbox dispatcher, the callback routes in the app. The WeCom API is
 * whatever WECOM_API_BASE_URL points at (the fake, test/fakes/wecom-api.ts).
 */
export async function startWecomServer(database: Database, apiBaseUrl: string, env: Record<string, string> = {}, opts: { softDeadlineMs?: number; handlerDelayMs?: number } = {}): Promise<RunningWecomServer> {
  const config: Readonly<Config> = loadConfig({
    DATA_DIR: 'memory://', APP_SECRET: TEST_APP_SECRET, SANDBOX: 'off',
    WECOM_CORP_ID: WECOM_TEST.corpId, WECOM_AGENT_ID: WECOM_TEST.agentId, WECOM_SECRET: WECOM_TEST.secret,
    WECOM_TOKEN: WECOM_TEST.token, WECOM_ENCODING_AES_KEY: WECOM_TEST.encodingAesKey,
    WECOM_BOT_TOKEN: WECOM_TEST.botToken, WECOM_BOT_ENCODING_AES_KEY: WECOM_TEST.botEncodingAesKey,
    WECOM_API_BASE_URL: apiBaseUrl,
    ...env,
  });
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const jobDeps = buildJobDeps(config, database, clock, logger);
  const { calendar, links } = jobDeps;
  const conversation = conversationHandler({ links, timezone: config.timezone, clock });
  // A slow handling (the database under load) is simulated at the port, by delaying the real handler.
  const delay = opts.handlerDelayMs ?? 0;
  const handler: InboxDeps['handler'] = delay > 0 ? async (tx, e) => (await new Promise((r) => setTimeout(r, delay)), conversation(tx, e)) : conversation;
  const inbox: InboxDeps = { database, clock, logger: logger.child({ part: 'inbox' }), handler };
  const adapter = createWecomAdapter({ config: config.wecom!, database, clock, logger, inbox }, {
    callsPerSecond: 2000, ...(opts.softDeadlineMs !== undefined ? { softDeadlineMs: opts.softDeadlineMs } : {}),
  });
  const background = await startBackground({ database, clock, logger, inbox, platforms: [adapter.platform], jobs: allJobs(config), jobDeps });
  const deps: AppDeps = {
    config, database, logger, clock, calendar, metrics: createMetrics(), routers: adapter.routers, links, appSecret: appSecretOf(config),
  };
  const server: Server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`, deps, jobDeps, adapter, clock, logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await background.stop();
      await adapter.stop();
    },
  };
}
