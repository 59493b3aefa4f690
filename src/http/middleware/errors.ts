import type { Middleware } from 'koa';
import { AppError, UnavailableError } from '../../errors.js';
import { isConnectionError } from '../../db/pg-error.js';

/**
 * The one error middleware (Koa's status/expose rule): exposed errors are answered with their own message,
 * everything else with a generic 500 and a log line carrying the request id. A lost database is a 503, so
 * platforms and load balancers retry rather than give up.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `没有这个地址：${ctx.method} ${ctx.path}` } };
      }
    } catch (err) {
      const e = isConnectionError(err) ? new UnavailableError('数据库暂时不可用，请稍后重试', err) : err;
      const status = statusOf(e);
      const expose = e instanceof AppError ? e.expose : status < 500 && (e as { expose?: boolean }).expose === true;
      const code = e instanceof AppError ? e.code : status < 500 ? 'bad_request' : 'internal_error';
      const message = expose ? (e as Error).message : '服务器内部错误';
      const details = e instanceof AppError && expose ? e.details : undefined;
      ctx.status = status;
      ctx.body = { error: { code, message, ...(details !== undefined ? { details } : {}), requestId: ctx.state.reqId } };
      if (status >= 500) ctx.state.log?.error({ err: e }, 'request failed');
      else ctx.state.log?.debug({ status, code }, 'request refused');
    }
  };
}

function statusOf(e: unknown): number {
  const s = (e as { status?: unknown; statusCode?: unknown }).status ?? (e as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}
