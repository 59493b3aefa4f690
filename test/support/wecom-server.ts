import type { WecomAdapter } from '../../adapters/wecom/index.js';
import { composeServer } from '../../src/compose.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { AppDeps } from '../../src/http/deps.js';
import type { JobDeps } from '../../src/jobs/job.js';
import { createLogger } from '../../src/log.js';
import { LogCapture, TEST_APP_SECRET } from './app.js';
import { delayed, listenOnLoopback } from './listen.js';
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
 * The real server with the WeCom adapter, wired by src/compose.ts exactly as src/main.ts wires it: conversation handler behind the
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
  const wrapHandler = delayed(opts.handlerDelayMs);
  const composed = composeServer({
    config, database, clock, logger,
    ...(wrapHandler ? { wrapHandler } : {}),
    wecom: { callsPerSecond: 2000, ...(opts.softDeadlineMs !== undefined ? { softDeadlineMs: opts.softDeadlineMs } : {}) },
  });
  await composed.start();
  const server = await listenOnLoopback(composed.app);
  let stopped = false;
  return {
    url: server.url, deps: composed.deps, jobDeps: composed.jobDeps, adapter: composed.wecom!, clock, logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await composed.stop();
    },
  };
}
