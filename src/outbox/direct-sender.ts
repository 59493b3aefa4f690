import type { Card } from '../../cards/model.js';
import type { DbOrTx } from '../db/client.js';
import { recipientId } from '../db/repositories/people-directory.js';
import type { DirectSender } from '../domain/conversation/ports.js';
import type { PlatformId } from '../domain/messaging/types.js';
import { enqueueMessages } from './enqueue.js';

/**
 * Which platforms let the bot speak in a group unprompted. WeCom's smart bot answers in a group only through
 * the passive reply or the response_url of a message it received (wecom.md §12), so a card for a WeCom group
 * must wait until someone there asks; DingTalk's robot and the sandbox can post any time.
 */
export const POSTS_TO_CHATS_UNPROMPTED: Readonly<Record<PlatformId, boolean>> = { sandbox: true, dingtalk: true, wecom: false };

/**
 * Single-choice questions a card can carry and submit, as our renderers draw them: the sandbox shows any three;
 * WeCom's renderer keeps selectors only where the card fits a vote card (one question — a card with text and a
 * link is a text_notice, adapters/wecom/render-card.ts); the DingTalk card template has no questions
 * (cards/README.md). Quick-score cards are sent only where their questions show.
 */
export const CHOICE_QUESTIONS: Readonly<Record<PlatformId, number>> = { sandbox: 3, wecom: 1, dingtalk: 0 };

/** A DirectSender bound to a transaction: the card is enqueued with the change that caused it, keyed by card.key. */
export function directSender(tx: DbOrTx, now: () => Date): DirectSender {
  return {
    canPostToChat: (platform) => POSTS_TO_CHATS_UNPROMPTED[platform],
    choiceQuestions: (platform) => CHOICE_QUESTIONS[platform],
    async toChat(platform, chatExternalId, card) {
      await enqueueMessages(tx, [{ platform, recipientKind: 'chat', recipient: chatExternalId, message: { type: 'card', card }, idempotencyKey: card.key, notBefore: now() }], now());
    },
    toPerson: (platform, personId, card) => enqueuePersonCard(tx, platform, personId, card, now()),
  };
}

/** Sends a card to a person on a platform outside an inbound event (jobs, CLI); false when they are not reachable there. */
export async function enqueuePersonCard(tx: DbOrTx, platform: PlatformId, personId: number, card: Card, now: Date): Promise<boolean> {
  const id = await recipientId(tx, platform, personId);
  if (!id) return false;
  await enqueueMessages(tx, [{ platform, recipientKind: 'person', recipient: id, personId, message: { type: 'card', card }, idempotencyKey: card.key, notBefore: now }], now);
  return true;
}
