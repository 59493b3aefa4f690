import { checklistStore } from './db/repositories/checklist-store.js';
import { digestStore } from './db/repositories/digest-store.js';
import { peopleDirectory } from './db/repositories/people-directory.js';
import { scoringStore } from './db/repositories/scoring-store.js';
import type { Clock } from './domain/clock.js';
import type { LinkSigner } from './domain/conversation/ports.js';
import { handleConversation } from './domain/conversation/handle-event.js';
import type { EventHandler } from './inbox/handle-inbound.js';
import { directSender } from './outbox/direct-sender.js';

/** Binds the conversation router's ports to the handling transaction. */
export function conversationHandler(opts: { links: LinkSigner; timezone: string; clock: Clock }): EventHandler {
  return (tx, event) => {
    const now = opts.clock.now();
    return handleConversation(event, {
      people: peopleDirectory(tx),
      checklist: checklistStore(tx),
      scoring: scoringStore(tx),
      digest: digestStore(tx, { timezone: opts.timezone }),
      direct: directSender(tx, () => now),
      links: opts.links,
      now,
      timezone: opts.timezone,
    });
  };
}
