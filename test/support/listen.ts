import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { EventHandler } from '../../src/inbox/handle-inbound.js';

/** Listens on 127.0.0.1 port 0; close() also drops idle keep-alive connections (a browser may hold some). */
export async function listenOnLoopback(app: Koa): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      return closed;
    },
  };
}

/** A slow database, simulated at the port: every handling waits this long before the real handler runs. */
export function delayed(ms: number | undefined): ((h: EventHandler) => EventHandler) | undefined {
  if (!ms) return undefined;
  return (handler) => async (tx, event) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return handler(tx, event);
  };
}
