import Router from '@koa/router';
import { html } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { renderAdmin } from '../../layout.js';

// Placeholder while the section is being built (replaced in this session).
export function remindersAdminRoutes(_deps: AppDeps): Router {
  const router = new Router({ prefix: '/reminders' });
  router.get('/', (ctx) => renderAdmin(ctx, { title: '提醒', active: 'reminders', body: html`<div class="panel"><p>建设中</p></div>` }));
  return router;
}
