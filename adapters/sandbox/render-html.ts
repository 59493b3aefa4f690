/**
 * The one escape function of the sandbox renderer: every user string goes through `esc` (text and attribute
 * values alike, attributes always double-quoted), and markup is assembled only from constants and `esc` output.
 */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function esc(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

/** Only http(s) URLs become href/src; anything else (javascript:, data:) is replaced by "#". */
export function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}
