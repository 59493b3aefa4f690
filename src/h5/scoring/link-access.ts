import type { Context } from 'koa';
import { personView } from '../../db/repositories/people-directory.js';
import type { PersonView } from '../../domain/conversation/ports.js';
import { AppError } from '../../errors.js';
import type { AppDeps } from '../../http/deps.js';
import { verifyToken } from '../signed-link.js';

/** Errors about the link itself (missing, forged, expired, for another page): shown as a page, never JSON-only. */
export class LinkError extends AppError {
  constructor(message: string, status = 403) {
    super(message, { status, code: 'link_invalid' });
  }
}

export const LINK_INCOMPLETE = '链接不完整。请从党建助手发给您的卡片中打开。';
const LINK_INVALID = '链接无效。请从党建助手发给您的卡片中打开。';
const LINK_EXPIRED = '链接已过期，请在企业微信/钉钉中重新打开最新的卡片。';

/** A positive integer query parameter (`r`, `b`), or null when absent or not one. */
export function idParam(ctx: Context, name: string): number | null {
  const v = ctx.query[name];
  if (typeof v !== 'string' || !/^[1-9]\d{0,9}$/.test(v)) return null;
  const n = Number(v);
  return n <= 2_147_483_647 ? n : null;
}

export function requireId(ctx: Context, name: string): number {
  const id = idParam(ctx, name);
  if (id === null) throw new LinkError(LINK_INCOMPLETE, 400);
  return id;
}

/**
 * Checks a scoring link like every H5 link: signature, expiry, exactly this resource. `whenExpired` may give a
 * better message for a genuine link that has merely expired (a sheet link expires with its round). Returns
 * the id of the person it was issued to.
 */
export async function verifiedLink(deps: AppDeps, ctx: Context, resource: string, whenExpired?: () => Promise<string | undefined>): Promise<number> {
  const token = typeof ctx.query.t === 'string' ? ctx.query.t : '';
  const res = verifyToken(deps.appSecret, token, deps.clock.now(), resource);
  if (res.ok) return res.claims.personId;
  if (res.reason !== 'expired') throw new LinkError(LINK_INVALID);
  // Expired, but was it a real link for this very page? Checked again at the epoch, where nothing has expired.
  const genuine = verifyToken(deps.appSecret, token, new Date(0), resource).ok;
  throw new LinkError((genuine && whenExpired ? await whenExpired() : undefined) ?? LINK_EXPIRED);
}

/** A verified link's person, who must still be active (pages that show or change their own data). */
export async function linkHolder(deps: AppDeps, ctx: Context, resource: string, whenExpired?: () => Promise<string | undefined>): Promise<PersonView> {
  const person = await personView(deps.database.db, await verifiedLink(deps, ctx, resource, whenExpired));
  if (!person) throw new LinkError('该账号已停用。');
  return person;
}

/** The token as given, to build links to sibling pages with the same signature (sheets list ↔ sheet). */
export function tokenOf(ctx: Context): string {
  return typeof ctx.query.t === 'string' ? ctx.query.t : '';
}
