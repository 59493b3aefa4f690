import type { OutboundMessage } from '../../src/domain/messaging/types.js';
import type { Platform } from '../../src/domain/messaging/platform.js';
import { handleInbound, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import type { Logger } from '../../src/log.js';
import type { DingtalkClient } from './client.js';
import { cardCallbackEvent, robotMessageEvent } from './inbound.js';
import { renderDingtalkCallbackResponse } from './render-card.js';
import { updateCard } from './send-card.js';
import type { Ack, StreamHandlers } from './stream.js';
import type { DingtalkStreamFrame } from './stream-connection.js';

export interface CallbackTimings {
  /** §4.5: a card callback must be answered within 2 s; the handling gets this long to put its reply in the ACK. */
  cardSoftDeadlineMs: number;
  /** Whatever happens (a slow database insert), the ACK leaves by then, empty if need be. */
  cardHardAckMs: number;
  /** Robot messages are handled after the ACK; this only bounds how long stop() waits for them. */
  robotHandlingMs: number;
}

export const DEFAULT_CALLBACK_TIMINGS: CallbackTimings = { cardSoftDeadlineMs: 1500, cardHardAckMs: 1800, robotHandlingMs: 30_000 };

/**
 * What the stream does with CALLBACK frames. Robot messages: ACK at once, then store and handle through the inbox
 * (§9.4; the inbox's UNIQUE(platform, event_id) is the persistent dedupe on msgId). Card callbacks: handle within the
 * 2-s budget and put the updated card in the ACK (§4.5, §9.5); past the budget the ACK goes out empty and the card
 * is updated with `PUT /v1.0/card/instances` once the handling finishes.
 */
export function createCallbackHandlers(opts: {
  inbox: InboxDeps;
  logger: Logger;
  client: DingtalkClient;
  platform: Platform;
  hasTemplate: boolean;
  timings?: Partial<CallbackTimings>;
}): StreamHandlers & { drain(): Promise<void> } {
  const t = { ...DEFAULT_CALLBACK_TIMINGS, ...opts.timings };
  const log = opts.logger;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    const guarded = p.catch((err: unknown) => log.error({ err }, 'dingtalk: callback handling failed'));
    inFlight.add(guarded);
    void guarded.finally(() => inFlight.delete(guarded));
  };

  /** A reply that could not ride in the ACK: update the clicked card, or send it to the clicker. */
  async function deliverLate(senderId: string, eventId: string, outTrackId: string, message: OutboundMessage): Promise<void> {
    if (message.type === 'card' && opts.hasTemplate) {
      try {
        await updateCard(opts.client, outTrackId, message.card);
        return;
      } catch (err) {
        log.warn({ eventId, err: (err as Error).message }, 'dingtalk: card update after a late callback failed; sending the reply instead');
      }
    }
    const [r] = await opts.platform.send([{ outboxId: 0, recipientKind: 'person', recipient: senderId, message, idempotencyKey: `late:${eventId}` }]);
    if (r && !r.ok) log.error({ eventId, error: r.error }, 'dingtalk: late reply to a card click could not be delivered');
  }

  async function cardCallback(frame: DingtalkStreamFrame, ack: Ack): Promise<void> {
    let acked = false;
    const answer = (response: unknown): boolean => {
      if (acked) return false;
      acked = true;
      return ack(response);
    };
    const parsed = cardCallbackEvent(frame);
    if (!parsed) {
      answer({});
      log.warn({ messageId: frame.headers.messageId }, 'dingtalk: card callback without a known action ignored');
      return;
    }
    const { event, outTrackId } = parsed;
    const hard = setTimeout(() => answer({}), t.cardHardAckMs);
    try {
      // In a group the card is shared: the clicker's answer must not replace it for everyone, so it goes privately.
      const passiveReplies = event.chatId ? 0 : 1;
      const outcome = await handleInbound(opts.inbox, event, { softDeadlineMs: t.cardSoftDeadlineMs, passiveReplies });
      const passive = outcome.duplicate ? [] : outcome.passive;
      const first = passive[0];
      if (!first) {
        answer({});
        return;
      }
      let sentInAck = false;
      if (first.type === 'card' && !acked) {
        try {
          sentInAck = answer(renderDingtalkCallbackResponse(first.card));
        } catch (err) {
          log.warn({ eventId: event.eventId, err: (err as Error).message }, 'dingtalk: reply card does not fit the callback answer');
        }
      }
      answer({});
      if (!sentInAck) await deliverLate(event.senderId, event.eventId, outTrackId, first);
    } finally {
      clearTimeout(hard);
      answer({}); // a no-op when answered; otherwise a failure must still not leave the click un-ACKed
    }
  }

  return {
    onRobotMessage(frame, ack) {
      // §9.4: ACK first (an un-ACKed message is re-pushed ~60 s later, §1.5); `{"response":null}` is fine (§1.4).
      ack(null);
      let event;
      try {
        event = robotMessageEvent(frame);
      } catch (err) {
        log.warn({ messageId: frame.headers.messageId, err: (err as Error).message }, 'dingtalk: unreadable robot message ignored');
        return;
      }
      if (!event) {
        log.warn({ messageId: frame.headers.messageId }, 'dingtalk: robot message without a sender ignored');
        return;
      }
      const e = event;
      track(handleInbound(opts.inbox, e, { softDeadlineMs: t.robotHandlingMs, passiveReplies: 0 }).then((o) => {
        if (o.duplicate) log.info({ eventId: e.eventId }, 'dingtalk: duplicate robot message dropped');
      }));
    },
    onCardCallback(frame, ack) {
      track(cardCallback(frame, ack));
    },
    async drain() {
      await Promise.all([...inFlight]);
    },
  };
}
