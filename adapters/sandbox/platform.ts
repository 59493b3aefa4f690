import type { Database } from '../../src/db/client.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Platform, SendItem, SendResult } from '../../src/domain/messaging/platform.js';
import type { TokenBucket } from '../../src/outbox/token-bucket.js';
import { renderSandboxCard } from './render-card.js';
import { chatConversation, insertSandboxMessages, personConversation } from './store.js';

export const SANDBOX_ACTION_URL = '/sandbox/api/actions';

/**
 * The sandbox as a messenger platform: "sending" stores the message (and the card as rendered) in the
 * sandbox message table, where the sandbox pages read it. It goes through the same outbox as WeCom and
 * DingTalk, so the demo exercises the real path.
 */
export function createSandboxPlatform(opts: { database: Database; clock: Clock; limiter?: TokenBucket; maxBatch?: number }): Platform {
  return {
    id: 'sandbox',
    maxBatch: opts.maxBatch ?? 500,
    async send(items: SendItem[]): Promise<SendResult[]> {
      if (opts.limiter) await opts.limiter.take(items.length);
      await insertSandboxMessages(
        opts.database.db,
        items.map((item) => ({
          conversation: item.recipientKind === 'chat' ? chatConversation(item.recipient) : personConversation(item.recipient),
          direction: 'out' as const,
          party: item.recipient,
          text: item.message.type === 'text' ? item.message.text : item.message.card.fallbackText,
          card: item.message.type === 'card' ? item.message.card : null,
          html: item.message.type === 'card' ? renderSandboxCard(item.message.card, { actionUrl: SANDBOX_ACTION_URL }) : null,
          ref: `outbox:${item.outboxId}`,
        })),
        opts.clock.now(),
      );
      return items.map((item) => ({ outboxId: item.outboxId, ok: true as const, platformRef: `sandbox:outbox:${item.outboxId}` }));
    },
  };
}
