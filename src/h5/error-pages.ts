import type { Context, Middleware } from 'koa';
import { AppError } from '../errors.js';
import { html, page } from './html.js';

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

/** errorPages drawn with the plain H5 layout (src/h5/html.ts `page`), never cached. */
export function plainErrorPages(subtitle: string): Middleware {
  return errorPages((ctx, status, message) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = page('无法打开', subtitle, html`<section><p>${message}</p></section>`);
  });
}
