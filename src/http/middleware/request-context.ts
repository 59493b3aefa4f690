import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../../log.js';
import { scrubUrl } from '../../log.js';
import type { Metrics } from '../../metrics.js';

declare module 'koa' {
  interface DefaultState {
    reqId: string;
    log: Logger;
  }
}

const SAFE_REQ_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A request id (the caller's if it is sane), a child logger carrying it, and the duration metric. The child
 * logger is made when first used (most requests log nothing at the production level, and making one costs
 * more than the rest of this middleware).
 */
export function requestContext(logger: Logger, metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const reqId = SAFE_REQ_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.reqId = reqId;
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', {
      get: () => (log ??= logger.child({ reqId })),
      set: (value: Logger) => {
        log = value;
      },
      enumerable: true,
      configurable: true,
    });
    ctx.set('X-Request-Id', reqId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The route pattern, not the URL: bounded label cardinality and no tickets in metrics.
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.httpDuration.observe({ method: ctx.method, route: String(route), status: String(ctx.status) }, seconds);
      if (log !== undefined || logger.isLevelEnabled('debug')) {
        ctx.state.log.debug({ method: ctx.method, url: scrubUrl(ctx.url), status: ctx.status, ms: Math.round(seconds * 1000) }, 'request');
      }
    }
  };
}
