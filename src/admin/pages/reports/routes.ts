import Router from '@koa/router';
import { html } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { renderAdmin } from '../../layout.js';

// Placeholder while the section is being built (replaced in this session).
export function reportsAdminRoutes(_deps: AppDeps): Router {
  const router = new Router({ prefix: '/reports' });
  router.get('/', (ctx) => renderAdmin(ctx, { title: '报表', active: 'reports', body: html`<div class="panel"><p>建设中</p></div>` }));
  return router;
}
