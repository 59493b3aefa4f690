import { afterEach, describe, expect, it } from 'vitest';
import { DingtalkClient } from '../../adapters/dingtalk/client.js';
import { DingtalkStream, type StreamTimings } from '../../adapters/dingtalk/stream.js';
import type { DingtalkStreamFrame } from '../../adapters/dingtalk/stream-connection.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { FakeDingtalkGateway } from '../fakes/dingtalk-gateway.js';
import { LogCapture } from '../support/app.js';

/**
 * The Stream connection against the fake gateway over real sockets on 127.0.0.1 (dingtalk.md §1, §8, §9). Time is
 * scaled down 50×: backoff 20 ms → 1.2 s instead of 1 s → 60 s, watchdog 300 ms instead of 90 s.
 */
const ID = 'dingstreamtest';
const SECRET = 'stream-test-secret-0123456789abcdef';
const SCALED: Partial<StreamTimings> = { backoffBaseMs: 20, backoffMaxMs: 1200, watchdogMs: 300, pingEveryMs: 100_000, handshakeTimeoutMs: 1000, retireGraceMs: 2000, stableMs: 200 };
const ROBOT = '/v1.0/im/bot/messages/get';

interface Harness {
  gateway: FakeDingtalkGateway;
  stream: DingtalkStream;
  received: { frame: DingtalkStreamFrame; connectionId: string }[];
  logs: LogCapture;
}

const running: Harness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) {
    await h.stream.stop();
    await h.gateway.stop();
  }
});

