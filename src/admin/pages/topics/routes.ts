import Router from '@koa/router';
import type { AppDeps } from '../../../http/deps.js';
import { editTopicPage, newTopicPage, previewTopicHandler, saveTopicHandler } from './topic-form.js';
import { pushConfirmPage, pushHandler, topicPage, topicsListPage } from './topic-pages.js';

/**
 * 每月主题: the months' topics, creating and editing one (saveTopic, which validates and audits), the card as each
 * platform shows it, the automatic push date and 立即推送 (pushTopic, idempotent). Leaders may look; every POST
 * handler calls requireWrite.
 */
export function topicsAdminRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/topics' });
  router.get('/', (ctx) => topicsListPage(ctx, deps));
  router.get('/new', (ctx) => newTopicPage(ctx, deps));
  router.post('/', (ctx) => saveTopicHandler(ctx, deps));
  router.post('/preview', (ctx) => previewTopicHandler(ctx, deps));
  router.get('/:month', (ctx) => topicPage(ctx, deps));
  router.get('/:month/edit', (ctx) => editTopicPage(ctx, deps));
  router.post('/:month', (ctx) => saveTopicHandler(ctx, deps, ctx.params.month ?? ''));
  router.get('/:month/push', (ctx) => pushConfirmPage(ctx, deps));
  router.post('/:month/push', (ctx) => pushHandler(ctx, deps));
  return router;
}

