import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTemplateCard, isInteractive } from './wecom-card-rules.js';
import { directoryRoutes, type FakeDirectory } from './wecom-directory.js';

/**
 * A stateful fake of the WeCom API (wecom.md §17) on 127.0.0.1:0. Every answer is HTTP 200 with errcode/errmsg.
 * Tokens expire and can be revoked; message/send validates and stores; task_ids are remembered (42014);
 * response codes are single use (update_template_card, the smart bot's response_url); faults can be queued.
 */
export interface FakeApp {
  corpId: string;
  secret: string;
  agentId: number;
}

export interface SentMessage {
  msgid: string;
  msgtype: string;
  touser: string[];
  body: Record<string, unknown>;
  taskId?: string;
  responseCode?: string;
}

export interface CardUpdate {
  responseCode: string;
  taskId: string | undefined;
  userids: string[];
  button?: { replace_name: string };
  templateCard?: Record<string, unknown>;
}

export interface Fault {
  errcode?: number;
  /** Answer after this long (slow WeCom). */
  delayMs?: number;
  /** Answer with this HTTP status instead (e.g. 502 from a proxy). */
  httpStatus?: number;
}

interface Token { app: FakeApp; expiresAt: number; revoked: boolean }
interface Code { taskId: string | undefined; expiresAt: number; used: boolean; kind: 'card' | 'bot' }

