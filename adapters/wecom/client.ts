import type { Logger } from '../../src/log.js';
import type { TokenBucket } from '../../src/outbox/token-bucket.js';
import { TOKEN_ERRCODES, transportError, wecomError, WecomApiError } from './api-errors.js';

/**
 * The only place that talks HTTP to WeCom (ARCHITECTURE §2). One instance per app (per secret, §6): it owns
 * the access token — cached, refreshed early and single-flight, refreshed once more when WeCom says it is
 * invalid — and turns every errcode ≠ 0 into a WecomApiError (§14).
 */
export interface WecomClientOptions {
  baseUrl: string;
  corpId: string;
  secret: string;
  logger: Logger;
  /** Per request; WeCom normally answers in well under a second. */
  timeoutMs?: number;
  /** Real time for token lifetimes (WeCom's clock, not the business clock). */
  now?: () => number;
  /** Calls per second over all APIs (§15: ≤ 10 000/min per corp and API). */
  limiter?: TokenBucket;
}

export interface WecomResult {
  errcode: number;
  errmsg: string;
  [k: string]: unknown;
}

/** Refresh this long before WeCom's expiry (§6: "a few minutes before"), or at half-life for short tokens. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export class WecomClient {
  private token: { value: string; refreshAt: number } | undefined;
  private refreshing: Promise<string> | undefined;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  /** gettoken calls made, for logs and tests. */
  tokenFetches = 0;

  constructor(private readonly opts: WecomClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** §6: a cached token, or one fetch shared by every caller waiting for it. */
  async accessToken(): Promise<string> {
    const t = this.token;
    if (t && this.now() < t.refreshAt) return t.value;
    this.refreshing ??= this.fetchToken().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Drops `stale` (and only it: a newer token fetched meanwhile by another caller stays). */
  private invalidate(stale: string): void {
    if (this.token?.value === stale) this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    this.tokenFetches++;
    const res = await this.request('GET', '/cgi-bin/gettoken', { corpid: this.opts.corpId, corpsecret: this.opts.secret });
    if (res.errcode !== 0) throw wecomError(res.errcode, res.errmsg, '/cgi-bin/gettoken');
    const value = typeof res.access_token === 'string' ? res.access_token : '';
    const lifetimeMs = Number(res.expires_in ?? 7200) * 1000;
    if (!value || !(lifetimeMs > 0)) throw transportError('/cgi-bin/gettoken', '返回中没有 access_token');
    const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
    this.token = { value, refreshAt: this.now() + lifetimeMs - margin };
    this.opts.logger.debug({ expiresInS: lifetimeMs / 1000 }, 'wecom access token refreshed');
    return value;
  }

  /** An authenticated call. errcode 40014/41001/42001 → refresh and retry once (§6); other errcodes throw. */
  async call(method: 'GET' | 'POST', path: string, args: { query?: Record<string, string>; body?: unknown } = {}): Promise<WecomResult> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const res = await this.request(method, path, { ...args.query, access_token: token }, args.body);
      if (res.errcode === 0) return res;
      if (TOKEN_ERRCODES.has(res.errcode) && attempt === 0) {
        this.opts.logger.info({ api: path, errcode: res.errcode }, 'wecom access token rejected; refreshing once');
        this.invalidate(token);
        continue;
      }
      throw wecomError(res.errcode, res.errmsg, path);
    }
  }

  /** `response_url` of the smart bot (§12): no token, once, within 1 h. Only URLs on the API host are called. */
  async postResponseUrl(url: string, body: unknown): Promise<WecomResult> {
    const target = new URL(url);
    if (target.origin !== new URL(this.opts.baseUrl).origin) throw new WecomApiError('response_url', `response_url 不在企业微信接口域名下：${target.origin}`, { retryable: false });
    const res = await this.fetchJson('POST', target, '/cgi-bin/aibot/response', body);
    if (res.errcode !== 0) throw wecomError(res.errcode, res.errmsg, '/cgi-bin/aibot/response');
    return res;
  }

  private async request(method: 'GET' | 'POST', path: string, query: Record<string, string>, body?: unknown): Promise<WecomResult> {
    const url = new URL(this.opts.baseUrl + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return this.fetchJson(method, url, path, body);
  }

  /** HTTP with a timeout; `api` (the path) is what errors and logs name — the URL carries the token. */
  private async fetchJson(method: 'GET' | 'POST', url: URL, api: string, body?: unknown): Promise<WecomResult> {
    await this.opts.limiter?.take(1);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    } catch (err) {
      const what = err instanceof Error && err.name === 'TimeoutError' ? `${this.timeoutMs} ms 内没有应答` : '连接失败';
      throw transportError(api, what, err instanceof Error ? new Error(err.message) : undefined);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw transportError(api, '读取应答失败', err instanceof Error ? new Error(err.message) : undefined);
    }
    if (res.status !== 200) throw transportError(api, `HTTP ${res.status}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw transportError(api, '应答不是 JSON');
    }
    const r = json as Partial<WecomResult> | null;
    if (!r || typeof r !== 'object') throw transportError(api, '应答不是 JSON 对象');
    // §7: every API answers errcode; a missing one (e.g. a proxy's page) is not success.
    const errcode = typeof r.errcode === 'number' ? r.errcode : Number(r.errcode ?? NaN);
    if (!Number.isFinite(errcode)) throw transportError(api, '应答缺少 errcode');
    return { ...r, errcode, errmsg: typeof r.errmsg === 'string' ? r.errmsg : '' } as WecomResult;
  }
}
