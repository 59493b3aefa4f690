import Router from '@koa/router';
import type { AppDeps } from '../deps.js';
import { bearerAuth } from './auth.js';
import { calendarRoutes } from './calendar-routes.js';
import { mountRoutes, type ApiRoute } from './define-route.js';
import { buildOpenApi } from './openapi.js';
import { orgRoutes } from './org-routes.js';
import { topicRoutes } from './topic-routes.js';
import { planRoutes } from './plan-routes.js';
import { reminderRoutes } from './reminder-routes.js';
import { scoringRoutes } from './scoring-routes.js';
import { reportRoutes } from './report-routes.js';

export const API_VERSION = '1.0.0';

/** The admin API. Later capabilities add their route lists here. */
export function apiRouteList(deps: AppDeps): ApiRoute[] {
  return [...orgRoutes(deps), ...topicRoutes(deps), ...calendarRoutes(deps), ...planRoutes(deps), ...reminderRoutes(deps), ...scoringRoutes(deps), ...reportRoutes(deps)];
}

export function adminApi(deps: AppDeps): Router {
  const routes = apiRouteList(deps);
  const openapi = buildOpenApi(routes, API_VERSION);
  const router = new Router({ prefix: '/api/v1' });
  // The document is public: it describes the interface, not data.
  router.get('/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  const secured = new Router();
  secured.use(bearerAuth(deps));
  mountRoutes(secured, routes);
  router.use(secured.routes(), secured.allowedMethods());
  return router;
}
