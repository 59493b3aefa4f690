import { createHash } from 'node:crypto';
import { utf8Bytes } from './utf8.js';

/**
 * A deterministic id derived from an idempotency key, for platforms that restrict id charset and length.
 * The key is used as is when it already fits; otherwise a readable prefix (disallowed characters replaced by
 * `_`) is joined by `-` to a hash of the whole key, so two keys never share an id unless their hashes collide
 * (22 base64url characters = 132 bits).
 */
export function boundedId(key: string, opts: { maxBytes: number; allowed: RegExp }): string {
  if (key !== '' && utf8Bytes(key) <= opts.maxBytes && [...key].every((c) => opts.allowed.test(c))) return key;
  const hash = createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, Math.min(22, opts.maxBytes));
  const room = Math.max(0, opts.maxBytes - hash.length - 1);
  const prefix = [...key].map((c) => (opts.allowed.test(c) ? c : '_')).join('').slice(0, room);
  return prefix === '' ? hash : `${prefix}-${hash}`;
}
