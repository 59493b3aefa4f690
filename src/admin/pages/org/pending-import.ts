/**
 * What "确认导入" applies: the rows of the previewed file (or the previewed address-book snapshot), carried from the
 * preview to the confirmation as a signed token in the confirmation form.
 *
 * Why this way (and not the uploaded bytes kept on the server): a table of pending uploads needs a migration and a
 * clean-up job, and an in-memory map is lost on restart and not shared between instances behind a load balancer.
 * The token is stateless yet not trusted blindly: it holds the rows parsed from the uploaded file — exactly what the
 * dry run read — deflated and HMAC-SHA256-signed with the app secret, bound to this console session and valid for
 * 30 minutes, together with the file's SHA-256 (shown on the page) and a digest of the changes the preview listed.
 * A token altered in the browser, from another session or expired is refused and nothing is written. Before
 * applying, the import runs again as a dry run on the same rows and must give the same digest: if the organisation
 * changed in the meantime (another admin, a sync), the person sees the new preview instead of an unseen change.
 * The same holds for 从企业微信/钉钉同步: the token carries the address book as it was read for the preview, so the
 * confirmation applies what was shown, not a newer read of the address book.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DirectorySnapshot } from '../../../cli/commands/sync-org.js';
import type { OrgImportReport, RawRow } from '../../../domain/org/types.js';
import { ValidationError } from '../../../errors.js';

export const PENDING_TTL_MS = 30 * 60_000;
/** The confirmation form is urlencoded (1 MB limit on fields); the token must stay below. */
const MAX_TOKEN_CHARS = 900_000;

export type PendingImport =
  | { kind: 'file'; fileName: string; sha256: string; deactivateMissing: boolean; headers: string[]; rows: RawRow[] }
  | { kind: 'sync'; platform: 'wecom' | 'dingtalk'; directory: DirectorySnapshot };

interface Payload {
  v: 1;
  sessionId: number;
  expiresAt: number;
  /** reportDigest() of the dry run that was shown. */
  digest: string;
  pending: PendingImport;
}

/** What the preview promised: the same digest means the same changes. */
export function reportDigest(r: OrgImportReport): string {
  return createHash('sha256').update(JSON.stringify([r.created, r.updated, r.deactivated, r.changes])).digest('base64url');
}

export const fileDigest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const sign = (secret: string, data: string): string => createHmac('sha256', secret).update(`org-import-preview:${data}`).digest('base64url');

export function encodePending(secret: string, p: { sessionId: number; now: Date; digest: string; pending: PendingImport }): string {
  const payload: Payload = { v: 1, sessionId: p.sessionId, expiresAt: p.now.getTime() + PENDING_TTL_MS, digest: p.digest, pending: p.pending };
  const data = deflateRawSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64url');
  const token = `${data}.${sign(secret, data)}`;
  if (token.length > MAX_TOKEN_CHARS) throw new ValidationError('组织规模过大，无法在管理后台确认导入，请使用命令行 import-org（或 sync-org）完成。本次没有保存任何内容。');
  return token;
}

export const EXPIRED_MESSAGE = '预览已过期（30 分钟内有效）或不属于当前登录，本次没有保存任何内容。请重新上传文件预览。';

/** The payload of a token made for this session and still valid; ValidationError otherwise (nothing is written). */
export function decodePending(secret: string, token: string, sessionId: number, now: Date): { digest: string; pending: PendingImport } {
  const [data, sig, extra] = token.split('.');
  if (!data || !sig || extra !== undefined) throw new ValidationError(EXPIRED_MESSAGE);
  const expected = Buffer.from(sign(secret, data));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new ValidationError(EXPIRED_MESSAGE);
  let payload: Payload;
  try {
    payload = JSON.parse(inflateRawSync(Buffer.from(data, 'base64url')).toString('utf8')) as Payload;
  } catch {
    throw new ValidationError(EXPIRED_MESSAGE);
  }
  if (payload.v !== 1 || payload.sessionId !== sessionId || payload.expiresAt < now.getTime()) throw new ValidationError(EXPIRED_MESSAGE);
  return { digest: payload.digest, pending: payload.pending };
}
