import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { calendarOverrideStore } from '../../src/db/repositories/calendar.js';
import { createCalendar } from '../../src/domain/calendar.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { linkSigner } from '../../src/h5/link-signer.js';

export const TEST_APP_SECRET = 'test-secret-'.padEnd(40, 'x');

/** Captures every log line the app writes, so tests can assert that secrets never appear. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface RunningApp {
  url: string;
  deps: AppDeps;
  clock: ManualClock;
  logs: LogCapture;
  close(): Promise<void>;
}

/** The real app on 127.0.0.1 port 0 over the given database. */
export async function startTestApp(database: Database, env: Record<string, string> = {}): Promise<RunningApp> {
  const config: Readonly<Config> = loadConfig({ DATA_DIR: 'memory://', ...env });
  const logs = new LogCapture();
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const deps: AppDeps = {
    config,
    database,
    logger: createLogger({ level: 'debug', destination: logs }),
    clock,
    calendar: createCalendar(config.timezone, calendarOverrideStore(database.db)),
    metrics: createMetrics(),
    links: linkSigner({ secret: TEST_APP_SECRET, publicBaseUrl: config.publicBaseUrl, clock }),
    appSecret: TEST_APP_SECRET,
  };
  const server: Server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    clock,
    logs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
