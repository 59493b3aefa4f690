import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createDingtalkAdapter, type DingtalkAdapter, type DingtalkAdapterDeps } from '../../adapters/dingtalk/index.js';
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
import type { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { appSecretOf, buildJobDeps } from '../../src/runtime.js';
import { FakeDingtalkApi } from '../fakes/dingtalk-api.js';
import { FakeDingtalkGateway } from '../fakes/dingtalk-gateway.js';
import { LogCapture, TEST_APP_SECRET } from './app.js';

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
 * The real server with the DingTalk adapter, wired as src/main.ts will wire it: the conversation handler behind the
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
  const jobDeps = buildJobDeps(config, database, clock, logger);
  const { calendar, links } = jobDeps;
  const conversation = conversationHandler({ links, timezone: config.timezone, clock });
  const delay = opts.handlerDelayMs ?? 0;
  const handler: InboxDeps['handler'] = delay > 0
    ? async (tx, event) => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        return conversation(tx, event);
      }
    : conversation;
  const inbox: InboxDeps = { database, clock, logger: logger.child({ part: 'inbox' }), handler };
  const adapter = createDingtalkAdapter({ config: config.dingtalk!, database, clock, logger, inbox, ...(opts.tuning ? { tuning: opts.tuning } : {}) });
  const background = await startBackground({ database, clock, logger, inbox, platforms: [adapter.platform], jobs: allJobs(config), jobDeps });
  const deps: AppDeps = {
    config, database, logger, clock, calendar, metrics: createMetrics(), routers: [], links, appSecret: appSecretOf(config), readiness: [adapter.readiness],
  };
  const server: Server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  await adapter.start();
  if (opts.waitForStream !== false) await adapter.stream.waitUntilOpen(10_000);
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    deps, jobDeps, clock, logs, adapter, dispatcher: background.dispatcher, api, gateway,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await adapter.stop();
      await background.stop();
      await gateway.stop();
      await api.stop();
    },
  };
}
