import { DWClient, TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import WebSocket from 'ws';
import type { StreamSubscription } from './client.js';

/** A downstream frame as the SDK hands it to callback listeners (§1.3): `data` is a JSON *string*. */
export type DingtalkStreamFrame = DWClientDownStream;

export type FrameListener = (frame: DingtalkStreamFrame, conn: StreamConnection) => void;

export interface StreamConnectionEvents {
  /** Any frame at all (ping included): feeds the watchdog (§8 "silent death"). */
  onFrame(conn: StreamConnection): void;
  /** SYSTEM `disconnect`: the server rotates this connection and closes it ~10 s later (§1.3). */
  onDisconnectNotice(conn: StreamConnection, reason: string): void;
  onClose(conn: StreamConnection, code: number): void;
  onBadFrame(conn: StreamConnection, err: unknown): void;
  onRobotMessage: FrameListener;
  onCardCallback: FrameListener;
}

/** The SDK's private fields we own (private in its .d.ts, plain properties at runtime — 2.1.5 dist/client.mjs). */
interface SdkInternals {
  socket?: WebSocket;
  dw_url?: string;
}

let sequence = 0;

/**
 * One Stream connection = one fresh DWClient (§9.1). We keep the SDK for what it does well — frame parsing and
 * dispatch, the SYSTEM ping echo, ACK serialisation (`socketCallBackResponse`) — and own the rest:
 * - `getEndpoint()` is replaced (§10.2a): the ticket comes from our client, so the gateway URL is configurable;
 * - `_connect()` is replaced: our socket, no `keepAlive` ping (§8: kills busy sockets), no console output, no SDK
 *   reconnect (§8: 2.1.5's double reconnect storms); `connect()`/`disconnect()` of the SDK are never called;
 * - a fresh `subscriptions` array per instance (§8, §10.2: the SDK's default array is shared by all clients),
 *   only our two CALLBACK topics (no `EVENT *`: we handle no events, so we subscribe to none).
 * `debug` is forced off: the SDK's debug output prints the clientSecret (§8).
 */
export class StreamConnection extends DWClient {
  readonly id = ++sequence;
  readonly subscriptions: StreamSubscription[];
  /** Set once the server announced `disconnect`: no more pushes come here. */
  retiring = false;
  private readonly events: StreamConnectionEvents;

  constructor(opts: { clientId: string; clientSecret: string; ua: string; events: StreamConnectionEvents }) {
    const subscriptions: StreamSubscription[] = [];
    // `subscriptions` and `autoReconnect` are missing from the SDK's constructor type but are spread into config (§2).
    super({ clientId: opts.clientId, clientSecret: opts.clientSecret, ua: opts.ua, debug: false, keepAlive: false,
      ...({ autoReconnect: false, subscriptions } as object) });
    this.debug = false;
    this.subscriptions = subscriptions;
    this.events = opts.events;
    // §8: a topic without a listener is never ACKed, so we listen to exactly what we subscribe to; registered
    // before the socket opens because subscriptions are only sent at registration (§2).
    this.registerCallbackListener(TOPIC_ROBOT, (frame) => this.events.onRobotMessage(frame, this));
    this.registerCallbackListener(TOPIC_CARD, (frame) => this.events.onCardCallback(frame, this));
  }

  private get internals(): SdkInternals {
    return this as unknown as SdkInternals;
  }

  /** §10.2a: set the URL from a ticket our client obtained (`endpoint?ticket=`, as the SDK builds it). */
  useTicket(endpoint: string, ticket: string): void {
    this.internals.dw_url = `${endpoint}?ticket=${encodeURIComponent(ticket)}`;
  }

  /** Never used: the ticket comes from useTicket(). Overridden so nothing can reach the hard-coded gateway. */
  override getEndpoint(): Promise<this> {
    return Promise.reject(new Error('StreamConnection: call useTicket() instead of getEndpoint()'));
  }

  override connect(): Promise<void> {
    return Promise.reject(new Error('StreamConnection: use open(); the SDK connect loop is not used'));
  }

  override disconnect(): void {
    this.close();
  }

  override _connect(): Promise<void> {
    return this.open(10_000);
  }

  /** Opens the socket; resolves when it is open, rejects on a refused handshake, an error or the timeout. */
  open(handshakeTimeoutMs: number): Promise<void> {
    const url = this.internals.dw_url;
    if (!url) return Promise.reject(new Error('StreamConnection: no ticket'));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let opened = false;
      const socket = new WebSocket(url, { handshakeTimeout: handshakeTimeoutMs, perMessageDeflate: false });
      this.internals.socket = socket;
      socket.on('open', () => {
        settled = true;
        opened = true;
        this.connected = true;
        resolve();
      });
      // A pong answers our WebSocket ping (below): proof of life for the watchdog on an idle connection.
      socket.on('pong', () => this.events.onFrame(this));
      socket.on('message', (data, isBinary) => {
        this.onDownStream(isBinary ? '' : data.toString());
      });
      socket.on('error', (err) => {
        if (!settled) {
          settled = true;
          reject(err);
        }
        // Errors are followed by 'close' in ws; terminate in case they are not (§8: error without close).
        socket.terminate();
      });
      socket.on('close', (code) => {
        this.connected = false;
        this.registered = false;
        if (!settled) {
          settled = true;
          reject(new Error(`stream socket closed during the handshake (${code})`));
        }
        // Only a socket that was open is reported: a refused handshake is the opener's failure, not a drop.
        if (opened) this.events.onClose(this, code);
      });
    });
  }

  get isOpen(): boolean {
    return this.internals.socket?.readyState === WebSocket.OPEN;
  }

  /** Parses defensively (the SDK's own JSON.parse would throw inside the socket handler and crash the process). */
  override onDownStream(data: string): void {
    let frame: DingtalkStreamFrame;
    try {
      frame = JSON.parse(data) as DingtalkStreamFrame;
      if (!frame || typeof frame !== 'object' || !frame.headers) throw new Error('frame without headers');
    } catch (err) {
      this.events.onBadFrame(this, err);
      return;
    }
    this.events.onFrame(this);
    if (frame.type === 'SYSTEM' && frame.headers.topic === 'disconnect') {
      this.retiring = true;
      let reason = '';
      try {
        reason = String((JSON.parse(frame.data) as { reason?: unknown }).reason ?? '');
      } catch {
        reason = '';
      }
      this.events.onDisconnectNotice(this, reason);
    }
    try {
      // SDK: SYSTEM ping → echo with the opaque (§1.4); CALLBACK → emit(topic) → our listeners.
      super.onDownStream(data);
    } catch (err) {
      this.events.onBadFrame(this, err);
    }
  }

  /** §1.4: the CALLBACK ACK, `data: {"response": …}`; for card callbacks the response is the card update. */
  ack(messageId: string, response: unknown): boolean {
    if (!this.isOpen) return false;
    this.socketCallBackResponse(messageId, response);
    return true;
  }

  /**
   * A WebSocket-level ping (as the Python/Java/Go SDKs send, §2) so an idle but healthy connection shows life even
   * if the server's own ping cadence is longer than the watchdog (§11: unconfirmed). Unlike the SDK's keepAlive,
   * a missing pong kills nothing by itself: only the watchdog decides.
   */
  ping(): void {
    const socket = this.internals.socket;
    if (socket?.readyState === WebSocket.OPEN) socket.ping();
  }

  close(): void {
    const socket = this.internals.socket;
    if (!socket) return;
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'client closing');
  }

  /** For the watchdog: a zombie socket may never finish a close handshake. */
  terminate(): void {
    this.internals.socket?.terminate();
  }
}
