import Router from '@koa/router';
import type { AppDeps } from '../../../http/deps.js';
import { burdenPage } from './burden-page.js';
import { meetingsPage, recordMeetingAction } from './meetings-page.js';
import { previewPage } from './preview-page.js';
import { saveSettingsAction, settingsPage } from './settings-page.js';

/**
 * 提醒 in the admin console (/admin/reminders): the settings of the agency and of each branch (settings-page),
 * organisational life — overdue meetings and recording one (meetings-page), the dry-run preview of a day's
 * reminders (preview-page, admins only) and the push-burden figure (burden-page). Every change checks
 * requireWrite in its handler; the session middleware has already checked the CSRF token of every POST.
 */
export function remindersAdminRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/reminders' });
  router.get('/', (ctx) => settingsPage(ctx, deps));
  router.post('/settings', (ctx) => saveSettingsAction(ctx, deps));
  router.get('/meetings', (ctx) => meetingsPage(ctx, deps));
  router.post('/meetings', (ctx) => recordMeetingAction(ctx, deps));
  router.get('/preview', (ctx) => previewPage(ctx, deps));
  router.get('/burden', (ctx) => burdenPage(ctx, deps));
  return router;
}
