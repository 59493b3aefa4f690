import type { Middleware } from 'koa';
import { findAdminByToken } from '../../db/repositories/admin-tokens.js';
import { UnauthorizedError } from '../../errors.js';
import type { AppDeps } from '../deps.js';

/** Bearer token → principal. Tokens are looked up by their SHA-256, so no comparison of secrets happens here. */
export function bearerAuth(deps: AppDeps): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m?.[1]) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedError('缺少管理令牌（Authorization: Bearer …）；用 npm run cli -- create-admin-token --name 名称 创建');
    }
    const principal = await findAdminByToken(deps.database.db, m[1], deps.clock.now());
    if (!principal) {
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedError('管理令牌无效或已吊销');
    }
    ctx.state.principal = principal;
    ctx.state.log = ctx.state.log.child({ admin: principal.name });
    await next();
  };
}
