import type { InboxDeps } from './handle-inbound.js';
import { retryDueInbox } from './retry.js';

/** Periodically retries failed or abandoned inbound events; every instance runs one (SKIP LOCKED shares the work). */
export function startInboxRetryLoop(deps: InboxDeps, everyMs = 5000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => retryDueInbox(deps))
      .catch((err: unknown) => deps.logger.error({ err }, 'inbox retry round failed'));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
