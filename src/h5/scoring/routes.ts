import Router from '@koa/router';
import { scoringStore } from '../../db/repositories/scoring-store.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { AppDeps } from '../../http/deps.js';
import { errorPages } from '../error-pages.js';
import { html } from '../html.js';
import { scoringResource } from '../link-signer.js';
import { assetRoutes, scoringPage, sendPage } from './layout.js';
import { linkHolder, requireId, tokenOf, verifiedLink } from './link-access.js';
import { progressCounts, renderProgressPage } from './progress-page.js';
import { pendingReportPage, renderReportPage } from './report-page.js';
import { expiredSheetLinkMessage, sheetRoutes } from './sheet-handlers.js';
import { renderSheetsPage } from './sheets-page.js';

/**
 * 互观互检 pages opened from cards: 我的评分表, 评分表 (GET/POST), 评分进度, 评定报告. Each checks its signed link for
 * exactly its resource (scoring:<round>, scoring-progress:<round>, scoring-report:<round>:<branch|*>).
 */
export function scoringH5Routes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/h5/scoring' });
  const db = deps.database.db;

  // People open these on a phone: errors are pages in Chinese (the sheet's JSON answers are its own).
  router.use(errorPages((ctx, status, message) => sendPage(ctx, status, scoringPage({ title: '无法打开', subtitle: '党建助手 · 互观互检', body: html`<section><p>${message}</p></section>` }))));

  assetRoutes(router);

  router.get('/sheets', async (ctx) => {
    const roundId = requireId(ctx, 'r');
    const store = scoringStore(db);
    const person = await linkHolder(deps, ctx, scoringResource.sheets(roundId), expiredSheetLinkMessage(store, roundId, deps));
    const round = await store.round(roundId);
    if (!round) throw new NotFoundError('该互观互检不存在。');
    const scorer = (await store.scorers(roundId)).find((s) => s.personId === person.id);
    if (!scorer) throw new ForbiddenError(`您不是“${round.title}”的评分人。`);
    const sheets = (await store.sheets(roundId)).filter((s) => s.scorerId === person.id);
    sendPage(ctx, 200, renderSheetsPage({ round, scorer, sheets, token: tokenOf(ctx), timezone: deps.config.timezone, now: deps.clock.now() }));
  });

  sheetRoutes(router, deps);

  router.get('/progress', async (ctx) => {
    const roundId = requireId(ctx, 'r');
    // Counts only, shown to a whole group: the link is checked, not who holds it (a round an admin started
    // outside any chat has its progress link made for nobody in particular).
    await verifiedLink(deps, ctx, scoringResource.progress(roundId));
    const store = scoringStore(db);
    const round = await store.round(roundId);
    if (!round) throw new NotFoundError('该互观互检不存在。');
    const counts = progressCounts(round, await store.scorers(roundId), await store.sheets(roundId));
    // Once published, the group's results card links here: the stars and classes everyone may see.
    const results = round.status === 'published' ? await store.results(roundId) : undefined;
    sendPage(ctx, 200, renderProgressPage({ round, counts, timezone: deps.config.timezone, now: deps.clock.now(), ...(results ? { results: results.result } : {}) }));
  });

  router.get('/report', async (ctx) => {
    const roundId = requireId(ctx, 'r');
    const branchId = ctx.query.b === undefined ? null : requireId(ctx, 'b');
    await linkHolder(deps, ctx, scoringResource.report(roundId, branchId));
    const store = scoringStore(db);
    const round = await store.round(roundId);
    if (!round) throw new NotFoundError('该互观互检不存在。');
    const results = await store.results(roundId);
    if (!results) {
      sendPage(ctx, 200, pendingReportPage(round));
      return;
    }
    const [scorers, sheets] = [await store.scorers(roundId), await store.sheets(roundId)];
    sendPage(ctx, 200, renderReportPage({ round, results, branchId, scorers, sheets, timezone: deps.config.timezone, now: deps.clock.now() }));
  });

  return router;
}
