import type { Card } from '../../cards/model.js';
import type { DingtalkConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Platform } from '../../src/domain/messaging/platform.js';
import type { ReadinessCheck } from '../../src/http/deps.js';
import type { InboxDeps } from '../../src/inbox/handle-inbound.js';
import type { Logger } from '../../src/log.js';
import { createCallbackHandlers, type CallbackTimings } from './callbacks.js';
import { DingtalkClient, type DingtalkClientOptions } from './client.js';
import { createDingtalkPlatform } from './platform.js';
import { updateCard } from './send-card.js';
import { DingtalkStream, type StreamTimings } from './stream.js';

export { fetchDingtalkDirectory, type DirectorySnapshot } from './directory.js';

export interface DingtalkAdapterDeps {
  config: DingtalkConfig;
  database: Database;
  /** The business clock (sessionWebhook expiry is compared with it). */
  clock: Clock;
  logger: Logger;
  inbox: InboxDeps;
  /** Tests scale time down here; production leaves it out. */
  tuning?: {
    stream?: Partial<StreamTimings>;
    callbacks?: Partial<CallbackTimings>;
    client?: Omit<Partial<DingtalkClientOptions>, 'config' | 'logger'>;
  };
}

export interface DingtalkAdapter {
  platform: Platform;
  readiness: ReadinessCheck;
  /** Starts the Stream connection in the background (a DingTalk outage must not stop the boot). */
  start(): Promise<void>;
  /** Closes the stream (no reconnect after it) and waits for callbacks being handled. */
  stop(): Promise<void>;
  /** The OpenAPI client (also for `fetchDingtalkDirectory`). */
  client: DingtalkClient;
  stream: DingtalkStream;
  /** §4.3: updates a delivered interactive card (outTrackId = the platformRef of its outbox row). */
  updateCard(outTrackId: string, card: Card): Promise<void>;
}

/** The DingTalk adapter as src/main.ts wires it: Platform for the outbox, Stream for inbound, readiness. */
export function createDingtalkAdapter(deps: DingtalkAdapterDeps): DingtalkAdapter {
  const logger = deps.logger.child({ platform: 'dingtalk' });
  const client = new DingtalkClient({ config: deps.config, logger, ...deps.tuning?.client });
  const platform = createDingtalkPlatform({ config: deps.config, client, clock: deps.clock, logger });
  const handlers = createCallbackHandlers({
    inbox: deps.inbox, logger, client, platform, hasTemplate: deps.config.cardTemplateId !== undefined,
    ...(deps.tuning?.callbacks ? { timings: deps.tuning.callbacks } : {}),
  });
  const stream = new DingtalkStream({
    client, clientId: deps.config.clientId, clientSecret: deps.config.clientSecret, logger, handlers,
    ...(deps.tuning?.stream ? { timings: deps.tuning.stream } : {}),
  });
  return {
    platform,
    readiness: stream.readiness,
    client,
    stream,
    start() {
      stream.start();
      return Promise.resolve();
    },
    async stop() {
      await stream.stop();
      await handlers.drain();
    },
    updateCard: (outTrackId, card) => updateCard(client, outTrackId, card),
  };
}
