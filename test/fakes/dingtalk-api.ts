import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { routeCardApi, type FakeCard } from './dingtalk-api-cards.js';
import { routeRobotApi, type RobotStores } from './dingtalk-api-robot.js';

/**
 * A stateful fake of the DingTalk OpenAPI (dingtalk.md §10.3): api.dingtalk.com and oapi.dingtalk.com routes on one
 * port on 127.0.0.1:0. Tokens that expire (`x-acs-dingtalk-access-token`, oapi `?access_token=`), the error shapes of
 * §5.2 (new API non-2xx `{code,message,requestid}`, old API HTTP 200 + errcode), automatic 403 QpsLimit past 20
 * calls/s per API, injectable failures, robot sends, sessionWebhooks, interactive cards and the address book.
 * Everything sent is stored for assertions.
 */

export interface ApiCall {
  method: string;
  path: string;
  at: number;
  status: number;
  code?: string | number;
}

export interface FakeOrg {
  departments: { id: number; name: string; parentId: number | null }[];
  users: { userid: string; name: string; deptIds: number[] }[];
}

export type Injected = { status: number; body: Record<string, unknown> };

export interface FakeContext {
  now(): number;
  robotCode: string;
  stores: FakeDingtalkApi;
}

export class FakeDingtalkApi implements RobotStores {
  url = '';
  readonly calls: ApiCall[] = [];
  readonly tokensIssued: string[] = [];
  readonly robotMessages: RobotStores['robotMessages'] = [];
  readonly groupMessages: RobotStores['groupMessages'] = [];
  readonly webhookMessages: RobotStores['webhookMessages'] = [];
  readonly sessions: RobotStores['sessions'] = new Map();
  readonly cards = new Map<string, FakeCard>();
  /** Problems the real platform would only show as a misrendered card (non-string cardParamMap values …). */
  readonly cardProblems: string[] = [];
  /** Userids batchSend accepts; undefined = everyone. Others come back in invalidStaffIdList. */
  knownUsers: Set<string> | undefined;
  /** Userids batchSend reports in flowControlledStaffIdList. */
  readonly flowControlled = new Set<string>();
  /** Space ids whose card delivery fails in deliverResults. */
  readonly failDeliveryTo = new Set<string>();
  tokenTtlSec = 7200;
  qpsLimit = 20;
  org: FakeOrg = { departments: [], users: [] };
  private readonly tokens = new Map<string, number>();
  private readonly injected: { prefix: string; failure: Injected; times: number }[] = [];
  private readonly windows = new Map<string, { second: number; count: number }>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: { clientId: string; clientSecret: string; robotCode?: string; now?: () => number }) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` calls whose path starts with `prefix` get this answer (e.g. 403 QpsLimit, 500, errcode -1). */
  failNext(prefix: string, failure: Injected | 'qps' | '5xx', times = 1): void {
    const f = failure === 'qps'
      ? { status: 403, body: { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: '应用调用该接口的请求数超过限流值', requestid: randomUUID() } }
      : failure === '5xx' ? { status: 500, body: { code: 'ServiceUnavailable', message: 'busy', requestid: randomUUID() } } : failure;
    this.injected.push({ prefix, failure: f, times });
  }

  /** Makes every issued token invalid (as after a secret reset), so the next call must refresh. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** A sessionWebhook for a robot message (§10.3): `<fake>/robot/sendBySession?session=<id>`, valid 90 min from createAt. */
  createSession(conversationId: string, createAt: number): { sessionWebhook: string; sessionWebhookExpiredTime: number } {
    const id = randomUUID();
    const expiresAt = createAt + 5_400_000;
    this.sessions.set(id, { conversationId, expiresAt });
    return { sessionWebhook: `${this.url}/robot/sendBySession?session=${id}`, sessionWebhookExpiredTime: expiresAt };
  }

  callsTo(path: string): ApiCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const oapi = path.startsWith('/topapi/') || path === '/gettoken';
    const call: ApiCall = { method: req.method ?? 'GET', path, at: Date.now(), status: 200 };
    this.calls.push(call);
    const reply = (status: number, body: Record<string, unknown>) => {
      call.status = status;
      call.code = (body.code as string | undefined) ?? (body.errcode as number | undefined);
      res.writeHead(status, { 'content-type': 'application/json', 'x-acs-request-id': randomUUID(), 'x-acs-trace-id': randomUUID() });
      res.end(JSON.stringify(body));
    };
    const newErr = (status: number, code: string, message: string) => reply(status, { code, message, requestid: randomUUID() });
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return newErr(400, 'InvalidParameter', 'body is not JSON');
    }

    if (path === '/v1.0/oauth2/accessToken' && req.method === 'POST') {
      if (body.appKey !== this.opts.clientId || body.appSecret !== this.opts.clientSecret) return newErr(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      // §5.1: re-fetching within validity returns the same token and extends it.
      const live = [...this.tokens].find(([, exp]) => exp > Date.now())?.[0] ?? `tok-${randomUUID()}`;
      this.tokens.set(live, Date.now() + this.tokenTtlSec * 1000);
      if (this.tokensIssued.at(-1) !== live) this.tokensIssued.push(live);
      return reply(200, { accessToken: live, expireIn: this.tokenTtlSec });
    }

    const injected = this.injected.find((i) => path.startsWith(i.prefix) && i.times > 0);
    if (injected) {
      injected.times--;
      return reply(injected.failure.status, injected.failure.body);
    }
    // §5.3: > 20 calls/s per API per app → 403 (new API) / errcode 90018 (old API).
    const second = Math.floor(Date.now() / 1000);
    const w = this.windows.get(path);
    const count = w && w.second === second ? w.count + 1 : 1;
    this.windows.set(path, { second, count });
    if (count > this.qpsLimit) {
      return oapi ? reply(200, { errcode: 90018, errmsg: '当前企业调用该接口超过限流阈值' }) : newErr(403, 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', '请求数超过限流值');
    }

    if (path === '/robot/sendBySession') return routeRobotApi(this.ctx(), req.method ?? '', path, url, body, reply, newErr);
    const token = oapi ? url.searchParams.get('access_token') : (req.headers['x-acs-dingtalk-access-token'] as string | undefined);
    const valid = token !== null && token !== undefined && (this.tokens.get(token) ?? 0) > Date.now();
    if (!valid) return oapi ? reply(200, { errcode: 40014, errmsg: '不合法的access_token' }) : newErr(400, 'InvalidAuthentication', '不合法的access_token');

    if (path.startsWith('/v1.0/robot/')) return routeRobotApi(this.ctx(), req.method ?? '', path, url, body, reply, newErr);
    if (path.startsWith('/v1.0/card/')) return routeCardApi(this.ctx(), req.method ?? '', path, body, reply, newErr);
    if (oapi) return this.addressBook(path, body, reply);
    return newErr(404, 'NotFound', `no route ${req.method} ${path}`);
  }

  private ctx(): FakeContext {
    return { now: () => this.now(), robotCode: this.opts.robotCode ?? this.opts.clientId, stores: this };
  }

  /** §6: `result` wrappers; listsub = direct children only; listsimple pages by cursor (size ≤ 100). */
  private addressBook(path: string, body: Record<string, unknown>, reply: (s: number, b: Record<string, unknown>) => void): void {
    const deptId = Number(body.dept_id);
    const dept = this.org.departments.find((d) => d.id === deptId);
    if (!dept) return reply(200, { errcode: 60003, errmsg: '部门不存在' });
    if (path === '/topapi/v2/department/get') return reply(200, { errcode: 0, errmsg: 'ok', result: { dept_id: dept.id, name: dept.name, parent_id: dept.parentId ?? undefined } });
    if (path === '/topapi/v2/department/listsub') {
      const children = this.org.departments.filter((d) => d.parentId === deptId).map((d) => ({ dept_id: d.id, name: d.name, parent_id: d.parentId }));
      return reply(200, { errcode: 0, errmsg: 'ok', result: children });
    }
    if (path === '/topapi/user/listsimple') {
      const size = Number(body.size ?? 100);
      if (!(size >= 1 && size <= 100)) return reply(200, { errcode: 40035, errmsg: '不合法的参数 size' });
      const cursor = Number(body.cursor ?? 0);
      const members = this.org.users.filter((u) => u.deptIds.includes(deptId));
      const list = members.slice(cursor, cursor + size).map((u) => ({ userid: u.userid, name: u.name }));
      const hasMore = cursor + size < members.length;
      return reply(200, { errcode: 0, errmsg: 'ok', result: { has_more: hasMore, ...(hasMore ? { next_cursor: cursor + size } : {}), list } });
    }
    return reply(200, { errcode: 404, errmsg: `no route ${path}` });
  }
}
