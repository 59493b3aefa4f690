import type { Context, Middleware } from 'koa';
import { endAdminSession, findAdminSession } from '../db/repositories/admin-sessions.js';
import { personView } from '../db/repositories/people-directory.js';
import { AppError, ForbiddenError } from '../errors.js';
import type { AppDeps } from '../http/deps.js';
import { consoleRoleOf, type ConsoleUser } from './console-user.js';
import { csrfMatches, csrfTokenFor } from './csrf.js';
import { readForm } from './forms.js';

export const SESSION_COOKIE = 'djb_admin';

/** How to get in, said wherever someone arrives without a session. */
export const HOW_TO_SIGN_IN = '请在企业微信或钉钉中向“党建助手”发送“管理后台”，用收到的登录链接进入（链接 10 分钟内有效，只能使用一次）。首次安装时由运维人员运行 npm run cli -- admin-link --person 姓名 生成登录链接。';

export class SignInRequired extends AppError {
  constructor(message = `登录已失效或尚未登录。${HOW_TO_SIGN_IN}`) {
    super(message, { status: 401, code: 'sign_in_required' });
  }
}

/** Cookie options: HttpOnly, SameSite=Lax, Secure when the public address is https, only sent to /admin. */
export function sessionCookieOptions(deps: AppDeps): { httpOnly: true; sameSite: 'lax'; secure: boolean; path: string; overwrite: true } {
  return { httpOnly: true, sameSite: 'lax', secure: deps.config.publicBaseUrl.startsWith('https://'), path: '/admin', overwrite: true };
}

/**
 * Sets (or, with null, clears) the session cookie. With an https PUBLIC_BASE_URL the cookie is Secure even when
 * TLS ends at the reverse proxy in front of us (the connection we see is plain http, which Koa would refuse).
 */
export function setSessionCookie(ctx: Context, deps: AppDeps, token: string | null): void {
  const opts = sessionCookieOptions(deps);
  if (opts.secure) ctx.cookies.secure = true;
  ctx.cookies.set(SESSION_COOKIE, token, opts);
}

/**
 * Every console request past sign-in: the session cookie → a live session → the person, still active and
 * still an admin or leader → ctx.state.consoleUser. Any POST (or other unsafe method) is parsed here and must
 * carry the session's CSRF token, else 403 before any handler runs.
 */
export function requireConsoleSession(deps: AppDeps): Middleware {
  const db = deps.database.db;
  const idleMs = deps.config.adminSessionIdleMinutes * 60_000;
  return async (ctx: Context, next) => {
    const token = ctx.cookies.get(SESSION_COOKIE);
    const now = deps.clock.now();
    const session = token ? await findAdminSession(db, token, now, idleMs) : undefined;
    if (!session || !token) {
      if (token) setSessionCookie(ctx, deps, null);
      throw new SignInRequired();
    }
    const person = await personView(db, session.personId);
    const role = person ? await consoleRoleOf(db, person) : null;
    if (!person || !role) {
      await endAdminSession(db, session.sessionId, now);
      setSessionCookie(ctx, deps, null);
      throw new ForbiddenError('您的账号已停用或不再是管理员/领导，无法使用管理后台。');
    }
    const user: ConsoleUser = { sessionId: session.sessionId, person, ...role, csrf: csrfTokenFor(deps.appSecret, token) };
    ctx.state.consoleUser = user;
    ctx.state.log = ctx.state.log?.child?.({ consolePerson: person.id }) ?? ctx.state.log;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) {
      const form = await readForm(ctx);
      const given = form.get('_csrf') || ctx.get('x-csrf-token') || undefined;
      if (!csrfMatches(user.csrf, given)) throw new ForbiddenError('安全校验失败（页面已过期或来自其他网站）。请返回上一页刷新后重试。');
      ctx.state.form = form;
    }
    await next();
  };
}
