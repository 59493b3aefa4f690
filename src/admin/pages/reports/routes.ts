import Router from '@koa/router';
import type { AppDeps } from '../../../http/deps.js';
import { digestPage } from './digest-page.js';
import { ledgerDownload, yearReportDownload } from './downloads.js';
import { reportsIndexPage } from './index-page.js';
import { yearReportPage } from './year-page.js';

/**
 * 报表 in the admin console (/admin/reports): the index (index-page), the signed-in person's 今日简报 (digest-page),
 * the 年中查账 / 年底交账 summary (year-page) and the Excel downloads (downloads: year reports and the 台账). Nothing
 * here changes anything; every page and download is limited to the user's scope (scope.ts).
 */
export function reportsAdminRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/reports' });
  router.get('/', (ctx) => reportsIndexPage(ctx, deps));
  router.get('/digest', (ctx) => digestPage(ctx, deps));
  router.get('/year/:kind', (ctx) => yearReportPage(ctx, deps));
  router.get('/year/:kind/download', (ctx) => yearReportDownload(ctx, deps));
  router.get('/ledger/download', (ctx) => ledgerDownload(ctx, deps));
  return router;
}
