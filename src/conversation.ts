import type { Clock } from './domain/clock.js';
import { peopleDirectory } from './db/repositories/people-directory.js';
import { handleConversation } from './domain/conversation/handle-event.js';
import type { EventHandler } from './inbox/handle-inbound.js';

/** Binds the conversation router's ports to the handling transaction. */
export function conversationHandler(opts: { publicBaseUrl: string; timezone: string; clock: Clock }): EventHandler {
  return (tx, event) =>
    handleConversation(event, { people: peopleDirectory(tx), publicBaseUrl: opts.publicBaseUrl, now: opts.clock.now(), timezone: opts.timezone });
}
