import { ensureDemoSecret } from './app-secret.js';
import { enabledPlatforms, type Config } from './config.js';
import type { Database } from './db/client.js';
import { calendarOverrideStore } from './db/repositories/calendar.js';
import { createCalendar } from './domain/calendar.js';
import type { Clock } from './domain/clock.js';
import { cjkFont } from './charts/font.js';
import { linkSigner } from './h5/link-signer.js';
import type { JobDeps } from './jobs/job.js';
import type { Logger } from './log.js';

/** The secret that signs H5 links: APP_SECRET, or in demo mode the one generated into DATA_DIR. */
export function appSecretOf(config: Readonly<Config>): string {
  return config.appSecret ?? ensureDemoSecret(config.dataDir).secret;
}

/** What scheduled jobs need; built the same way by the server and by `run-job`. */
export function buildJobDeps(config: Readonly<Config>, database: Database, clock: Clock, logger: Logger): JobDeps {
  return {
    database,
    clock,
    calendar: createCalendar(config.timezone, calendarOverrideStore(database.db)),
    logger,
    publicBaseUrl: config.publicBaseUrl,
    timezone: config.timezone,
    links: linkSigner({ secret: appSecretOf(config), publicBaseUrl: config.publicBaseUrl, clock, chartImages: chartImagesAvailable(config) }),
    platforms: enabledPlatforms(config),
    topicPushTime: config.topicPushTime,
  };
}

/** Chart images on cards only where a CJK font can draw their labels (CHART_FONT_PATH or the system's). */
export function chartImagesAvailable(config: Readonly<Config>): boolean {
  return cjkFont({ fontPath: config.chartFontPath ?? null }) !== null;
}
