import type { Database } from '../db/client.js';
import type { Calendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import type { PlatformId } from '../domain/messaging/types.js';
import type { Logger } from '../log.js';

export interface JobDeps {
  database: Database;
  clock: Clock;
  calendar: Calendar;
  logger: Logger;
  publicBaseUrl: string;
  timezone: string;
  links: LinkSigner;
  /** Enabled messenger platforms in priority order (a person is reached on the first they are on). */
  platforms: PlatformId[];
  /** Local time of the monthly topic push, HH:mm. */
  topicPushTime: string;
}

/** A scheduled job: a cron in the business time zone and a run that must be safe to repeat (outbox keys). */
export interface Job {
  name: string;
  /** node-cron expression (with seconds optional), in APP_TIMEZONE. */
  cron: string;
  description: string;
  /** Skip rest days (法定节假日, weekends that are not 调休 working days). */
  workdaysOnly?: boolean;
  run(deps: JobDeps, now: Date): Promise<unknown>;
}
