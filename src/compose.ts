import type Router from '@koa/router';
import type Koa from 'koa';
import { createDingtalkAdapter, type DingtalkAdapter, type DingtalkAdapterDeps } from '../adapters/dingtalk/index.js';
import { createSandboxPlatform } from '../adapters/sandbox/platform.js';
import { sandboxRoutes } from '../adapters/sandbox/routes.js';
import { createWecomAdapter, type WecomAdapter } from '../adapters/wecom/index.js';
import { startBackground } from './background.js';
import type { Config } from './config.js';
import { conversationHandler } from './conversation.js';
import type { Database } from './db/client.js';
import type { Clock } from './domain/clock.js';
import type { Platform } from './domain/messaging/platform.js';
import { createApp } from './http/app.js';
import type { AppDeps, ReadinessCheck } from './http/deps.js';
import type { EventHandler, InboxDeps } from './inbox/handle-inbound.js';
import { allJobs } from './jobs/all-jobs.js';
import type { JobDeps } from './jobs/job.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics.js';
import type { OutboxDispatcher } from './outbox/dispatcher.js';
import { appSecretOf, buildJobDeps } from './runtime.js';

export interface ComposeOptions {
  config: Readonly<Config>;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** Tests wrap the real handler, e.g. to simulate a slow database. */
  wrapHandler?: (handler: EventHandler) => EventHandler;
  wecom?: { callsPerSecond?: number; softDeadlineMs?: number };
  dingtalkTuning?: DingtalkAdapterDeps['tuning'];
}

export interface ComposedServer {
  app: Koa;
  deps: AppDeps;
  jobDeps: JobDeps;
  inbox: InboxDeps;
  wecom?: WecomAdapter;
  dingtalk?: DingtalkAdapter;
  /** Present once start() has run. */
  dispatcher?: OutboxDispatcher;
  /** Starts the dispatcher, the inbox retry loop, the jobs and the DingTalk stream. */
  start(): Promise<void>;
  /** Stops the platforms first (no callback on a closing pool), then the background. Leaves the database open. */
  stop(): Promise<void>;
}

/**
 * The composition root's wiring, used by `src/main.ts` and by the tests' full servers, so what the tests run is
 * what production runs: the conversation behind the inbox, each configured platform behind the outbox and in
 * the app's routes and readiness, every job.
 */
export function composeServer(opts: ComposeOptions): ComposedServer {
  const { config, database, clock, logger } = opts;
  const jobDeps = buildJobDeps(config, database, clock, logger);
  const { calendar, links } = jobDeps;
  const handler = conversationHandler({ links, timezone: config.timezone, clock });
  const inbox: InboxDeps = { database, clock, logger: logger.child({ part: 'inbox' }), handler: opts.wrapHandler ? opts.wrapHandler(handler) : handler };
  const platforms: Platform[] = [];
  const routers: Router[] = [];
  const readiness: ReadinessCheck[] = [];
  const wecom = config.wecom ? createWecomAdapter({ config: config.wecom, database, clock, logger, inbox }, opts.wecom ?? {}) : undefined;
  if (wecom) {
    platforms.push(wecom.platform);
    routers.push(...wecom.routers);
  }
  const dingtalk = config.dingtalk
    ? createDingtalkAdapter({ config: config.dingtalk, database, clock, logger, inbox, ...(opts.dingtalkTuning ? { tuning: opts.dingtalkTuning } : {}) })
    : undefined;
  if (dingtalk) {
    platforms.push(dingtalk.platform);
    readiness.push(dingtalk.readiness);
  }
  if (config.sandbox) {
    platforms.push(createSandboxPlatform({ database, clock }));
    routers.push(sandboxRoutes({ database, clock, inbox, requireAdminToken: !config.demoMode }));
  }
  const deps: AppDeps = { config, database, logger, clock, calendar, metrics: createMetrics(), routers, links, appSecret: appSecretOf(config), readiness };
  let background: Awaited<ReturnType<typeof startBackground>> | undefined;
  const composed: ComposedServer = {
    app: createApp(deps),
    deps,
    jobDeps,
    inbox,
    ...(wecom ? { wecom } : {}),
    ...(dingtalk ? { dingtalk } : {}),
    async start() {
      background = await startBackground({ database, clock, logger, inbox, platforms, jobs: allJobs(config), jobDeps });
      composed.dispatcher = background.dispatcher;
      await dingtalk?.start(); // returns at once; the stream connects in the background
    },
    async stop() {
      await dingtalk?.stop();
      await wecom?.stop();
      await background?.stop();
    },
  };
  return composed;
}
