import Router from '@koa/router';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser } from '../../console-user.js';
import { chatSave, chatsPage } from './chats-page.js';
import { scoringListPage } from './list-page.js';
import { idOf, schemeRow } from './read.js';
import { closeAction, confirmPage, exportRound, publishAction, ranksAction } from './round-actions.js';
import { roundPage } from './round-page.js';
import { editPage, editSave } from './scheme-edit.js';
import { importPage, importSave, importUpload, templateDownload } from './scheme-import.js';
import { schemePage } from './scheme-page.js';
import { schemeWorkbook } from './scheme-table.js';
import { safeFileName, sendFile, XLSX_TYPE } from './ui.js';

/**
 * 互观互检 in the admin console (/admin/scoring): rounds and schemes (list-page), a round (round-page, its actions
 * in round-actions), a scheme (scheme-page), importing (scheme-import) and editing (scheme-edit: a new version),
 * which branches each group chat covers (chats-page). Every change checks requireWrite in its handler; the
 * session middleware has already checked the CSRF token of every POST.
 */
export function scoringAdminRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/scoring' });

  router.get('/', (ctx) => scoringListPage(ctx, deps));

  // Fixed paths before /schemes/:id.
  router.get('/schemes/import', (ctx) => importPage(ctx));
  router.post('/schemes/import', (ctx) => importUpload(ctx, deps));
  router.post('/schemes/save', (ctx) => importSave(ctx, deps));
  router.get('/schemes/template.xlsx', (ctx) => templateDownload(ctx, 'xlsx'));
  router.get('/schemes/template.csv', (ctx) => templateDownload(ctx, 'csv'));
  router.get('/schemes/template.json', (ctx) => templateDownload(ctx, 'json'));
  router.get('/schemes/:id', (ctx) => schemePage(ctx, deps));
  router.get('/schemes/:id/download.xlsx', async (ctx) => {
    consoleUser(ctx);
    const s = await schemeRow(deps.database.db, idOf(ctx.params.id, '计分方案'));
    sendFile(ctx, await schemeWorkbook(s.scheme), `${safeFileName(s.name)}-计分方案.xlsx`, `scoring-scheme-${s.id}.xlsx`, XLSX_TYPE);
  });
  router.get('/schemes/:id/edit', (ctx) => editPage(ctx, deps));
  router.post('/schemes/:id/edit', (ctx) => editSave(ctx, deps));

  router.get('/rounds/:id', (ctx) => roundPage(ctx, deps));
  router.get('/rounds/:id/confirm/:action', (ctx) => confirmPage(ctx, deps));
  router.post('/rounds/:id/close', (ctx) => closeAction(ctx, deps));
  router.post('/rounds/:id/publish', (ctx) => publishAction(ctx, deps));
  router.post('/rounds/:id/ranks', (ctx) => ranksAction(ctx, deps));
  router.get('/rounds/:id/export', (ctx) => exportRound(ctx, deps));

  router.get('/chats', (ctx) => chatsPage(ctx, deps));
  router.post('/chats/:id', (ctx) => chatSave(ctx, deps));
  return router;
}
