import Router from '@koa/router';
import type { AppDeps } from '../../../http/deps.js';
import { clearOverrideHandler, setOverrideHandler } from './override-handlers.js';
import { yearPage } from './year-page.js';

/**
 * 日历: a year's holidays and 调休 working days (the chinese-days data, overridden per date by admins), with a
 * clear warning when the package does not know the year yet; admins set or clear overrides (audited), leaders
 * only look (every POST handler calls requireWrite).
 */
export function calendarAdminRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/calendar' });
  router.get('/', (ctx) => yearPage(ctx, deps));
  router.post('/overrides', (ctx) => setOverrideHandler(ctx, deps));
  router.post('/overrides/clear', (ctx) => clearOverrideHandler(ctx, deps));
  return router;
}
