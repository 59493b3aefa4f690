import { boundedId } from '../../cards/stable-id.js';
import { DINGTALK_LIMITS as L } from './limits.js';

/**
 * The interactive card `outTrackId` for a card's idempotency key (§4.2: our unique card id, kept stable when
 * retrying a send; ≤ 64 recommended). Deterministic: readable prefix + hash when the key does not fit.
 */
export function dingtalkOutTrackId(cardKey: string): string {
  return boundedId(cardKey, { maxBytes: L.outTrackIdBytes, allowed: L.outTrackIdChar });
}