const json = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export class FakeWecomApi {
  url = '';
  tokenTtlSeconds = 7200;
  readonly tokens = new Map<string, Token>();
  tokenCalls = 0;
  readonly sent: SentMessage[] = [];
  readonly updates: CardUpdate[] = [];
  readonly botReplies: { responseCode: string; body: Record<string, unknown> }[] = [];
  readonly taskIds = new Set<string>();
  readonly codes = new Map<string, Code>();
  readonly faults = new Map<string, Fault[]>();
  /** Calls per path (after faults), for tests that look at traffic. */
  readonly calls = new Map<string, number>();
  /** After this many successful message/send calls every token expires (a 42001 in the middle of a run). */
  expireTokensAfterSends: number | undefined;
  readonly directory: FakeDirectory = { departments: [], users: [], visible: undefined };
  private server: Server | undefined;
  private sends = 0;
  private seq = 0;

  constructor(readonly app: FakeApp, readonly knownUsers: Set<string> = new Set()) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
    this.server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Queues answers for `path` (e.g. '/cgi-bin/message/send'): each fault is used once, in order. */
  fail(path: string, ...faults: Fault[]): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), ...faults]);
  }

  /** Expires (42001) or revokes (40014) every token handed out so far. */
  invalidateTokens(how: 'expire' | 'revoke' = 'expire'): void {
    for (const t of this.tokens.values()) {
      if (how === 'expire') t.expiresAt = 0;
      else t.revoked = true;
    }
  }

  /** A ResponseCode as a click callback carries it (§4.2): valid 72 h, once. */
  issueResponseCode(taskId: string | undefined, kind: 'card' | 'bot' = 'card'): string {
    const code = `RC${++this.seq}${randomBytes(6).toString('hex')}`;
    this.codes.set(code, { taskId, expiresAt: Date.now() + (kind === 'card' ? 72 : 1) * 3600_000, used: false, kind });
    return code;
  }

  /** A smart-bot response_url on this fake (§12: once, within 1 h). */
  responseUrl(): string {
    return `${this.url}/cgi-bin/aibot/response?response_code=${this.issueResponseCode(undefined, 'bot')}`;
  }

  /** Messages delivered to a member (case-insensitive, as WeCom treats userids). */
  sentTo(userid: string): SentMessage[] {
    return this.sent.filter((m) => m.touser.some((u) => u.toLowerCase() === userid.toLowerCase()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const fault = this.faults.get(path)?.shift();
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.httpStatus) {
      res.writeHead(fault.httpStatus);
      res.end('bad gateway');
      return;
    }
    if (fault?.errcode !== undefined) return json(res, { errcode: fault.errcode, errmsg: `injected ${fault.errcode}` });
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
    let body: Record<string, unknown> = {};
    if (chunks.length > 0) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return json(res, { errcode: 47001, errmsg: 'data format error' });
      }
    }
    if (path === '/cgi-bin/gettoken') return json(res, this.getToken(url));
    if (path === '/cgi-bin/aibot/response') return json(res, this.botResponse(url, body));
    const auth = this.authorize(url.searchParams.get('access_token'));
    if (auth) return json(res, auth);
    if (path === '/cgi-bin/message/send') return json(res, this.send(body));
    if (path === '/cgi-bin/message/update_template_card') return json(res, this.update(body));
    const dir = directoryRoutes(this.directory, path, url, body);
    if (dir) return json(res, dir);
    return json(res, { errcode: 40008, errmsg: `unknown api ${path}` });
  }

  private getToken(url: URL): Record<string, unknown> {
    this.tokenCalls++;
    if (url.searchParams.get('corpid') !== this.app.corpId) return { errcode: 40013, errmsg: 'invalid corpid' };
    if (url.searchParams.get('corpsecret') !== this.app.secret) return { errcode: 40001, errmsg: 'invalid credential' };
    const token = `at${++this.seq}${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { app: this.app, expiresAt: Date.now() + this.tokenTtlSeconds * 1000, revoked: false });
    return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: this.tokenTtlSeconds };
  }

  private authorize(token: string | null): Record<string, unknown> | undefined {
    if (!token) return { errcode: 41001, errmsg: 'access_token missing' };
    const t = this.tokens.get(token);
    if (!t || t.revoked) return { errcode: 40014, errmsg: 'invalid access_token' };
    if (t.expiresAt <= Date.now()) return { errcode: 42001, errmsg: 'access_token expired' };
    return undefined;
  }

  private send(body: Record<string, unknown>): Record<string, unknown> {
    if (body.agentid !== this.app.agentId) return { errcode: 40056, errmsg: 'invalid agentid' };
    const msgtype = body.msgtype;
    if (msgtype !== 'text' && msgtype !== 'markdown' && msgtype !== 'template_card') return { errcode: 40008, errmsg: 'invalid message type' };
    const content = msgtype === 'template_card' ? undefined : (body[msgtype] as { content?: unknown } | undefined)?.content;
    if (msgtype !== 'template_card' && (typeof content !== 'string' || content === '')) return { errcode: 44004, errmsg: 'empty content' };
    if (typeof content === 'string' && Buffer.byteLength(content) > 2048) return { errcode: 45002, errmsg: 'content size out of limit' };
    const card = body.template_card as Record<string, unknown> | undefined;
    if (msgtype === 'template_card') {
      const check = checkTemplateCard(card);
      if (check.errcode !== 0) return check;
    }
    const touser = typeof body.touser === 'string' ? body.touser.split('|').filter(Boolean) : [];
    if (touser.length === 0) return { errcode: 82001, errmsg: 'touser, toparty, totag all empty' };
    if (touser.length > 1000) return { errcode: 40031, errmsg: 'invalid user list size' };
    const known = touser.filter((u) => this.knownUsers.has(u.toLowerCase()));
    const invalid = touser.filter((u) => !this.knownUsers.has(u.toLowerCase())).map((u) => u.toLowerCase());
    if (known.length === 0) return { errcode: 81013, errmsg: 'user & party & tag all invalid' };
    const taskId = card?.task_id as string | undefined;
    if (taskId !== undefined) {
      if (this.taskIds.has(taskId)) return { errcode: 42014, errmsg: 'task_id exist' };
      this.taskIds.add(taskId);
    }
    const msgid = `msg${++this.seq}`;
    const responseCode = msgtype === 'template_card' && isInteractive(card) ? this.issueResponseCode(taskId) : undefined;
    this.sent.push({ msgid, msgtype, touser: known, body, ...(taskId ? { taskId } : {}), ...(responseCode ? { responseCode } : {}) });
    this.sends++;
    if (this.expireTokensAfterSends !== undefined && this.sends === this.expireTokensAfterSends) this.invalidateTokens('expire');
    return { errcode: 0, errmsg: 'ok', invaliduser: invalid.join('|'), msgid, ...(responseCode ? { response_code: responseCode } : {}) };
  }

  private useCode(code: unknown, kind: 'card' | 'bot'): Code | { errcode: number; errmsg: string } {
    const c = typeof code === 'string' ? this.codes.get(code) : undefined;
    if (!c || c.kind !== kind) return { errcode: 40008, errmsg: 'invalid response_code' };
    if (c.used || c.expiresAt <= Date.now()) return { errcode: 40008, errmsg: 'response_code used or expired' };
    c.used = true;
    return c;
  }

  private update(body: Record<string, unknown>): Record<string, unknown> {
    if (body.agentid !== this.app.agentId) return { errcode: 40056, errmsg: 'invalid agentid' };
    const c = this.useCode(body.response_code, 'card');
    if ('errcode' in c) return c;
    const button = body.button as { replace_name?: string } | undefined;
    if (button && !button.replace_name) return { errcode: 42020, errmsg: 'button replace_name missing' };
    const card = body.template_card as Record<string, unknown> | undefined;
    if (!button && !card) return { errcode: 40008, errmsg: 'button or template_card required' };
    this.updates.push({
      responseCode: body.response_code as string, taskId: c.taskId, userids: (body.userids as string[] | undefined) ?? [],
      ...(button ? { button: { replace_name: button.replace_name! } } : {}), ...(card ? { templateCard: card } : {}),
    });
    return { errcode: 0, errmsg: 'ok' };
  }

  private botResponse(url: URL, body: Record<string, unknown>): Record<string, unknown> {
    const code = url.searchParams.get('response_code');
    const c = this.useCode(code, 'bot');
    if ('errcode' in c) return c;
    if (body.msgtype !== 'markdown' && body.msgtype !== 'template_card') return { errcode: 40008, errmsg: 'invalid msgtype' };
    this.botReplies.push({ responseCode: code!, body });
    return { errcode: 0, errmsg: 'ok' };
  }
}
