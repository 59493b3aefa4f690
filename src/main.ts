import type { Server } from 'node:http';
import { composeServer } from './compose.js';
import { loadConfig } from './config.js';
import { openDb } from './db/client.js';
import { migrate } from './db/migrate.js';
import { systemClock } from './domain/clock.js';
import { everyDayAWorkday, seedDemoIfEmpty } from './demo.js';
import { loadDotEnv } from './env-file.js';
import { ConfigError } from './errors.js';
import { pushTopic } from './jobs/monthly-topic-push.js';
import { createLogger } from './log.js';

/** Entry point: config → database → migrate → compose (src/compose.ts, the only place that knows adapters) → demo seed → listen. */
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

  const composed = composeServer({ config, database, clock, logger });
  if (config.demoMode) {
    const month = await seedDemoIfEmpty(database, clock, config.timezone);
    if (month) {
      // The demo shows the month's topic at once rather than waiting for the first working day: its people are
      // fictional, so the rest-day rule of the push policy is waived (quiet hours still hold cards at night).
      const pushed = await pushTopic({ ...composed.jobDeps, calendar: everyDayAWorkday(config.timezone) }, month, clock.now());
      logger.info({ month, pushed }, 'demo organisation seeded and this month\'s topic pushed');
    }
  }
  await composed.start();
  running.stopBackground = () => composed.stop();
  const server = composed.app.listen(config.port);
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
