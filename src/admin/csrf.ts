import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for the console's forms: an HMAC of the session's cookie token, so a page can only post with a
 * token its own session was given (synchronizer token without server-side storage). SameSite=Lax already keeps
 * the cookie off cross-site POSTs; the token is the second, independent line.
 */
export function csrfTokenFor(secret: string, sessionToken: string): string {
  return createHmac('sha256', secret).update(`admin-csrf:${sessionToken}`).digest('base64url');
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
