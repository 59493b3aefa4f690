import { boundedId } from '../../cards/stable-id.js';
import { WECOM_LIMITS } from './limits.js';

/**
 * The template card `task_id` for a card's idempotency key: the key itself when it is already valid
 * (§8: `[0-9A-Za-z_\-@]`, ≤ 128 bytes), else a readable prefix + `-` + a hash. Deterministic, so a resend after a
 * crash reuses the task_id and WeCom answers 42014 instead of delivering the card twice (§16.10).
 */
export function wecomTaskId(cardKey: string): string {
  return boundedId(cardKey, { maxBytes: WECOM_LIMITS.taskIdBytes, allowed: WECOM_LIMITS.taskIdChar });
}

export function isValidWecomTaskId(id: string): boolean {
  return id.length > 0 && Buffer.byteLength(id, 'utf8') <= WECOM_LIMITS.taskIdBytes && /^[0-9A-Za-z_@-]+$/.test(id);
}
