import type { Context, Middleware } from 'koa';
import { AppError } from '../errors.js';

/**
 * People open H5 pages on a phone: an error a person should read (an exposed AppError — expired link, not yours,
 * round closed) becomes a page in Chinese with its status, drawn by the router's own layout; anything else
 * propagates to the app's error handler (500, logged).
 */
export function errorPages(send: (ctx: Context, status: number, message: string) => void): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      if (!(e instanceof AppError) || !e.expose) throw e;
      send(ctx, e.status, e.message);
    }
  };
}
