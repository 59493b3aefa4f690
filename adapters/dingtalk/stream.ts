import type { ReadinessCheck } from '../../src/http/deps.js';
import type { Logger } from '../../src/log.js';
import type { DingtalkClient } from './client.js';
import { StreamConnection, type DingtalkStreamFrame } from './stream-connection.js';

/** Injectable so tests can scale time down (a 90 s watchdog becomes 900 ms); defaults are production values. */
export interface StreamTimings {
  /** §9.1: reconnect backoff 1 s → 60 s with jitter. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** §8 "silent death": reconnect after this long without any frame (ping included) or pong. */
  watchdogMs: number;
  /** WebSocket ping interval; the pongs feed the watchdog (§2: Python 60 s, Java 60 s idle). */
  pingEveryMs: number;
  handshakeTimeoutMs: number;
  /** §1.3: after SYSTEM `disconnect` the server closes within ~10 s; we close the old socket ourselves after this. */
  retireGraceMs: number;
  /** A connection that lived shorter than this counts as a failure for the backoff (a flapping server). */
  stableMs: number;
}

export const DEFAULT_STREAM_TIMINGS: StreamTimings = {
  backoffBaseMs: 1000, backoffMaxMs: 60_000, watchdogMs: 90_000, pingEveryMs: 30_000, handshakeTimeoutMs: 10_000, retireGraceMs: 15_000, stableMs: 10_000,
};

/** Answers one CALLBACK frame on the connection it came from (§1.4); false when that socket is gone. */
export type Ack = (response: unknown) => boolean;

export interface StreamHandlers {
  onRobotMessage(frame: DingtalkStreamFrame, ack: Ack): void;
  onCardCallback(frame: DingtalkStreamFrame, ack: Ack): void;
}

export type StreamState = 'idle' | 'connecting' | 'open' | 'backoff' | 'stopped';

/** Equal-ish jitter: failure n waits 80–100 % of min(max, base·2^(n−1)); the ranges never overlap, so gaps grow. */
export function reconnectDelayMs(failures: number, t: Pick<StreamTimings, 'backoffBaseMs' | 'backoffMaxMs'>, random: () => number): number {
  const ceiling = Math.min(t.backoffMaxMs, t.backoffBaseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.8 + 0.2 * random()));
}

/**
 * Owns the Stream connection (§9 items 1–3): one connect loop at a time (single-flight), a fresh DWClient and a
 * fresh ticket per attempt, backoff with jitter, a watchdog on the last frame, a warm reconnect on SYSTEM
 * `disconnect` (the new socket opens before the old one is closed), and a stop after which nothing reconnects.
 */
export class DingtalkStream {
  private readonly t: StreamTimings;
  private readonly random: () => number;
  private current: StreamConnection | undefined;
  private opening: StreamConnection | undefined;
  private readonly retired = new Map<StreamConnection, NodeJS.Timeout>();
  private loop: Promise<void> | undefined;
  private failures = 0;
  private stopped = false;
  private started = false;
  private state: StreamState = 'idle';
  private watchdog: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private pauseTimer: NodeJS.Timeout | undefined;
  private wakePause: (() => void) | undefined;
  private openedAt = 0;
  private lastFrameAt = 0;
  /** Connection attempts so far (each = one gateway registration), for readiness detail and tests. */
  attempts = 0;

  constructor(private readonly opts: {
    client: DingtalkClient;
    clientId: string;
    clientSecret: string;
    logger: Logger;
    handlers: StreamHandlers;
    timings?: Partial<StreamTimings>;
    random?: () => number;
    ua?: string;
  }) {
    this.t = { ...DEFAULT_STREAM_TIMINGS, ...opts.timings };
    this.random = opts.random ?? Math.random;
  }

