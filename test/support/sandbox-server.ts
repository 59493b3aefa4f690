import { composeServer } from '../../src/compose.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { AppDeps } from '../../src/http/deps.js';
import { createLogger } from '../../src/log.js';
import { LogCapture, TEST_APP_SECRET } from './app.js';
import { listenOnLoopback } from './listen.js';
export interface RunningSandboxServer {
  url: string;
  deps: AppDeps;
  clock: ManualClock;
  logs: LogCapture;
  /** Stops taking requests, then the background (outbox dispatcher, inbox retry, jobs). Leaves the database open. */
  stop(): Promise<void>;
}

/**
 * The real server with the sandbox messenger, wired by src/compose.ts exactly as src/main.ts wires it: the conversation handler behind
 * the inbox, the sandbox platform behind the outbox dispatcher, the sandbox routes in the app, all jobs. On
 * 127.0.0.1 port 0 over the given (migrated) database. Demo mode unless `env` configures a platform, so the
 * sandbox API needs no token. APP_SECRET is given: demo mode would otherwise write one into DATA_DIR.
 */
export async function startSandboxServer(database: Database, env: Record<string, string> = {}): Promise<RunningSandboxServer> {
  const config: Readonly<Config> = loadConfig({ DATA_DIR: 'memory://', SANDBOX: 'on', APP_SECRET: TEST_APP_SECRET, ...env });
  const logs = new LogCapture();
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const composed = composeServer({ config, database, clock, logger: createLogger({ level: 'debug', destination: logs }) });
  await composed.start();
  const server = await listenOnLoopback(composed.app);
  let stopped = false;
  return {
    url: server.url,
    deps: composed.deps,
    clock,
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await composed.stop();
    },
  };
}
