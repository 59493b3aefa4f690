import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createSandboxPlatform } from '../../adapters/sandbox/platform.js';
import { sandboxRoutes } from '../../adapters/sandbox/routes.js';
import { startBackground } from '../../src/background.js';
import { loadConfig, type Config } from '../../src/config.js';
import { conversationHandler } from '../../src/conversation.js';
import type { Database } from '../../src/db/client.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import type { InboxDeps } from '../../src/inbox/handle-inbound.js';
import { allJobs } from '../../src/jobs/all-jobs.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { appSecretOf, buildJobDeps } from '../../src/runtime.js';
import { LogCapture, TEST_APP_SECRET } from './app.js';

export interface RunningSandboxServer {
  url: string;
  deps: AppDeps;
  clock: ManualClock;
  logs: LogCapture;
  /** Stops taking requests, then the background (outbox dispatcher, inbox retry, jobs). Leaves the database open. */
  stop(): Promise<void>;
}

/**
 * The real server with the sandbox messenger, wired as src/main.ts wires it: the conversation handler behind
 * the inbox, the sandbox platform behind the outbox dispatcher, the sandbox routes in the app, all jobs. On
 * 127.0.0.1 port 0 over the given (migrated) database. Demo mode unless `env` configures a platform, so the
 * sandbox API needs no token. APP_SECRET is given: demo mode would otherwise write one into DATA_DIR.
 */
export async function startSandboxServer(database: Database, env: Record<string, string> = {}): Promise<RunningSandboxServer> {
  const config: Readonly<Config> = loadConfig({ DATA_DIR: 'memory://', SANDBOX: 'on', APP_SECRET: TEST_APP_SECRET, ...env });
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const jobDeps = buildJobDeps(config, database, clock, logger);
  const { calendar, links } = jobDeps;
  const inbox: InboxDeps = { database, clock, logger: logger.child({ part: 'inbox' }), handler: conversationHandler({ links, timezone: config.timezone, clock }) };
  const background = await startBackground({
    database,
    clock,
    logger,
    inbox,
    platforms: [createSandboxPlatform({ database, clock })],
    jobs: allJobs(config),
    jobDeps,
  });
  const deps: AppDeps = {
    config,
    database,
    logger,
    clock,
    calendar,
    metrics: createMetrics(),
    routers: [sandboxRoutes({ database, clock, inbox, requireAdminToken: !config.demoMode })],
    links,
    appSecret: appSecretOf(config),
  };
  const server: Server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    clock,
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      // The browser may still hold keep-alive connections; close() alone would wait for them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await background.stop();
    },
  };
}
