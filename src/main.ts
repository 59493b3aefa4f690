import type { Server } from 'node:http';
import type Router from '@koa/router';
import { createSandboxPlatform } from '../adapters/sandbox/platform.js';
import { sandboxRoutes } from '../adapters/sandbox/routes.js';
import { createWecomAdapter } from '../adapters/wecom/index.js';
import { createDingtalkAdapter } from '../adapters/dingtalk/index.js';
import type { ReadinessCheck } from './http/deps.js';
import { startBackground } from './background.js';
import { conversationHandler } from './conversation.js';
import type { Platform } from './domain/messaging/platform.js';
import { allJobs } from './jobs/all-jobs.js';
import { pushTopic } from './jobs/monthly-topic-push.js';
import { appSecretOf, buildJobDeps } from './runtime.js';
import { loadConfig } from './config.js';
import { openDb } from './db/client.js';
import { migrate } from './db/migrate.js';
import { systemClock } from './domain/clock.js';
import { seedDemoIfEmpty } from './demo.js';
import { loadDotEnv } from './env-file.js';
import { ConfigError } from './errors.js';
import { createApp } from './http/app.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';

/** Composition root: config → database → migrate → app → listen. Only this file knows concrete adapters. */
async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger({ level: config.logLevel });
  const clock = systemClock;

  const database = await openDb({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), dataDir: config.dataDir });
  let shuttingDown = false;
  // Filled in once listening; the shutdown handler is registered earlier so a signal during boot is handled.
  const running: { server?: Server; stopBackground?: () => Promise<void> } = {};
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    // Stop taking requests, let in-flight ones finish (bounded), then close the database cleanly.
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish within 10 s; closing anyway');
      running.server?.closeAllConnections();
    }, 10_000);
    force.unref();
    await new Promise<void>((resolve) => (running.server ? running.server.close(() => resolve()) : resolve()));
    clearTimeout(force);
    await running.stopBackground?.();
    await database.close();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await migrate(database); // a failing migration stops the boot (the error propagates to the catch below)
  logger.info({ database: database.kind }, 'database migrated');

  const jobDeps = buildJobDeps(config, database, clock, logger);
  const { calendar, links } = jobDeps;
  const inbox = { database, clock, logger: logger.child({ part: 'inbox' }), handler: conversationHandler({ links, timezone: config.timezone, clock }) };
  const platforms: Platform[] = [];
  const routers: Router[] = [];
  const stops: (() => Promise<void>)[] = [];
  if (config.wecom) {
    const wecom = createWecomAdapter({ config: config.wecom, database, clock, logger, inbox });
    platforms.push(wecom.platform);
    routers.push(...wecom.routers);
    stops.push(() => wecom.stop());
  }
  const readiness: ReadinessCheck[] = [];
  const starts: (() => Promise<void>)[] = [];
  if (config.dingtalk) {
    const dingtalk = createDingtalkAdapter({ config: config.dingtalk, database, clock, logger, inbox });
    platforms.push(dingtalk.platform);
    readiness.push(dingtalk.readiness);
    starts.push(() => dingtalk.start());
    // Stopped before the dispatcher and the database, so no callback arrives on a closing pool.
    stops.unshift(() => dingtalk.stop());
  }
  if (config.sandbox) {
    platforms.push(createSandboxPlatform({ database, clock }));
    routers.push(sandboxRoutes({ database, clock, inbox, requireAdminToken: !config.demoMode }));
  }
  if (config.demoMode) {
    const month = await seedDemoIfEmpty(database, clock, config.timezone);
    if (month) {
      // The demo shows the month's topic at once rather than waiting for the first working day.
      const pushed = await pushTopic(jobDeps, month, clock.now());
      logger.info({ month, pushed }, 'demo organisation seeded and this month\'s topic pushed');
    }
  }
  const background = await startBackground({ database, clock, logger, inbox, platforms, jobs: allJobs(config), jobDeps });
  for (const start of starts) await start(); // returns at once; the stream connects in the background
  running.stopBackground = async () => {
    for (const stop of stops) await stop();
    await background.stop();
  };
  const app = createApp({ config, database, logger, clock, calendar, metrics: createMetrics(), routers, links, appSecret: appSecretOf(config), readiness });
  const server = app.listen(config.port);
  running.server = server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, publicBaseUrl: config.publicBaseUrl, demoMode: config.demoMode, sandbox: config.sandbox }, 'listening');
  const mode = config.demoMode ? '演示模式（嵌入式数据库 + 沙箱消息）' : '生产模式';
  const url = config.port === 0 ? `http://localhost:${port}` : config.publicBaseUrl;
  process.stdout.write(`\n党建助手已启动，${mode}：${url}/\n\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`启动失败：${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
