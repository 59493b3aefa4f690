import type { DingtalkConfig } from '../../src/config.js';
import { systemClock, type Clock } from '../../src/domain/clock.js';
import type { Logger } from '../../src/log.js';
import { realSleep, TokenBucket, type Sleep } from '../../src/outbox/token-bucket.js';
import { DingtalkApiError, networkFailure, newApiFailure, oapiFailure } from './client-errors.js';

export interface DingtalkClientOptions {
  config: DingtalkConfig;
  logger: Logger;
  /** Per request, including the token call (default 10 s). */
  timeoutMs?: number;
  /** §5.3: 20 calls/s per API per app (standard edition). */
  ratePerSecond?: number;
  /** How often a 403 QpsLimit is retried inside one call before it is handed to the outbox (default 3). */
  qpsRetries?: number;
  /** §5.3: the QPS window is 1 s, so ≈ 1 s of sleep (× attempt, + jitter). */
  qpsRetryDelayMs?: number;
  sleep?: Sleep;
  /** Real time for token expiry and the limiter (never a test's standing ManualClock). */
  clock?: Clock;
  random?: () => number;
}

export interface StreamSubscription {
  type: 'EVENT' | 'CALLBACK';
  topic: string;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/** §5.1: refresh a few minutes before expiry (Python SDK: 5 min). */
const REFRESH_EARLY_MS = 5 * 60_000;
type Method = 'GET' | 'POST' | 'PUT';

/**
 * The only place that talks HTTP to DingTalk: the Stream gateway registration, the new API (api.dingtalk.com,
 * header token), the old API (oapi, `?access_token=`) and sessionWebhooks. Token cached and single-flight; every
 * failure a typed DingtalkApiError; a rate limiter per API; a timeout on every call. Never logs tokens, secrets,
 * tickets or webhook URLs (a sessionWebhook is a credential for its conversation).
 */
export class DingtalkClient {
  private readonly config: DingtalkConfig;
  private readonly timeoutMs: number;
  private readonly sleep: Sleep;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly buckets = new Map<string, TokenBucket>();
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  /** Calls per API path, for diagnostics and tests. */
  readonly calls = new Map<string, number>();

  constructor(private readonly opts: DingtalkClientOptions) {
    this.config = opts.config;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.sleep = opts.sleep ?? realSleep;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
  }

  /** §1.1: registers a Stream connection; the ticket opens exactly one socket within 90 s, so it is never cached. */
  async openStreamConnection(subscriptions: StreamSubscription[], ua: string): Promise<{ endpoint: string; ticket: string }> {
    const body = { clientId: this.config.clientId, clientSecret: this.config.clientSecret, subscriptions, ua };
    const res = await this.fetchJson(this.config.gatewayUrl, 'POST', body, {}, 'gateway connections/open');
    if (res.status < 200 || res.status >= 300) throw newApiFailure(res.status, res.json, 'gateway connections/open');
    const { endpoint, ticket } = (res.json ?? {}) as { endpoint?: unknown; ticket?: unknown };
    if (typeof endpoint !== 'string' || typeof ticket !== 'string') {
      throw new DingtalkApiError('server', 'bad-answer', 'gateway connections/open: no endpoint/ticket in the answer');
    }
    return { endpoint, ticket };
  }

  /** §5.1: `POST /v1.0/oauth2/accessToken`, cached per app and shared by concurrent callers. */
  accessToken(): Promise<string> {
    const now = this.clock.now().getTime();
    if (this.cached && now < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const what = 'oauth2/accessToken';
    const res = await this.fetchJson(`${this.config.apiBaseUrl}/v1.0/oauth2/accessToken`, 'POST',
      { appKey: this.config.clientId, appSecret: this.config.clientSecret }, {}, what);
    if (res.status < 200 || res.status >= 300) throw newApiFailure(res.status, res.json, what);
    const { accessToken, expireIn } = (res.json ?? {}) as { accessToken?: unknown; expireIn?: unknown };
    if (typeof accessToken !== 'string' || accessToken === '') throw new DingtalkApiError('server', 'bad-answer', `${what}: no accessToken`);
    const ttlMs = (typeof expireIn === 'number' && expireIn > 0 ? expireIn : 7200) * 1000;
    // Short-lived tokens (tests) are refreshed at half their life rather than never used.
    const early = Math.min(REFRESH_EARLY_MS, ttlMs / 2);
    this.cached = { token: accessToken, refreshAt: this.clock.now().getTime() + ttlMs - early };
    return accessToken;
  }

  /** Drops the cached token if it is the one that was refused (a newer one may already be there). */
  private invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  /** A new-API call (`x-acs-dingtalk-access-token`); non-2xx answers become DingtalkApiError (§5.2). */
  async api<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return this.withRetries(path, async (token) => {
      const res = await this.fetchJson(`${this.config.apiBaseUrl}${path}`, method, body, { 'x-acs-dingtalk-access-token': token }, path);
      if (res.status >= 200 && res.status < 300) return res.json as T;
      throw newApiFailure(res.status, res.json, `${method} ${path}`);
    });
  }

