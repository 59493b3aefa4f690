import { createHash } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { html, type Raw } from '../html.js';
import { SHEET_JS } from './sheet-script.js';
import { SCORING_CSS } from './styles.js';

/**
 * The scoring pages' shell. Styles and the one script are same-origin files, so the policy below can forbid
 * everything inline; data the script needs travels in a JSON block, which is never executed. The versioned
 * asset URLs let a phone cache them without ever running an old script against a new page.
 */
const version = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);
const CSS_URL = `/h5/scoring/assets/scoring.css?v=${version(SCORING_CSS)}`;
const JS_URL = `/h5/scoring/assets/sheet.js?v=${version(SHEET_JS)}`;

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function scoringPage(opts: { title: string; subtitle: string; body: Raw; script?: boolean }): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="format-detection" content="telephone=no"><title>${opts.title}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${CSS_URL}">${opts.script ? html`<script src="${JS_URL}" defer></script>` : ''}</head><body><header><h1>${opts.title}</h1><p>${opts.subtitle}</p></header><main>${opts.body}</main></body></html>`.html;
}

/** Every scoring page: HTML, never cached (it shows live state and carries a signed link), locked down. */
export function sendPage(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  ctx.body = body;
}

/** The stylesheet and the script (public: they hold no data). */
export function assetRoutes(router: Router): void {
  router.get('/assets/scoring.css', (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=604800');
    ctx.body = SCORING_CSS;
  });
  router.get('/assets/sheet.js', (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=604800');
    ctx.body = SHEET_JS;
  });
}
