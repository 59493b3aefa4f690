/**
 * What "确认保存" saves: the previewed plan travels in the confirmation form as a signed token, not as a file kept
 * on the server.
 *
 * Why this way: a pending upload kept on the server would need a table (a migration) or process memory, and memory
 * is lost on restart and not shared between instances behind a load balancer. The token instead carries the parsed
 * outline itself — exactly what the preview showed, never re-read from a file — compressed, HMAC-signed with the app
 * secret, bound to this console session and valid for 30 minutes. A token from another session, an altered one or
 * an expired one is refused. The token also carries a digest of the changes the preview listed; before saving, the
 * import runs again as a dry run and must produce the same digest, so a plan or organisation changed by someone
 * else in the meantime is never saved unseen (the person is asked to preview again). (The check and the save are two
 * importPlan transactions, each under the import lock; a change landing in the milliseconds between them is the one
 * case not caught — importPlan takes no expected digest.)
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AssignMode, PlanImportReport } from '../../../db/repositories/plans-import.js';
import { walkOutline } from '../../../domain/plans/plan-items.js';
import type { PlanDetailsMap, PlanNodeDetails, PlanOutline } from '../../../domain/plans/types.js';
import { ValidationError } from '../../../errors.js';

export const PREVIEW_TTL_MS = 30 * 60_000;
/** The confirmation form is urlencoded (1 MB limit); the token stays well below. */
const MAX_TOKEN_CHARS = 900_000;

export interface PreviewPayload {
  sessionId: number;
  expiresAt: number;
  year: number;
  /** The title field as given (absent: the document's own title). */
  title?: string;
  sourceName: string;
  assign: AssignMode;
  outline: PlanOutline;
  details: PlanDetailsMap;
  warnings: string[];
  /** reportDigest() of the dry run that was shown. */
  digest: string;
}

interface Wire extends Omit<PreviewPayload, 'details'> {
  /** Node index in walkOutline order → its spreadsheet details. */
  details: [number, PlanNodeDetails][];
}

/** What the preview promised: the plan it matches, and every change line. Same digest = same save. */
export function reportDigest(report: PlanImportReport): string {
  const material = JSON.stringify([report.planId, report.year, report.title, report.branches, report.created, report.updated, report.deactivated, report.changes]);
  return createHash('sha256').update(material).digest('base64url');
}

const sign = (secret: string, data: string): string => createHmac('sha256', secret).update(`plan-import-preview:${data}`).digest('base64url');

export function encodePreview(secret: string, payload: PreviewPayload): string {
  const index = new Map([...walkOutline(payload.outline)].map((e, i) => [e.node, i]));
  const details: [number, PlanNodeDetails][] = [];
  for (const [node, d] of payload.details) {
    const i = index.get(node);
    if (i !== undefined) details.push([i, d]);
  }
  const wire: Wire = { ...payload, details };
  const data = deflateRawSync(Buffer.from(JSON.stringify(wire), 'utf8')).toString('base64url');
  const token = `${data}.${sign(secret, data)}`;
  if (token.length > MAX_TOKEN_CHARS) throw new ValidationError('计划内容过多，无法在管理后台预览保存，请使用命令行 import-plan 导入。');
  return token;
}

const EXPIRED = '预览已过期（30 分钟内有效）或不属于当前登录，本次没有保存任何内容。请重新上传文件预览。';

/** The payload of a token made for this session and still valid; ValidationError otherwise (nothing is saved). */
export function decodePreview(secret: string, token: string, sessionId: number, now: Date): PreviewPayload {
  const [data, sig] = token.split('.');
  if (!data || !sig) throw new ValidationError(EXPIRED);
  const expected = Buffer.from(sign(secret, data));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new ValidationError(EXPIRED);
  let wire: Wire;
  try {
    wire = JSON.parse(inflateRawSync(Buffer.from(data, 'base64url')).toString('utf8')) as Wire;
  } catch {
    throw new ValidationError(EXPIRED);
  }
  if (wire.sessionId !== sessionId || wire.expiresAt < now.getTime()) throw new ValidationError(EXPIRED);
  const nodes = [...walkOutline(wire.outline)].map((e) => e.node);
  const details: PlanDetailsMap = new Map();
  for (const [i, d] of wire.details) {
    const node = nodes[i];
    if (node) details.set(node, d);
  }
  return { ...wire, details };
}
