import type { ActionPayload } from './model.js';

/**
 * One string that names a clicked action and its payload, used as the WeCom button key, the DingTalk callback
 * param and the sandbox form value, so every inbound adapter decodes clicks the same way.
 * Format: `<id>` or `<id>?<k>=<v>&…` (URL-encoded, keys sorted, so equal payloads give equal refs).
 */
export function encodeActionRef(id: string, payload: ActionPayload): string {
  const keys = Object.keys(payload).sort();
  if (keys.length === 0) return encodeURIComponent(id);
  const query = keys.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(payload[k] ?? '')}`).join('&');
  return `${encodeURIComponent(id)}?${query}`;
}

export interface DecodedActionRef {
  readonly id: string;
  readonly payload: Record<string, string>;
}

/** Inverse of `encodeActionRef`; tolerant of a missing query. Returns undefined for malformed encodings. */
export function decodeActionRef(ref: string): DecodedActionRef | undefined {
  const q = ref.indexOf('?');
  try {
    const id = decodeURIComponent(q < 0 ? ref : ref.slice(0, q));
    const payload: Record<string, string> = {};
    if (q >= 0) {
      for (const part of ref.slice(q + 1).split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
        payload[k] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
      }
    }
    return id === '' ? undefined : { id, payload };
  } catch {
    return undefined; // a malformed %-sequence: not one of ours
  }
}
