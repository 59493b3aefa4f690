import { checklistStore } from './db/repositories/checklist-store.js';
import { peopleDirectory } from './db/repositories/people-directory.js';
import type { Clock } from './domain/clock.js';
import type { LinkSigner } from './domain/conversation/ports.js';
import { handleConversation } from './domain/conversation/handle-event.js';
import type { EventHandler } from './inbox/handle-inbound.js';

/** Binds the conversation router's ports to the handling transaction. */
export function conversationHandler(opts: { links: LinkSigner; timezone: string; clock: Clock }): EventHandler {
  return (tx, event) =>
    handleConversation(event, {
      people: peopleDirectory(tx),
      checklist: checklistStore(tx),
      links: opts.links,
      now: opts.clock.now(),
      timezone: opts.timezone,
    });
}
