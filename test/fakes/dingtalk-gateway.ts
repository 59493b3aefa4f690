import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

/**
 * A faithful fake of the DingTalk Stream gateway (dingtalk.md §1, §10.1) on 127.0.0.1:0: `POST
 * /v1.0/gateway/connections/open` hands out single-use tickets valid 90 s, a real `ws` server on `/connect?ticket=`
 * speaks the frame protocol (text frames of JSON, `data` a JSON string, `time` a string, unique messageId), SYSTEM
 * ping expecting the opaque echoed, SYSTEM disconnect then close, CALLBACK pushes only to subscribed connections,
 * re-push of un-ACKed pushes with identical data, refused registrations or handshakes, and a zombie mode.
 */

export interface GatewaySubscription {
  type: string;
  topic: string;
}

export interface FakeConnection {
  id: string;
  ws: WebSocket;
  subscriptions: GatewaySubscription[];
  openedAt: number;
  closedAt?: number;
  /** After SYSTEM disconnect: nothing more is pushed here. */
  draining: boolean;
  /** Zombie: open, but the gateway sends nothing (§8 "silent death"). */
  silent: boolean;
}

export interface PushRecord {
  messageId: string;
  topic: string;
  data: string;
  connectionId: string;
  sentAt: number;
  ackedAt?: number;
  ack?: { code: number; data: unknown; raw: Record<string, unknown> };
  /** Set on a re-push: the messageId of the first push of the same data. */
  redeliveryOf?: string;
}

export interface Registration {
  at: number;
  status: number;
  subscriptions?: GatewaySubscription[];
}

