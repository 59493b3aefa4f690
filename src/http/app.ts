import Koa from 'koa';
import { AppError } from '../errors.js';
import type { AppDeps } from './deps.js';
import { adminApi } from './api/index.js';
import { errorHandler } from './middleware/errors.js';
import { requestContext } from './middleware/request-context.js';
import { healthRoutes } from './routes/health.js';
import { homeRoutes } from './routes/home.js';
import { h5Routes } from '../h5/routes.js';
import { scoringH5Routes } from '../h5/scoring/routes.js';
import { digestH5Routes } from '../h5/digest/routes.js';
import { reportH5Routes } from '../h5/reports/routes.js';
import { adminConsoleRoutes, adminSignInRoutes } from '../admin/routes.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Builds the Koa app without listening, so tests drive `app.callback()` or listen on port 0. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  // Koa's own error event fires for errors escaping middleware (e.g. stream errors after the response began).
  app.on('error', (err: unknown) => deps.logger.error({ err }, 'unhandled koa error'));
  app.use(requestContext(deps.logger, deps.metrics));
  app.use(errorHandler());
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    // koa-router answers a method no route has (TRACE, PROPFIND, …) with 501: the client's mistake, not a server fault.
    if (!METHODS.includes(ctx.method)) {
      ctx.set('Allow', METHODS.join(', '));
      throw new AppError(`不支持的请求方法：${ctx.method}`, { status: 405, code: 'method_not_allowed' });
    }
    await next();
  });
  for (const router of [healthRoutes(deps), homeRoutes(deps), h5Routes(deps), scoringH5Routes(deps), digestH5Routes(deps), reportH5Routes(deps), adminSignInRoutes(deps), adminConsoleRoutes(deps), adminApi(deps), ...(deps.routers ?? [])]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