async function harness(opts: {
  timings?: Partial<StreamTimings>; gateway?: Partial<ConstructorParameters<typeof FakeDingtalkGateway>[0]>; ack?: boolean; random?: () => number;
} = {}): Promise<Harness> {
  const gateway = await new FakeDingtalkGateway({ clientId: ID, clientSecret: SECRET, ...opts.gateway }).start();
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const config = loadConfig({ DINGTALK_CLIENT_ID: ID, DINGTALK_CLIENT_SECRET: SECRET, APP_SECRET: 'x'.repeat(40), DINGTALK_GATEWAY_URL: gateway.openUrl, DATA_DIR: 'memory://' }).dingtalk!;
  const client = new DingtalkClient({ config, logger, timeoutMs: 2000 });
  const received: Harness['received'] = [];
  const stream = new DingtalkStream({
    client, clientId: ID, clientSecret: SECRET, logger, timings: { ...SCALED, ...opts.timings }, ...(opts.random ? { random: opts.random } : {}),
    handlers: {
      onRobotMessage: (frame, ack) => {
        received.push({ frame, connectionId: frame.headers.connectionId });
        if (opts.ack !== false) ack(null);
      },
      onCardCallback: (frame, ack) => void ack({}),
    },
  });
  const h = { gateway, stream, received, logs };
  running.push(h);
  return h;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DingTalk stream connection (fake gateway, real sockets)', () => {
  it('registers our two CALLBACK topics only, echoes the ping opaque, and reports ready', async () => {
    const h = await harness();
    expect((await h.stream.readiness.check()).ok).toBe(false);
    h.stream.start();
    await h.stream.waitUntilOpen(3000);
    expect(h.gateway.registrations.at(-1)?.subscriptions).toEqual([{ type: 'CALLBACK', topic: ROBOT }, { type: 'CALLBACK', topic: '/v1.0/card/instances/callback' }]);
    h.gateway.ping(h.gateway.open[0]!);
    await h.gateway.waitFor(() => h.gateway.pings[0]?.echoed !== undefined, 2000, 'ping echo');
    expect(h.gateway.pings[0]!.echoed).toBe(true);
    const ready = await h.stream.readiness.check();
    expect(ready.ok).toBe(true);
    expect(ready.detail).toContain('state open');
    expect(h.logs.text).not.toContain(SECRET);
  });

  it.each(['register', 'upgrade'] as const)('refused %s for "10 s" (scaled): a handful of attempts with growing gaps, then connected', async (mode) => {
    // 25× scale here (1 s → 40 ms); jitter fixed at the middle so the scheduled delays are exact.
    const h = await harness({ timings: { backoffBaseMs: 40, backoffMaxMs: 2400 }, random: () => 0.5 });
    h.gateway.refuse = mode;
    h.stream.start();
    await sleep(400); // 10 s
    h.gateway.refuse = null;
    await h.stream.waitUntilOpen(5000);
    const attempts = mode === 'register' ? h.gateway.registrations.map((r) => r.at) : h.gateway.handshakes.map((r) => r.at);
    // Unscaled: attempts at 0, ~1, ~3, ~7 s (and ~15 s) — not 2.1.5's storm of ~63 registrations in 5.5 s (§8).
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(7);
    // The scheduled delays double each time (90 % of base·2^n with the jitter fixed) …
    const scheduled = h.logs.lines.filter((l) => l.includes('waiting before the next attempt')).map((l) => (JSON.parse(l) as { delayMs: number }).delayMs);
    expect(scheduled.slice(0, 3)).toEqual([36, 72, 144]);
    // … and no attempt ever came earlier than scheduled (a loaded machine may only make them later).
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(scheduled[i]! - 2));
    expect(h.gateway.open).toHaveLength(1);
    // Every attempt used a fresh ticket (§1.1): no reuse was ever presented.
    expect(h.gateway.handshakes.filter((x) => x.reason === 'ticket reused')).toEqual([]);
  });

  it('SYSTEM disconnect: the new connection opens before the old closes; nothing pushed around it is lost', async () => {
    const h = await harness({ timings: { watchdogMs: 10_000 } }); // no pings here: keep the watchdog out of it
    h.stream.start();
    await h.stream.waitUntilOpen(3000);
    const old = h.gateway.open[0]!;
    h.gateway.push(ROBOT, { msgId: 'before', text: { content: 'a' } });
    h.gateway.disconnect(old, 400);
    await h.gateway.waitFor(() => h.gateway.open.length === 2, 2000, 'second connection');
    const fresh = h.gateway.open.find((c) => c !== old)!;
    expect(old.closedAt).toBeUndefined(); // overlap: the old one still open while the new one is up
    h.gateway.push(ROBOT, { msgId: 'after', text: { content: 'b' } });
    await h.gateway.waitFor(() => h.received.length === 2, 2000, 'both messages');
    await h.gateway.waitFor(() => old.closedAt !== undefined, 2000, 'old connection closed');
    expect(fresh.openedAt).toBeLessThan(old.closedAt!);
    expect(h.received.map((r) => JSON.parse(r.frame.data).msgId)).toEqual(['before', 'after']);
    expect(h.received[1]!.connectionId).toBe(fresh.id);
    expect(h.gateway.pushes.every((p) => p.ackedAt !== undefined)).toBe(true);
    await sleep(100);
    expect(h.gateway.open).toEqual([fresh]); // no extra reconnect when the old one closed
    expect((await h.stream.readiness.check()).ok).toBe(true);
  });

  it('WebSocket pings keep an idle healthy connection (no server frames) alive past the watchdog', async () => {
    const h = await harness({ timings: { watchdogMs: 500, pingEveryMs: 100 } });
    h.stream.start();
    await h.stream.waitUntilOpen(3000);
    await sleep(1200);
    expect(h.gateway.connections).toHaveLength(1);
    h.gateway.open[0]!.silent = true; // now it stops answering pings too: a zombie
    await h.gateway.waitFor(() => h.gateway.connections.length === 2 && h.gateway.open.length === 1, 3000, 'replacement');
  });

  it('watchdog: a zombie connection (open, silent) is replaced; pings keep a healthy one', async () => {
    const h = await harness({ timings: { watchdogMs: 500 } }); // 90 s scaled; pings every 100 ms leave room for a busy machine
    h.stream.start();
    await h.stream.waitUntilOpen(3000);
    const first = h.gateway.open[0]!;
    for (let i = 0; i < 6; i++) {
      h.gateway.ping(first);
      await sleep(100);
    }
    expect(h.gateway.connections).toHaveLength(1); // 600 ms alive with pings every 100 ms (watchdog 500 ms)
    first.silent = true;
    await h.gateway.waitFor(() => h.gateway.open.some((c) => c !== first), 2000, 'replacement');
    await h.gateway.waitFor(() => first.closedAt !== undefined, 2000, 'zombie closed');
    expect(h.gateway.open).toHaveLength(1);
  });

  it('an un-ACKed message is re-pushed with identical data (the fake models §1.5)', async () => {
    const h = await harness({ ack: false, gateway: { redeliverAfterMs: 100 } });
    h.stream.start();
    await h.stream.waitUntilOpen(3000);
    h.gateway.push(ROBOT, { msgId: 'm1', text: { content: 'x' } });
    await h.gateway.waitFor(() => h.received.length === 2, 2000, 'redelivery');
    expect(h.received[0]!.frame.data).toBe(h.received[1]!.frame.data);
    expect(h.received[0]!.frame.headers.messageId).not.toBe(h.received[1]!.frame.headers.messageId);
  });

  it('a server close reconnects; an unreadable frame is ignored; after stop() nothing reconnects', async () => {
    const h = await harness();
    h.stream.start();
    await h.stream.waitUntilOpen(3000);
    h.gateway.open[0]!.ws.send('not json');
    h.gateway.open[0]!.ws.send(JSON.stringify({ type: 'CALLBACK' }));
    await sleep(50);
    expect(h.gateway.open).toHaveLength(1);
    expect(h.logs.text).toContain('unreadable frame ignored');
    h.gateway.open[0]!.ws.close(1001, 'going away');
    await h.gateway.waitFor(() => h.gateway.connections.length === 2 && h.gateway.open.length === 1, 2000, 'reconnect');
    await h.stream.stop();
    const registrations = h.gateway.registrations.length;
    await h.gateway.waitFor(() => h.gateway.open.length === 0, 2000, 'closed');
    await sleep(300);
    expect(h.gateway.registrations.length).toBe(registrations);
    expect((await h.stream.readiness.check()).ok).toBe(false);
  });

  it('stop() during a refusal streak ends the loop at once', async () => {
    const h = await harness({ timings: { backoffBaseMs: 5000, backoffMaxMs: 60_000 } });
    h.gateway.refuse = 'register';
    h.stream.start();
    await h.gateway.waitFor(() => h.gateway.registrations.length === 1, 2000, 'first attempt');
    await sleep(20);
    const started = Date.now();
    await h.stream.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(h.gateway.registrations).toHaveLength(1);
  });
});
