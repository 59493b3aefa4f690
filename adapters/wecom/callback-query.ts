import type { Context } from 'koa';
import { UnauthorizedError, ValidationError } from '../../src/errors.js';
import { CallbackRejected, openCallback } from './crypto.js';
import { MalformedCallback } from './callback-xml.js';

/** §3.4 + ARCHITECTURE §3: a callback body larger than this is not WeCom's (413). */
export const CALLBACK_BODY_LIMIT = 64 * 1024;
/**
 * §3.4: WeCom waits 5 s for a POST answer. Past this the handling continues in the background and the answer is
 * empty, leaving ~2 s for the network and the database round trips around the handling.
 */
export const SOFT_DEADLINE_MS = 3000;

function one(ctx: Context, name: string): string | undefined {
  const v = ctx.query[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The signed query (§3.1). Koa decodes %2B/%2F/%3D correctly but a literal '+' becomes a space (§3.5); base64
 * never contains spaces, so spaces in echostr are read back as '+'.
 */
export function signedQuery(ctx: Context): { signature: string; timestamp: string; nonce: string; echostr?: string } {
  const signature = one(ctx, 'msg_signature');
  const timestamp = one(ctx, 'timestamp');
  const nonce = one(ctx, 'nonce');
  if (!signature || !timestamp || !nonce) throw new UnauthorizedError('缺少 msg_signature、timestamp 或 nonce');
  // WeCom's timestamps are unix seconds; anything else is not from WeCom (and would be echoed into the reply).
  if (!/^\d{1,12}$/.test(timestamp) || nonce.length > 128) throw new UnauthorizedError('timestamp 或 nonce 不正确');
  const echostr = one(ctx, 'echostr')?.replace(/ /g, '+');
  return { signature, timestamp, nonce, ...(echostr !== undefined ? { echostr } : {}) };
}

/** Maps the adapter's refusals onto HTTP: 401 for anything cryptographic, 400 for bad XML/JSON. */
export function asHttpError(err: unknown): unknown {
  if (err instanceof CallbackRejected) return new UnauthorizedError('回调验证失败');
  if (err instanceof MalformedCallback) return new ValidationError('回调内容格式不正确');
  return err;
}

/**
 * The GET URL verification both callback URLs answer (§3.1): verify, decrypt `echostr`, check the receive id,
 * and answer the bare plaintext (no quotes, BOM or newline) within 1 s. Refusals are 401s, logged without values.
 */
export function urlVerificationHandler(
  keys: Parameters<typeof openCallback>[0],
  log: { warn(obj: object, msg: string): void },
  what: string,
): (ctx: Context) => void {
  return (ctx) => {
    const q = signedQuery(ctx);
    if (q.echostr === undefined) throw new ValidationError('缺少 echostr');
    try {
      const plain = openCallback(keys, { ...q, encrypted: q.echostr });
      ctx.type = 'text/plain';
      ctx.body = plain;
    } catch (err) {
      log.warn({ reason: err instanceof Error ? err.message : String(err) }, `${what} URL verification refused`);
      throw asHttpError(err);
    }
  };
}
