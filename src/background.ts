import type { Database } from './db/client.js';
import type { Clock } from './domain/clock.js';
import type { Platform } from './domain/messaging/platform.js';
import type { InboxDeps } from './inbox/handle-inbound.js';
import { startInboxRetryLoop } from './inbox/retry-loop.js';
import type { Job, JobDeps } from './jobs/job.js';
import { JobRunner } from './jobs/runner.js';
import type { Logger } from './log.js';
import { OutboxDispatcher } from './outbox/dispatcher.js';

export interface BackgroundDeps {
  database: Database;
  clock: Clock;
  logger: Logger;
  inbox: InboxDeps;
  platforms: Platform[];
  jobs: Job[];
  jobDeps: JobDeps;
}

/** Starts the outbox dispatcher, the inbox retry loop and the job scheduler; returns a stop function. */
export async function startBackground(deps: BackgroundDeps): Promise<{ stop(): Promise<void>; runner: JobRunner; dispatcher: OutboxDispatcher }> {
  const dispatcher = new OutboxDispatcher({ database: deps.database, clock: deps.clock, logger: deps.logger.child({ part: 'outbox' }), platforms: deps.platforms });
  await dispatcher.start();
  const stopRetry = startInboxRetryLoop(deps.inbox);
  const runner = new JobRunner({ ...deps.jobDeps, logger: deps.logger.child({ part: 'jobs' }) }, deps.jobs);
  runner.start();
  return {
    runner,
    dispatcher,
    async stop() {
      await runner.stop();
      await stopRetry();
      await dispatcher.stop();
    },
  };
}
