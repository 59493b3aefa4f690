import type Router from '@koa/router';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Calendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/** Something besides the database that must be up for the instance to take traffic (e.g. the DingTalk stream). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface AppDeps {
  config: Readonly<Config>;
  database: Database;
  logger: Logger;
  clock: Clock;
  calendar: Calendar;
  metrics: Metrics;
  /** Signs the H5 links in cards and verifies them on the pages. */
  links: LinkSigner;
  appSecret: string;
  readiness?: ReadinessCheck[];
  /** Routers of the configured adapters (platform callbacks, the sandbox); main.ts decides which. */
  routers?: Router[];
}