  /** Starts connecting in the background; a DingTalk outage must not stop the server from booting. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.ensureConnected('start');
  }

  /** Resolves once a connection is open (for tests and startup logs); rejects after `timeoutMs`. */
  async waitUntilOpen(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.current?.isOpen || this.current.retiring) {
      if (this.stopped) throw new Error('stream stopped');
      if (Date.now() > until) throw new Error(`stream not open within ${timeoutMs} ms (state ${this.state})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    clearTimeout(this.watchdog);
    clearInterval(this.keepalive);
    clearTimeout(this.pauseTimer);
    this.wakePause?.();
    this.opening?.terminate();
    this.current?.close();
    this.current = undefined;
    for (const [conn, timer] of this.retired) {
      clearTimeout(timer);
      conn.close();
    }
    this.retired.clear();
    await this.loop?.catch(() => undefined);
  }

  status(): { state: StreamState; connectionId?: number; lastFrameAgoMs?: number; attempts: number } {
    const open = this.current?.isOpen === true;
    return {
      state: this.stopped ? 'stopped' : open ? 'open' : this.state === 'open' ? 'connecting' : this.state,
      ...(this.current ? { connectionId: this.current.id, lastFrameAgoMs: Date.now() - this.lastFrameAt } : {}),
      attempts: this.attempts,
    };
  }

  /** §9.2: readiness = an open socket, not the SDK's `registered` (REGISTERED often never arrives, §1.3). */
  readonly readiness: ReadinessCheck = {
    name: 'dingtalk-stream',
    check: () => {
      const s = this.status();
      const detail = `state ${s.state}${s.lastFrameAgoMs !== undefined ? `, last frame ${Math.round(s.lastFrameAgoMs / 1000)} s ago` : ''}, ${s.attempts} attempts`;
      return Promise.resolve({ ok: s.state === 'open', detail });
    },
  };

  private needsConnection(): boolean {
    return !this.current || this.current.retiring || !this.current.isOpen;
  }

  /** Single-flight: at most one connect loop; a trigger while one runs is absorbed by it. */
  private ensureConnected(reason: string): void {
    if (this.stopped || this.loop) return;
    this.opts.logger.info({ reason }, 'dingtalk stream: connecting');
    this.loop = this.connectLoop().finally(() => {
      this.loop = undefined;
      // A drop that happened while the loop was finishing would otherwise go unnoticed.
      if (!this.stopped && this.needsConnection()) this.ensureConnected('recheck');
    });
  }

  private async connectLoop(): Promise<void> {
    while (!this.stopped && this.needsConnection()) {
      if (this.failures > 0) {
        const delay = reconnectDelayMs(this.failures, this.t, this.random);
        this.state = 'backoff';
        this.opts.logger.warn({ failures: this.failures, delayMs: delay }, 'dingtalk stream: waiting before the next attempt');
        await this.pause(delay);
        if (this.stopped) return;
      }
      try {
        await this.attempt();
      } catch (err) {
        this.failures++;
        this.opts.logger.warn({ err: errInfo(err), attempt: this.attempts }, 'dingtalk stream: connection attempt failed');
      }
    }
  }

  private async attempt(): Promise<void> {
    this.state = 'connecting';
    this.attempts++;
    const conn = new StreamConnection({
      clientId: this.opts.clientId, clientSecret: this.opts.clientSecret, ua: this.opts.ua ?? 'dangjian-bot/0.1 (dingtalk-stream 2.1.5)',
      events: {
        onFrame: (c) => this.onFrame(c),
        onDisconnectNotice: (c, reason) => this.onDisconnectNotice(c, reason),
        onClose: (c, code) => this.onClose(c, code),
        onBadFrame: (c, err) => this.opts.logger.warn({ connection: c.id, err: errInfo(err) }, 'dingtalk stream: unreadable frame ignored'),
        onRobotMessage: (frame, c) => this.opts.handlers.onRobotMessage(frame, (r) => c.ack(frame.headers.messageId, r)),
        onCardCallback: (frame, c) => this.opts.handlers.onCardCallback(frame, (r) => c.ack(frame.headers.messageId, r)),
      },
    });
    // §1.1: a fresh ticket per attempt; it opens exactly one connection.
    const { endpoint, ticket } = await this.opts.client.openStreamConnection(conn.subscriptions, conn.config.ua ?? '');
    if (this.stopped) return;
    conn.useTicket(endpoint, ticket);
    this.opening = conn;
    try {
      await conn.open(this.t.handshakeTimeoutMs);
    } finally {
      this.opening = undefined;
    }
    if (this.stopped) {
      conn.close();
      return;
    }
    const old = this.current;
    this.current = conn;
    this.state = 'open';
    this.openedAt = Date.now();
    this.lastFrameAt = this.openedAt;
    this.armWatchdog(conn);
    clearInterval(this.keepalive);
    this.keepalive = setInterval(() => {
      if (conn === this.current) conn.ping();
    }, this.t.pingEveryMs);
    this.opts.logger.info({ connection: conn.id, attempt: this.attempts, replaces: old?.id }, 'dingtalk stream: connected');
    if (old) this.retire(old);
  }

  /** The old socket stays until the server closes it (its in-flight ACKs go out on it), at most retireGraceMs. */
  private retire(conn: StreamConnection): void {
    const timer = setTimeout(() => {
      this.retired.delete(conn);
      conn.close();
    }, this.t.retireGraceMs);
    this.retired.set(conn, timer);
  }

  private onFrame(conn: StreamConnection): void {
    if (conn !== this.current) return;
    this.lastFrameAt = Date.now();
    // A connection that stays up ends a failure streak (a refused streak must not slow the next rotation down).
    if (this.failures > 0 && this.lastFrameAt - this.openedAt >= this.t.stableMs) this.failures = 0;
    this.armWatchdog(conn);
  }

  private armWatchdog(conn: StreamConnection): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (conn !== this.current || this.stopped) return;
      this.opts.logger.warn({ connection: conn.id, silentMs: this.t.watchdogMs }, 'dingtalk stream: no frame for too long, reconnecting');
      this.current = undefined;
      clearInterval(this.keepalive);
      conn.terminate();
      this.ensureConnected('watchdog');
    }, this.t.watchdogMs);
  }

  private onDisconnectNotice(conn: StreamConnection, reason: string): void {
    if (conn !== this.current) return;
    this.opts.logger.info({ connection: conn.id, reason }, 'dingtalk stream: server rotates the connection, opening the next one');
    // §8: open the replacement now rather than waiting ~10 s for the server to close this one.
    this.failures = 0;
    this.ensureConnected('disconnect');
  }

  private onClose(conn: StreamConnection, code: number): void {
    const timer = this.retired.get(conn);
    if (timer) {
      clearTimeout(timer);
      this.retired.delete(conn);
      return;
    }
    if (conn !== this.current || this.stopped) return; // a stale close (satori: ignore stale close events)
    this.current = undefined;
    clearTimeout(this.watchdog);
    clearInterval(this.keepalive);
    const lived = Date.now() - this.openedAt;
    this.failures = conn.retiring || lived >= this.t.stableMs ? 0 : this.failures + 1;
    this.opts.logger.warn({ connection: conn.id, code, livedMs: lived }, 'dingtalk stream: connection closed');
    this.ensureConnected('closed');
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(this.pauseTimer);
        this.wakePause = undefined;
        resolve();
      };
      this.pauseTimer = setTimeout(done, ms);
      this.wakePause = done;
    });
  }
}

/** Error details for logs without anything that could hold a URL with a ticket. */
function errInfo(err: unknown): { name?: string; message: string; code?: unknown } {
  if (!(err instanceof Error)) return { message: String(err) };
  return { name: err.name, message: err.message.replace(/ticket=[^&\s]*/gi, 'ticket=[REDACTED]'), code: (err as { platformCode?: unknown }).platformCode };
}
