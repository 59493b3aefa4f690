import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { createAdminSession, endAdminSession, spendSignInNonce } from '../db/repositories/admin-sessions.js';
import { appendAudit } from '../db/repositories/audit.js';
import { personView } from '../db/repositories/people-directory.js';
import { AppError, ForbiddenError } from '../errors.js';
import { html, type Raw } from '../h5/html.js';
import { verifyToken } from '../h5/signed-link.js';
import type { AppDeps } from '../http/deps.js';
import { consoleRoleOf, consoleUser, type ConsoleUser } from './console-user.js';
import { readForm } from './forms.js';
import { adminDocument, redirectWithFlash } from './layout.js';
import { homePage } from './pages/home.js';
import { calendarAdminRoutes } from './pages/calendar/routes.js';
import { orgAdminRoutes } from './pages/org/routes.js';
import { plansAdminRoutes } from './pages/plans/routes.js';
import { remindersAdminRoutes } from './pages/reminders/routes.js';
import { reportsAdminRoutes } from './pages/reports/routes.js';
import { scoringAdminRoutes } from './pages/scoring/routes.js';
import { topicsAdminRoutes } from './pages/topics/routes.js';
import { HOW_TO_SIGN_IN, requireConsoleSession, setSessionCookie } from './session.js';

/** Strict headers on every console response: nothing framed, no scripts but our own, forms post only to us. */
function consoleHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    ctx.set('X-Frame-Options', 'DENY');
    await next();
  };
}

/** Errors a person should read become console pages (with the menu when signed in), row-level details listed. */
function consoleErrorPages(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      if (!(e instanceof AppError) || !e.expose) throw e;
      ctx.status = e.status;
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      const user = (ctx.state.consoleUser as ConsoleUser | undefined) ?? null;
      const title = e.status === 401 ? '请先登录' : e.status === 403 ? '无法访问' : e.status === 404 ? '找不到页面' : '操作未完成';
      ctx.body = adminDocument(user, { title, active: 'home', body: html`<div class="panel"><p>${e.message}</p>${detailList(e.details)}${user ? html`<p><a href="javascript:history.back()" class="btn">返回</a> <a href="/admin" class="btn">回到首页</a></p>` : ''}</div>` });
    }
  };
}

/** ValidationError details: a list of strings or of {row?, message} (import errors) — shown as a list. */
function detailList(details: unknown): Raw | '' {
  if (!Array.isArray(details) || details.length === 0) return '';
  const lines = details.slice(0, 200).map((d) => {
    if (typeof d === 'string') return d;
    const o = d as { row?: unknown; line?: unknown; message?: unknown; field?: unknown };
    const where = o.row !== undefined ? `第 ${String(o.row)} 行：` : o.line !== undefined ? `第 ${String(o.line)} 行：` : '';
    return `${where}${typeof o.message === 'string' ? o.message : JSON.stringify(d)}`;
  });
  return html`<ul class="errors">${lines.map((l) => html`<li>${l}</li>`)}</ul>${details.length > 200 ? html`<p class="muted">另有 ${details.length - 200} 条未列出。</p>` : ''}`;
}

const SIGNIN_PREFIX = 'admin-signin:';

function signInClaims(deps: AppDeps, token: string): { personId: number; nonce: string } {
  const res = verifyToken(deps.appSecret, token, deps.clock.now());
  if (!res.ok || !res.claims.resource.startsWith(SIGNIN_PREFIX)) {
    throw new ForbiddenError(res.ok || res.reason !== 'expired' ? `登录链接无效。${HOW_TO_SIGN_IN}` : `登录链接已过期（有效期 10 分钟）。${HOW_TO_SIGN_IN}`);
  }
  return { personId: res.claims.personId, nonce: res.claims.resource.slice(SIGNIN_PREFIX.length) };
}

/**
 * Sign-in without passwords: the bot (or `cli admin-link`) gives a person-bound link valid 10 minutes; opening it
 * shows one button, and pressing it spends the link and starts a session. The extra click is deliberate: link
 * previewers and security scanners that fetch URLs from chats must not use up (or use) the link.
 */
export function adminSignInRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/admin' });
  const db = deps.database.db;
  router.use(consoleHeaders(), consoleErrorPages());

  router.get('/signin', async (ctx) => {
    const token = typeof ctx.query.t === 'string' ? ctx.query.t : '';
    const { personId } = signInClaims(deps, token);
    const person = await personView(db, personId);
    if (!person || !(await consoleRoleOf(db, person))) throw new ForbiddenError('管理后台仅供机关党委管理员和机关领导使用。');
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = adminDocument(null, {
      title: '登录管理后台', active: 'home',
      body: html`<div class="panel"><p>${person.name}，您好。点击下方按钮进入党建助手管理后台。</p><form method="post" action="/admin/signin"><input type="hidden" name="t" value="${token}"><div class="actions"><button class="btn primary" type="submit">进入管理后台</button></div></form><p class="muted small">此链接只能使用一次，请勿转发。</p></div>`,
    });
  });

  router.post('/signin', async (ctx) => {
    const form = await readForm(ctx);
    const { personId, nonce } = signInClaims(deps, form.get('t'));
    const now = deps.clock.now();
    const person = await personView(db, personId);
    const role = person ? await consoleRoleOf(db, person) : null;
    if (!person || !role) throw new ForbiddenError('管理后台仅供机关党委管理员和机关领导使用。');
    const session = await db.transaction(async (tx) => {
      if (!(await spendSignInNonce(tx, nonce, personId, now))) return null;
      const s = await createAdminSession(tx, personId, now);
      await appendAudit(tx, now, { actor: `person:${personId}`, action: 'admin.sign_in', subjectType: 'person', subjectId: personId, data: { session: s.sessionId, role: role.role } });
      return s;
    });
    if (!session) throw new ForbiddenError(`该登录链接已使用过。${HOW_TO_SIGN_IN}`);
    setSessionCookie(ctx, deps, session.token);
    redirectWithFlash(ctx, '/admin', `欢迎，${person.name}。${role.canWrite ? '' : '领导账号只能查看本人分管范围内的情况。'}`);
  });
  return router;
}

/** Everything behind sign-in: the session check (and CSRF on every POST) first, then the sections. */
export function adminConsoleRoutes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/admin' });
  router.use(consoleHeaders(), consoleErrorPages(), requireConsoleSession(deps));

  router.get('/', async (ctx) => homePage(ctx, deps));

  router.post('/signout', async (ctx: Context) => {
    const user = consoleUser(ctx);
    const now = deps.clock.now();
    await deps.database.db.transaction(async (tx) => {
      await endAdminSession(tx, user.sessionId, now);
      await appendAudit(tx, now, { actor: `person:${user.person.id}`, action: 'admin.sign_out', subjectType: 'person', subjectId: user.person.id, data: { session: user.sessionId } });
    });
    setSessionCookie(ctx, deps, null);
    ctx.state.consoleUser = undefined;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = adminDocument(null, { title: '已退出', active: 'home', body: html`<div class="panel"><p>您已退出管理后台。</p><p class="muted">${HOW_TO_SIGN_IN}</p></div>` });
  });

  for (const section of [orgAdminRoutes, plansAdminRoutes, topicsAdminRoutes, remindersAdminRoutes, scoringAdminRoutes, reportsAdminRoutes, calendarAdminRoutes]) {
    const r = section(deps);
    router.use(r.routes(), r.allowedMethods());
  }
  return router;
}
