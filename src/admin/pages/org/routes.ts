import Router from '@koa/router';
import type { AppDeps } from '../../../http/deps.js';
import { exampleCsv, importConfirmHandler, importPage, importPreviewHandler, templateCsv } from './import-page.js';
import { peoplePage } from './people-page.js';
import { deactivatePersonHandler, editPersonHandler, personPage, reactivatePersonHandler } from './person-page.js';
import { syncConfirmHandler, syncPage, syncPreviewHandler } from './sync-page.js';
import { treePage } from './tree-page.js';
import { createUnitHandler, deactivateUnitHandler, renameUnitHandler, unitPage } from './unit-page.js';

/**
 * 组织: the unit tree with member counts, people (search, unit filter, pages), a person's page with the edit form,
 * units (new branch/group, rename, deactivate), importing a .xlsx/.csv (preview → 确认导入) and syncing from
 * WeCom/DingTalk (dry-run preview → confirm). Leaders see the units under their 分管范围 only (every list filtered,
 * every id in a URL checked) and change nothing (every POST handler calls requireWrite). Changes go through the
 * same repository functions as the admin API, which audit them with the person as the actor.
 */
export function orgAdminRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/org' });
  router.get('/', (ctx) => treePage(ctx, deps));
  router.post('/units', (ctx) => createUnitHandler(ctx, deps));
  router.get('/units/:id', (ctx) => unitPage(ctx, deps));
  router.post('/units/:id', (ctx) => renameUnitHandler(ctx, deps));
  router.post('/units/:id/deactivate', (ctx) => deactivateUnitHandler(ctx, deps));
  router.get('/people', (ctx) => peoplePage(ctx, deps));
  router.get('/people/:id', (ctx) => personPage(ctx, deps));
  router.post('/people/:id', (ctx) => editPersonHandler(ctx, deps));
  router.post('/people/:id/deactivate', (ctx) => deactivatePersonHandler(ctx, deps));
  router.post('/people/:id/reactivate', (ctx) => reactivatePersonHandler(ctx, deps));
  router.get('/import', (ctx) => importPage(ctx));
  router.get('/import/template.csv', (ctx) => templateCsv(ctx));
  router.get('/import/example.csv', (ctx) => exampleCsv(ctx, deps));
  router.post('/import', (ctx) => importPreviewHandler(ctx, deps));
  router.post('/import/confirm', (ctx) => importConfirmHandler(ctx, deps));
  router.get('/sync', (ctx) => syncPage(ctx, deps));
  router.post('/sync', (ctx) => syncPreviewHandler(ctx, deps));
  router.post('/sync/confirm', (ctx) => syncConfirmHandler(ctx, deps));
  return router;
}
