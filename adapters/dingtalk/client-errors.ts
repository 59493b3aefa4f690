import { PlatformError } from '../../src/errors.js';

/**
 * Every DingTalk failure as one typed error (§5.2, §9.8): new-API `{code,message,requestid}` bodies with a non-2xx
 * status, old-API (oapi, sessionWebhook) `errcode` bodies with HTTP 200, network failures and timeouts.
 * `kind` tells the client what to do; `retryable` tells the outbox.
 */
export type DingtalkFailureKind = 'token' | 'qps' | 'quota' | 'server' | 'client' | 'network' | 'banned';

export class DingtalkApiError extends PlatformError {
  readonly kind: DingtalkFailureKind;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(kind: DingtalkFailureKind, code: string | number, message: string, opts: {
    httpStatus?: number; requestId?: string; retryAfterMs?: number; cause?: unknown;
  } = {}) {
    // Monthly quota (§5.3: "stop") and plain client errors cannot be helped by retrying; the rest can.
    super('dingtalk', code, message, { retryable: kind !== 'quota' && kind !== 'client', cause: opts.cause });
    this.kind = kind;
    this.httpStatus = opts.httpStatus;
    this.requestId = opts.requestId;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** §5.3: an egress IP over 10 000 calls / 20 s is banned for 5 min; the answer is HTML or `{status:1111, punish}`. */
const IP_BAN_MS = 5 * 60_000;

/** A new-API (api.dingtalk.com) answer with a non-2xx status. */
export function newApiFailure(status: number, body: unknown, what: string): DingtalkApiError {
  const b = (body && typeof body === 'object' ? body : {}) as Json;
  const code = str(b.code) ?? String(status);
  const message = `${what}: HTTP ${status} ${code}${str(b.message) ? ` — ${str(b.message)}` : ''}`;
  const requestId = str(b.requestid) ?? str(b.requestId);
  const opts = { httpStatus: status, ...(requestId ? { requestId } : {}) };
  if (b.punish !== undefined || b.status === 1111) return new DingtalkApiError('banned', code, message, { ...opts, retryAfterMs: IP_BAN_MS });
  // §5.2: an invalid token comes back as HTTP 400 `InvalidAuthentication`; the Python SDK also resets on 401.
  if (code === 'InvalidAuthentication' || status === 401) return new DingtalkApiError('token', code, message, opts);
  // §5.3: throttling is 403 `Forbidden.AccessDenied.QpsLimit…` (1-s window), not 429; quota exhaustion is final.
  if (/^Forbidden\.AccessDenied\.Qps/i.test(code) || status === 429) return new DingtalkApiError('qps', code, message, { ...opts, retryAfterMs: 1000 });
  if (/ApiCountLimitForOrg/i.test(code)) return new DingtalkApiError('quota', code, message, opts);
  if (status >= 500) return new DingtalkApiError('server', code, message, opts);
  return new DingtalkApiError('client', code, message, opts);
}

/**
 * An old-API body (oapi, sessionWebhook): HTTP 200 with `errcode` (§5.2). Returns undefined when errcode is 0.
 * 40014/42001 invalid/expired token; 90018/90002 QPS; 90020 monthly quota; -1 system busy (§5.2–5.3).
 */
export function oapiFailure(body: unknown, what: string): DingtalkApiError | undefined {
  const b = (body && typeof body === 'object' ? body : {}) as Json;
  if (b.punish !== undefined || b.status === 1111) return new DingtalkApiError('banned', 'ip-banned', `${what}: egress IP banned`, { retryAfterMs: IP_BAN_MS });
  const errcode = typeof b.errcode === 'number' ? b.errcode : Number(b.errcode ?? 0);
  if (errcode === 0) return undefined;
  const sub = str(b.sub_code) ? ` (sub_code ${str(b.sub_code)} ${str(b.sub_msg) ?? ''})` : '';
  const message = `${what}: errcode ${errcode} ${str(b.errmsg) ?? ''}${sub}`.trim();
  const requestId = str(b.request_id);
  const opts = requestId ? { requestId } : {};
  if (errcode === 40014 || errcode === 42001) return new DingtalkApiError('token', errcode, message, opts);
  if (errcode === 90018 || errcode === 90002) return new DingtalkApiError('qps', errcode, message, { ...opts, retryAfterMs: 1000 });
  if (errcode === 90020) return new DingtalkApiError('quota', errcode, message, opts);
  if (errcode === -1) return new DingtalkApiError('server', errcode, message, opts);
  return new DingtalkApiError('client', errcode, message, opts);
}

/** fetch itself failed: connection refused/reset, DNS, or our timeout (AbortSignal.timeout → TimeoutError). */
export function networkFailure(err: unknown, what: string, timeoutMs: number): DingtalkApiError {
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  const reason = timedOut ? `no answer within ${timeoutMs} ms` : err instanceof Error ? err.message : String(err);
  return new DingtalkApiError('network', timedOut ? 'timeout' : 'network', `${what}: ${reason}`, { cause: err });
}

/** Retry delay for the outbox from any error a send produced (undefined: the outbox's own backoff). */
export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof DingtalkApiError ? err.retryAfterMs : undefined;
}
