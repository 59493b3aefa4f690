import type Router from '@koa/router';
import type { WecomConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Platform } from '../../src/domain/messaging/platform.js';
import type { InboxDeps } from '../../src/inbox/handle-inbound.js';
import type { Logger } from '../../src/log.js';
import { systemClock } from '../../src/domain/clock.js';
import { TokenBucket } from '../../src/outbox/token-bucket.js';
import { wecomAppRoutes } from './app-routes.js';
import { wecomBotRoutes } from './bot-routes.js';
import { WecomClient } from './client.js';
import { MemberRateLimit } from './member-rate-limit.js';
import { createWecomPlatform } from './platform.js';

export interface WecomAdapterDeps {
  config: WecomConfig;
  database: Database;
  /** Business time (event times, ResponseCode expiry). Token lifetimes and rate limits use real time. */
  clock: Clock;
  logger: Logger;
  inbox: InboxDeps;
}

export interface WecomAdapter {
  platform: Platform;
  routers: Router[];
  /** The HTTP client (for sync-org and tests). */
  client: WecomClient;
  stop(): Promise<void>;
}

/**
 * §15: ≤ 10 000 calls/min per corp and API (an older table: 2 000/min). 30/s with a burst of 60 stays under
 * the older figure for any one API while letting a 5 000-member push finish in about three minutes.
 */
export const WECOM_CALLS_PER_SECOND = 30;

/** The WeCom adapter as src/main.ts wires it: the outbox's platform and the callback routes. */
export function createWecomAdapter(deps: WecomAdapterDeps, opts: { callsPerSecond?: number; softDeadlineMs?: number } = {}): WecomAdapter {
  const logger = deps.logger.child({ platform: 'wecom' });
  const rate = opts.callsPerSecond ?? WECOM_CALLS_PER_SECOND;
  const client = new WecomClient({
    baseUrl: deps.config.apiBaseUrl,
    corpId: deps.config.corpId,
    secret: deps.config.secret,
    logger,
    limiter: new TokenBucket(rate, rate * 2, systemClock),
  });
  const platform = createWecomPlatform({
    client,
    agentId: Number(deps.config.agentId),
    database: deps.database,
    clock: deps.clock,
    logger,
    memberLimit: new MemberRateLimit(),
  });
  const deadline = opts.softDeadlineMs !== undefined ? { softDeadlineMs: opts.softDeadlineMs } : {};
  const routers: Router[] = [wecomAppRoutes({ config: deps.config, clock: deps.clock, logger, inbox: deps.inbox, ...deadline })];
  if (deps.config.bot) routers.push(wecomBotRoutes({ bot: deps.config.bot, clock: deps.clock, logger, inbox: deps.inbox, ...deadline }));
  return {
    platform,
    routers,
    client,
    // Nothing runs in the background: requests in flight end with the HTTP server, sends with the dispatcher.
    stop: () => Promise.resolve(),
  };
}
