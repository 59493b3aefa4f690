import { PlatformError } from '../../src/errors.js';

/**
 * WeCom business failures (wecom.md §14): HTTP 200 with errcode ≠ 0. Each becomes a typed PlatformError;
 * only system busy and rate limits are retryable (§16.9, "仅系统失败需要重试"), configuration mistakes say which.
 */
export class WecomApiError extends PlatformError {
  constructor(
    readonly errcode: number | string,
    message: string,
    opts: { retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super('wecom', errcode, message, { retryable: opts.retryable, cause: opts.cause });
    this.retryAfterMs = opts.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

/** §14: the access token is invalid (40014), missing (41001) or expired (42001): refresh and retry once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40014, 41001, 42001]);
/** §14 / §11.1 / §15: "接口调用超过限制" blocks for the window (per-minute limits: 60 s). */
const RATE_LIMIT_BLOCK_MS = 60_000;

const HINTS: Readonly<Record<number, string>> = {
  40001: 'WECOM_SECRET 不正确（或不属于这个应用）',
  40091: 'WECOM_SECRET 不正确（或不属于这个应用）',
  40013: 'WECOM_CORP_ID 不正确',
  40056: 'WECOM_AGENT_ID 不正确（不是该应用的 AgentId）',
  48002: '应用没有调用此接口的权限：请在管理后台检查应用的接口权限与可见范围',
  60011: '成员或部门不在应用的可见范围内：请在管理后台调整应用可见范围',
  60020: '服务器出口 IP 不在应用的“企业可信IP”中：请在管理后台 → 应用 → 企业可信IP 中添加本服务器的出口 IP',
  81013: '接收人全部无效或不在应用可见范围内',
  82001: '没有指定接收人',
  42014: 'task_id 已存在（重发）或格式不合法',
  42045: '通知类模板卡片缺少 card_action',
  44004: '消息内容为空',
  45002: '消息内容超长',
};

/** errcode → WecomApiError with a sentence that names the likely cause; `api` is the path, never the URL (token). */
export function wecomError(errcode: number, errmsg: string, api: string): WecomApiError {
  const hint = HINTS[errcode];
  const base = `企业微信接口 ${api} 返回 ${errcode}（${errmsg}）`;
  if (errcode === -1) return new WecomApiError(errcode, `${base}：系统繁忙，稍后重试`, { retryable: true, retryAfterMs: 2000 });
  if (errcode === 45009) return new WecomApiError(errcode, `${base}：调用超过频率限制，暂停后重试`, { retryable: true, retryAfterMs: RATE_LIMIT_BLOCK_MS });
  if (errcode === 45033) return new WecomApiError(errcode, `${base}：并发调用超过限制，稍后重试`, { retryable: true, retryAfterMs: 5000 });
  if (TOKEN_ERRCODES.has(errcode)) return new WecomApiError(errcode, `${base}：access_token 刷新后仍无效`, { retryable: true, retryAfterMs: 5000 });
  return new WecomApiError(errcode, hint ? `${base}：${hint}` : base, { retryable: false });
}

/** Transport failures (timeout, connection refused, HTTP ≠ 200): the request may not have arrived; retry. */
export function transportError(api: string, what: string, cause?: unknown): WecomApiError {
  return new WecomApiError('transport', `企业微信接口 ${api} 请求失败：${what}`, { retryable: true, cause });
}