export class FakeDingtalkGateway {
  /** `http://127.0.0.1:<port>/v1.0/gateway/connections/open`, for DINGTALK_GATEWAY_URL. */
  openUrl = '';
  readonly registrations: Registration[] = [];
  readonly handshakes: { at: number; accepted: boolean; reason?: string }[] = [];
  readonly connections: FakeConnection[] = [];
  readonly pushes: PushRecord[] = [];
  readonly pings: { messageId: string; opaque: string; connectionId: string; echoed?: boolean }[] = [];
  /** Refuse new connections at registration (HTTP 503) or at the WebSocket upgrade (HTTP 403). */
  refuse: null | 'register' | 'upgrade' = null;
  private readonly tickets = new Map<string, { issuedAt: number; used: boolean; subscriptions: GatewaySubscription[] }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;
  /** No automatic pong: a zombie connection must not answer WebSocket pings either. */
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: {
    clientId: string;
    clientSecret: string;
    /** Re-push un-ACKed CALLBACK frames after this long (production ≈ 60 s, §1.5); 0 = never. */
    redeliverAfterMs?: number;
    maxRedeliveries?: number;
    ticketTtlMs?: number;
  }) {
    this.server = createServer((req, res) => void this.onHttp(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.openUrl = `http://127.0.0.1:${port}/v1.0/gateway/connections/open`;
    return this;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.connections) c.ws.terminate();
    for (const s of this.sockets) s.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Open connections, oldest first. */
  get open(): FakeConnection[] {
    return this.connections.filter((c) => c.ws.readyState === WebSocket.OPEN);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown) => {
      this.registrations.push({ at: Date.now(), status, ...(status === 200 ? { subscriptions: (parsed as { subscriptions: GatewaySubscription[] }).subscriptions } : {}) });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    let parsed: unknown = {};
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v1.0/gateway/connections/open') {
      send(404, { code: 'NotFound', message: 'no such route', requestid: randomUUID() });
      return;
    }
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      send(400, { code: 'InvalidParameter', message: 'body is not JSON', requestid: randomUUID() });
      return;
    }
    const b = parsed as { clientId?: string; clientSecret?: string; subscriptions?: unknown };
    if (this.refuse === 'register') return send(503, { code: 'ServiceUnavailable', message: 'gateway busy', requestid: randomUUID() });
    // §1.1: the bad-credential body is unconfirmed; presumably §5.2's shape.
    if (b.clientId !== this.opts.clientId || b.clientSecret !== this.opts.clientSecret) {
      return send(401, { code: 'invalidClientIdOrSecret', message: '无效的clientId或clientSecret', requestid: randomUUID() });
    }
    const subs = Array.isArray(b.subscriptions) ? (b.subscriptions as GatewaySubscription[]) : [];
    if (subs.length === 0 || subs.some((s) => !['EVENT', 'CALLBACK'].includes(s.type) || typeof s.topic !== 'string')) {
      return send(400, { code: 'InvalidParameter', message: 'subscriptions invalid', requestid: randomUUID() });
    }
    const ticket = randomUUID();
    this.tickets.set(ticket, { issuedAt: Date.now(), used: false, subscriptions: subs });
    const { port } = this.server.address() as AddressInfo;
    send(200, { endpoint: `ws://127.0.0.1:${port}/connect`, ticket });
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = this.tickets.get(url.searchParams.get('ticket') ?? '');
    const reject = (reason: string) => {
      this.handshakes.push({ at: Date.now(), accepted: false, reason });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    };
    if (url.pathname !== '/connect') return reject('path');
    if (this.refuse === 'upgrade') return reject('refused');
    if (!ticket) return reject('unknown ticket');
    // §1.1: valid 90 s, opens exactly one connection.
    if (ticket.used) return reject('ticket reused');
    if (Date.now() - ticket.issuedAt > (this.opts.ticketTtlMs ?? 90_000)) return reject('ticket expired');
    ticket.used = true;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.handshakes.push({ at: Date.now(), accepted: true });
      const conn: FakeConnection = { id: randomUUID(), ws, subscriptions: ticket.subscriptions, openedAt: Date.now(), draining: false, silent: false };
      this.connections.push(conn);
      ws.on('message', (data) => this.onUpstream(conn, data.toString()));
      ws.on('ping', (data) => {
        if (!conn.silent) ws.pong(data);
      });
      ws.on('close', () => {
        conn.closedAt = Date.now();
      });
    });
  }

  /** §1.4: an upstream frame with `code` + `headers.messageId` is an ACK; `data` is a JSON string. */
  private onUpstream(conn: FakeConnection, text: string): void {
    let f: { code?: number; headers?: { messageId?: string }; data?: string };
    try {
      f = JSON.parse(text) as typeof f;
    } catch {
      return;
    }
    const id = f.headers?.messageId;
    if (typeof f.code !== 'number' || !id) return;
    let data: unknown;
    try {
      data = typeof f.data === 'string' ? JSON.parse(f.data) : f.data;
    } catch {
      data = f.data;
    }
    const ping = this.pings.find((p) => p.messageId === id);
    if (ping) {
      ping.echoed = (data as { opaque?: string } | undefined)?.opaque === ping.opaque;
      return;
    }
    const push = this.pushes.find((p) => p.messageId === id && p.connectionId === conn.id);
    if (push && push.ackedAt === undefined) {
      push.ackedAt = Date.now();
      push.ack = { code: f.code, data, raw: f as Record<string, unknown> };
    }
  }

  private frame(type: string, topic: string, data: string, conn: FakeConnection, messageId: string): string {
    return JSON.stringify({
      specVersion: '1.0', type,
      headers: { appId: 'fake-app', connectionId: conn.id, contentType: 'application/json', messageId, time: String(Date.now()), topic },
      data,
    });
  }

  private pickConnection(topic: string): FakeConnection | undefined {
    // §1.2: each push goes to one connection picked at random among the subscribed ones.
    const live = this.open.filter((c) => !c.draining && !c.silent && c.subscriptions.some((s) => s.type === 'CALLBACK' && s.topic === topic));
    return live[Math.floor(Math.random() * live.length)];
  }

  /** Pushes a CALLBACK with `data` JSON-encoded; re-pushed with identical data when not ACKed in time (§1.5). */
  push(topic: string, data: unknown, redeliveryOf?: string): PushRecord | undefined {
    const conn = this.pickConnection(topic);
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    if (!conn) return undefined;
    const messageId = `${randomUUID().slice(0, 8)}_${this.pushes.length}`;
    const rec: PushRecord = { messageId, topic, data: text, connectionId: conn.id, sentAt: Date.now(), ...(redeliveryOf ? { redeliveryOf } : {}) };
    this.pushes.push(rec);
    conn.ws.send(this.frame('CALLBACK', topic, text, conn, messageId));
    const after = this.opts.redeliverAfterMs ?? 0;
    const first = redeliveryOf ?? messageId;
    if (after > 0 && this.pushes.filter((p) => p.redeliveryOf === first).length < (this.opts.maxRedeliveries ?? 1)) {
      this.later(after, () => {
        if (rec.ackedAt === undefined) this.push(topic, text, first);
      });
    }
    return rec;
  }

  /** Re-pushes a message as DingTalk does even after an ACK (§1.5: duplicates occur with ACKs too). */
  repush(rec: PushRecord): PushRecord | undefined {
    return this.push(rec.topic, rec.data, rec.redeliveryOf ?? rec.messageId);
  }

  /** SYSTEM ping with an opaque the client must echo (§1.3–1.4). */
  ping(conn: FakeConnection): string {
    const opaque = randomUUID();
    const messageId = `ping_${randomUUID().slice(0, 8)}`;
    this.pings.push({ messageId, opaque, connectionId: conn.id });
    conn.ws.send(this.frame('SYSTEM', 'ping', JSON.stringify({ opaque }), conn, messageId));
    return opaque;
  }

  /** SYSTEM disconnect, no more pushes on it, TCP closed after `closeAfterMs` (≈ 10 s in production, §1.3). */
  disconnect(conn: FakeConnection, closeAfterMs: number): void {
    conn.draining = true;
    conn.ws.send(this.frame('SYSTEM', 'disconnect', JSON.stringify({ reason: 'connection is expired' }), conn, `sys_${randomUUID().slice(0, 8)}`));
    this.later(closeAfterMs, () => conn.ws.close(1000, 'expired'));
  }

  async waitFor(probe: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!probe()) {
      if (Date.now() > until) throw new Error(`fake gateway: ${what} not reached within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async waitForAck(rec: PushRecord, timeoutMs = 5000): Promise<NonNullable<PushRecord['ack']>> {
    await this.waitFor(() => rec.ackedAt !== undefined, timeoutMs, `ACK of ${rec.messageId}`);
    return rec.ack!;
  }
}
