import Router from '@koa/router';
import type { AppDeps } from '../../../http/deps.js';
import { importConfirmHandler, importFormPage, importPreviewHandler } from './import-page.js';
import { itemEditHandler, itemPage } from './item-page.js';
import { plansListPage } from './list-page.js';
import { planPage } from './plan-page.js';

/**
 * 计划: the list of plans, importing a 工作要点 document (upload → side-by-side preview → 确认保存), a plan's tree
 * with completion per item and per 党支部, and editing one item. Leaders see their branches' figures only and
 * change nothing (every POST handler calls requireWrite).
 */
export function plansAdminRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/plans' });
  router.get('/', (ctx) => plansListPage(ctx, deps));
  router.get('/import', (ctx) => importFormPage(ctx));
  router.post('/import', (ctx) => importPreviewHandler(ctx, deps));
  router.post('/import/confirm', (ctx) => importConfirmHandler(ctx, deps));
  router.get('/:id', (ctx) => planPage(ctx, deps));
  router.get('/:id/items/:itemId', (ctx) => itemPage(ctx, deps));
  router.post('/:id/items/:itemId', (ctx) => itemEditHandler(ctx, deps));
  return router;
}
