import type { OutboundMessage, PlatformId } from './types.js';

/** One outbox row as a platform sees it when sending. */
export interface SendItem {
  outboxId: number;
  recipientKind: 'person' | 'chat';
  recipient: string;
  message: OutboundMessage;
  /** Derive the platform's own idempotency key (task_id, outTrackId) from this, so a resend is not a second card. */
  idempotencyKey: string;
  replyContext?: Record<string, unknown> | null;
}

export type SendResult =
  | { outboxId: number; ok: true; platformRef?: string }
  | {
      outboxId: number;
      ok: false;
      retryable: boolean;
      error: string;
      retryAfterMs?: number;
      /**
       * Held back by a rate limit (ours or the platform's flow control), not failed: the message is fine and will
       * go out later. A deferral does not count as an attempt, so a long burst never turns it into a failure.
       */
      deferred?: boolean;
    };

/**
 * The port the outbox dispatcher sends through (ARCHITECTURE §2). An adapter batches where its platform
 * allows (WeCom: identical cards to up to 1000 users per call) and reports a result per item.
 */
export interface Platform {
  readonly id: PlatformId;
  send(items: SendItem[]): Promise<SendResult[]>;
  /** Largest number of rows worth handing to one send() call. */
  readonly maxBatch: number;
}
