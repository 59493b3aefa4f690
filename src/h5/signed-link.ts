import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed H5 links: every link in a card is bound to one person and one resource and expires. The token is
 * `base64url(JSON{p, r, e}).base64url(HMAC-SHA256)`; verification compares the MAC in constant time and
 * refuses anything expired, malformed or for another resource.
 */
export interface LinkClaims {
  /** Person the link was issued to. */
  personId: number;
  /** What it opens, e.g. "checklist" or "topic:2026-12". */
  resource: string;
  /** Expiry, Unix seconds. */
  expiresAt: number;
}

export const DEFAULT_LINK_TTL_SECONDS = 14 * 24 * 3600;

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

export function signToken(secret: string, claims: LinkClaims): string {
  const body = Buffer.from(JSON.stringify({ p: claims.personId, r: claims.resource, e: claims.expiresAt })).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

export type VerifyResult = { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'resource' };

/** The MAC as signToken writes it: 32 bytes in unpadded base64url. Node's decoder skips padding and stray characters, so anything else is refused before decoding (one token, one spelling). */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
/** People ids are PostgreSQL integers (0: a link made for nobody in particular, e.g. a round's progress): a claim outside them names nobody and must not reach a query. */
const MAX_PERSON_ID = 2_147_483_647;

export function verifyToken(secret: string, token: string, now: Date, resource?: string): VerifyResult {
  if (token.length > 512) return { ok: false, reason: 'malformed' };
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined || !SIGNATURE.test(sig)) return { ok: false, reason: 'malformed' };
  const expected = mac(secret, body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (parsed === null || typeof parsed !== 'object') return { ok: false, reason: 'malformed' };
  const c = parsed as { p?: unknown; r?: unknown; e?: unknown };
  if (!Number.isInteger(c.p) || (c.p as number) < 0 || (c.p as number) > MAX_PERSON_ID || typeof c.r !== 'string' || typeof c.e !== 'number' || !Number.isFinite(c.e)) {
    return { ok: false, reason: 'malformed' };
  }
  if (c.e * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  if (resource !== undefined && c.r !== resource) return { ok: false, reason: 'resource' };
  return { ok: true, claims: { personId: c.p as number, resource: c.r, expiresAt: c.e } };
}
