import type { Context } from 'koa';
import { AppError, ValidationError } from '../errors.js';

export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(`请求体过大（上限 ${Math.round(limit / 1024)} KB）`, { status: 413, code: 'payload_too_large' });
  }
}

/**
 * Reads the raw request body with a hard size limit. Platform callbacks need the exact bytes (signatures
 * are over them), so there is no body-parser in front; routes call this themselves.
 */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || NaN);
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) {
      // Stop reading; the connection is closed after the 413 so the rest of the upload is not consumed.
      ctx.set('Connection', 'close');
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/** UTF-16 surrogates without their pair (JSON escapes such as \ud800): PostgreSQL's jsonb refuses them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Strings PostgreSQL cannot store (NUL in text and jsonb, lone surrogates in jsonb) would fail as a 500 on insert. */
export function storableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/** JSON.parse for request bodies: refuses (400) strings and keys that could not be stored. */
export function parseJsonText(text: string): unknown {
  let unstorable = false;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (!storableText(key) || (typeof v === 'string' && !storableText(v))) unstorable = true;
      return v;
    });
  } catch {
    throw new ValidationError('请求体不是有效的 JSON');
  }
  if (unstorable) throw new ValidationError('请求体含有无法保存的字符（NUL 或不成对的 UTF-16 代理项）');
  return value;
}

export async function readJsonBody(ctx: Context, limit = 1024 * 1024): Promise<unknown> {
  const raw = await readRawBody(ctx, limit);
  if (raw.length === 0) return {};
  const type = ctx.request.type;
  if (type && type !== 'application/json') throw new ValidationError(`请求体须为 JSON（Content-Type: application/json），收到 ${type}`);
  return parseJsonText(raw.toString('utf8'));
}