  /** An old-API call: POST JSON with `?access_token=`; HTTP 200 with errcode ≠ 0 is a failure (§5.2, §6). */
  async oapi<T>(path: string, body: unknown): Promise<T> {
    return this.withRetries(path, async (token) => {
      const url = `${this.config.oapiBaseUrl}${path}?access_token=${encodeURIComponent(token)}`;
      const res = await this.fetchJson(url, 'POST', body, {}, path);
      if (res.status < 200 || res.status >= 300) throw newApiFailure(res.status, res.json, `POST ${path}`);
      const failure = oapiFailure(res.json, `POST ${path}`);
      if (failure) throw failure;
      return res.json as T;
    });
  }

  /**
   * §3.2: POST to a robot message's sessionWebhook. No token needed; failures are HTTP 200 with errcode ≠ 0.
   * Not retried here: the caller falls back to the OpenAPI.
   */
  async sessionWebhook(url: string, body: unknown): Promise<void> {
    const what = 'sessionWebhook';
    await this.bucket(what).take();
    const res = await this.fetchJson(url, 'POST', body, {}, what);
    if (res.status < 200 || res.status >= 300) throw newApiFailure(res.status, res.json, what);
    const failure = oapiFailure(res.json, what);
    if (failure) throw failure;
  }

  /** Rate limit, token, one refresh on an invalid token (§9.7), QPS retries after ≈ 1 s (§9.9). */
  private async withRetries<T>(path: string, call: (token: string) => Promise<T>): Promise<T> {
    let refreshed = false;
    let qps = 0;
    for (;;) {
      await this.bucket(path).take();
      const token = await this.accessToken();
      try {
        return await call(token);
      } catch (err) {
        if (!(err instanceof DingtalkApiError)) throw err;
        if (err.kind === 'token' && !refreshed) {
          refreshed = true;
          this.invalidate(token);
          continue;
        }
        if (err.kind === 'qps' && qps < (this.opts.qpsRetries ?? 3)) {
          qps++;
          const base = this.opts.qpsRetryDelayMs ?? 1000;
          this.opts.logger.warn({ path, attempt: qps }, 'dingtalk: QPS limit, retrying after a pause');
          await this.sleep(Math.round(base * qps + base * 0.5 * this.random()));
          continue;
        }
        throw err;
      }
    }
  }

  private bucket(path: string): TokenBucket {
    let b = this.buckets.get(path);
    if (!b) {
      const rate = this.opts.ratePerSecond ?? 20;
      // Burst 1: DingTalk counts per 1-s window (§5.3); a full bucket plus a second's refill would be 2× the limit.
      b = new TokenBucket(rate, 1, this.clock, this.sleep);
      this.buckets.set(path, b);
    }
    return b;
  }

  private async fetchJson(url: string, method: Method, body: unknown, headers: Record<string, string>, what: string): Promise<{ status: number; json: unknown }> {
    this.calls.set(what, (this.calls.get(what) ?? 0) + 1);
    const started = Date.now();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        // §1.1: the gateway answers XML without `Accept: application/json` (Node SDK comment).
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw networkFailure(err, what, this.timeoutMs);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw networkFailure(err, what, this.timeoutMs);
    }
    this.opts.logger.debug({ api: what, status: res.status, ms: Date.now() - started }, 'dingtalk call');
    if (text === '') return { status: res.status, json: {} };
    try {
      return { status: res.status, json: JSON.parse(text) as unknown };
    } catch {
      // §5.3: an IP ban can answer with an HTML page; anything else unparsable is the server's fault.
      const banned = /punish|deny/i.test(text);
      throw new DingtalkApiError(banned ? 'banned' : 'server', `http-${res.status}`, `${what}: HTTP ${res.status}, not JSON`, {
        httpStatus: res.status, ...(banned ? { retryAfterMs: 5 * 60_000 } : {}),
      });
    }
  }
}
