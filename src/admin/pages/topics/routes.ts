import Router from '@koa/router';
import { html } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { renderAdmin } from '../../layout.js';

// Placeholder while the section is being built (replaced in this session).
export function topicsAdminRoutes(_deps: AppDeps): Router {
  const router = new Router({ prefix: '/topics' });
  router.get('/', (ctx) => renderAdmin(ctx, { title: '每月主题', active: 'topics', body: html`<div class="panel"><p>建设中</p></div>` }));
  return router;
}
