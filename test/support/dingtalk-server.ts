import type { DingtalkAdapter, DingtalkAdapterDeps } from '../../adapters/dingtalk/index.js';
import { composeServer } from '../../src/compose.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { AppDeps } from '../../src/http/deps.js';
import type { JobDeps } from '../../src/jobs/job.js';
import { createLogger } from '../../src/log.js';
import type { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { FakeDingtalkApi } from '../fakes/dingtalk-api.js';
import { FakeDingtalkGateway } from '../fakes/dingtalk-gateway.js';
import { LogCapture, TEST_APP_SECRET } from './app.js';
import { delayed, listenOnLoopback } from './listen.js';
export const DT_CLIENT_ID = 'dingtestclientid';
export const DT_CLIENT_SECRET = 'dt-test-client-secret-0123456789';
export const DT_TEMPLATE_ID = '2c278d79-fc0b-41b4-b14e-8b8089dc08e8.schema';

export interface RunningDingtalkServer {
  url: string;
  deps: AppDeps;
  jobDeps: JobDeps;
  clock: ManualClock;
  logs: LogCapture;
  adapter: DingtalkAdapter;
  dispatcher: OutboxDispatcher;
  api: FakeDingtalkApi;
  gateway: FakeDingtalkGateway;
  /** Stops the server, the adapter (stream) and the background, then the fakes. Leaves the database open. */
  stop(): Promise<void>;
}

/**
 * The real server with the DingTalk adapter, wired by src/compose.ts exactly as src/main.ts wires it: the conversation handler behind the
 * inbox, the adapter's Platform behind the outbox dispatcher, its stream feeding the inbox, its readiness in
 * /readyz. DingTalk is reached only through DINGTALK_API_BASE_URL / DINGTALK_OAPI_BASE_URL / DINGTALK_GATEWAY_URL,
 * pointed at fresh fakes on 127.0.0.1:0. Sandbox off, so the person's only platform is DingTalk.
 */
export async function startDingtalkServer(database: Database, opts: {
  template?: boolean;
  env?: Record<string, string>;
  tuning?: DingtalkAdapterDeps['tuning'];
  gateway?: ConstructorParameters<typeof FakeDingtalkGateway>[0] extends infer G ? Partial<G> : never;
  waitForStream?: boolean;
  /** Delays every handling this long (a slow database), to drive the late-answer paths. */
  handlerDelayMs?: number;
} = {}): Promise<RunningDingtalkServer> {
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const api = await new FakeDingtalkApi({ clientId: DT_CLIENT_ID, clientSecret: DT_CLIENT_SECRET, now: () => clock.now().getTime() }).start();
  const gateway = await new FakeDingtalkGateway({ clientId: DT_CLIENT_ID, clientSecret: DT_CLIENT_SECRET, ...opts.gateway }).start();
  const config: Readonly<Config> = loadConfig({
    DATA_DIR: 'memory://', SANDBOX: 'off', APP_SECRET: TEST_APP_SECRET,
    DINGTALK_CLIENT_ID: DT_CLIENT_ID, DINGTALK_CLIENT_SECRET: DT_CLIENT_SECRET,
    DINGTALK_API_BASE_URL: api.url, DINGTALK_OAPI_BASE_URL: api.url, DINGTALK_GATEWAY_URL: gateway.openUrl,
    ...(opts.template ? { DINGTALK_CARD_TEMPLATE_ID: DT_TEMPLATE_ID } : {}),
    ...opts.env,
  });
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const wrapHandler = delayed(opts.handlerDelayMs);
  const composed = composeServer({
    config, database, clock, logger,
    ...(wrapHandler ? { wrapHandler } : {}),
    ...(opts.tuning ? { dingtalkTuning: opts.tuning } : {}),
  });
  await composed.start();
  const adapter = composed.dingtalk!;
  const server = await listenOnLoopback(composed.app);
  if (opts.waitForStream !== false) await adapter.stream.waitUntilOpen(10_000);
  let stopped = false;
  return {
    url: server.url,
    deps: composed.deps, jobDeps: composed.jobDeps, clock, logs, adapter, dispatcher: composed.dispatcher!, api, gateway,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await composed.stop();
      await gateway.stop();
      await api.stop();
    },
  };
}
