import { peopleDirectory } from './db/repositories/people-directory.js';
import { handleConversation } from './domain/conversation/handle-event.js';
import type { EventHandler } from './inbox/handle-inbound.js';

/** Binds the conversation router's ports to the handling transaction. */
export function conversationHandler(publicBaseUrl: string): EventHandler {
  return (tx, event) => handleConversation(event, { people: peopleDirectory(tx), publicBaseUrl });
}
