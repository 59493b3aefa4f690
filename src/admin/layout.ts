import type { Context } from 'koa';
import { html, raw, type Raw } from '../h5/html.js';
import type { ConsoleUser } from './console-user.js';
import { ADMIN_SECTIONS, type SectionKey } from './sections.js';

/**
 * The console's page frame: header with who is signed in, the section menu, a flash message, the page. Pages
 * are built with the `html` tagged template (src/h5/html.ts), which escapes every interpolated value — no user
 * string is ever concatenated into markup.
 *
 * CSS classes pages can use (defined once here):
 *  - layout: `.panel` (white box), `.grid` (responsive columns), `.row` (inline flex), `.muted`, `.small`, `.right`
 *  - `.btn`, `.btn.primary`, `.btn.danger`, `.btn.link` (looks like a link), `a.btn` works too
 *  - tables: `table.data` (wrap in `.table-wrap` to scroll sideways on phones), `td.num` right-aligned figures
 *  - forms: `.field` (label above input), `.field .hint`, `.actions` (buttons row), `fieldset`
 *  - messages: `.notice.ok`, `.notice.error`, `.notice.warn`, `ul.errors` (row-level import errors)
 *  - `.badge`, `.badge.ok`, `.badge.warn`, `.badge.bad`; `.empty` (empty state with a call to action)
 *  - `.diff-add`, `.diff-change`, `.diff-remove` (import previews); `.side-by-side` (two columns on laptops)
 */

const STYLE = `*{box-sizing:border-box}
body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f4f5f7}
a{color:#1255a5}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px 10px;z-index:10}
.top{background:#b71c1c;color:#fff;display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;padding:10px 16px}
.top .brand{font-weight:600;font-size:17px;color:#fff;text-decoration:none}.top .who{margin-left:auto;font-size:13px;color:#ffe1e1;display:flex;gap:10px;align-items:center}
.top .who form{margin:0}.top .who button{background:transparent;border:1px solid #ffb3b3;color:#fff;border-radius:4px;padding:2px 10px;cursor:pointer;font:inherit}
nav.sections{background:#fff;border-bottom:1px solid #d9dde3;overflow-x:auto;white-space:nowrap}
nav.sections ul{list-style:none;margin:0 auto;padding:0 8px;max-width:1200px;display:flex}
nav.sections a{display:block;padding:10px 14px;color:#333;text-decoration:none;border-bottom:3px solid transparent}
nav.sections a[aria-current=page]{border-bottom-color:#b71c1c;color:#b71c1c;font-weight:600}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:0 0 10px}h3{font-size:15px;margin:12px 0 6px}
.panel{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:14px 16px;margin-bottom:14px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:14px;margin-bottom:14px}.grid>.panel{margin-bottom:0}
.side-by-side{display:grid;grid-template-columns:1fr;gap:14px}@media(min-width:900px){.side-by-side{grid-template-columns:1fr 1fr}}
.row{display:flex;flex-wrap:wrap;gap:8px;align-items:center}.right{text-align:right}
.muted{color:#666}.small{font-size:13px}
.btn{display:inline-block;padding:6px 14px;border:1px solid #c4c9d0;border-radius:6px;background:#fff;color:#1f2328;font:inherit;cursor:pointer;text-decoration:none;line-height:1.5}
.btn.primary{background:#b71c1c;border-color:#b71c1c;color:#fff}.btn.danger{border-color:#c62828;color:#c62828}
.btn.link{border:none;background:none;color:#1255a5;padding:0;text-decoration:underline}.btn[disabled]{opacity:.5;cursor:not-allowed}
.table-wrap{overflow-x:auto}table.data{width:100%;border-collapse:collapse;font-size:14px}
table.data th,table.data td{padding:6px 8px;border-bottom:1px solid #e6e8eb;text-align:left;vertical-align:top}
table.data th{background:#f7f8fa;font-weight:600;white-space:nowrap}table.data td.num,table.data th.num,td.num,th.num{text-align:right;white-space:nowrap;width:1%}
.field{display:flex;flex-direction:column;gap:4px;margin-bottom:12px}.field label{font-weight:600;font-size:14px}
.field input,.field select,.field textarea{font:inherit;padding:6px 8px;border:1px solid #c4c9d0;border-radius:6px;max-width:100%;background:#fff}
.field textarea{min-height:90px}.field .hint{font-size:13px;color:#666}
fieldset{border:1px solid #d9dde3;border-radius:6px;margin:0 0 12px;padding:8px 12px}legend{font-weight:600;font-size:14px;padding:0 4px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.notice{border-radius:6px;padding:10px 12px;margin-bottom:14px;border:1px solid}
.notice.ok{background:#e9f6ec;border-color:#9ed3aa;color:#1a5e2a}.notice.error{background:#fdecea;border-color:#f3b1ab;color:#8e1c12}
.notice.warn{background:#fff6e5;border-color:#f1cf8c;color:#7a4b00}
ul.errors{margin:6px 0 0;padding-left:20px;color:#8e1c12}
.badge{display:inline-block;font-size:12px;padding:0 8px;border-radius:10px;background:#eef2f7;color:#333;white-space:nowrap}
.badge.ok{background:#e6f4ea;color:#1a7f37}.badge.warn{background:#fff4e5;color:#a15c00}.badge.bad{background:#fdecea;color:#c62828}
.empty{text-align:center;padding:28px 12px;color:#555}.empty .btn{margin-top:10px}
.diff-add{background:#e9f6ec}.diff-change{background:#fff6e5}.diff-remove{background:#fdecea;text-decoration:line-through}
.chart svg{max-width:100%;height:auto}
@media(max-width:600px){main{padding:10px}.panel{padding:12px}h1{font-size:18px}}`;

export type FlashKind = 'ok' | 'error' | 'warn';
const FLASH_COOKIE = 'djb_flash';

/** A one-time message for the next page this browser shows (after a POST and its 303 redirect). */
export function setFlash(ctx: Context, kind: FlashKind, text: string): void {
  ctx.cookies.set(FLASH_COOKIE, encodeURIComponent(`${kind}:${text.slice(0, 500)}`), { httpOnly: true, sameSite: 'lax', path: '/admin', overwrite: true });
}

function takeFlash(ctx: Context): { kind: FlashKind; text: string } | null {
  const v = ctx.cookies.get(FLASH_COOKIE);
  if (!v) return null;
  ctx.cookies.set(FLASH_COOKIE, null, { path: '/admin' });
  let s: string;
  try {
    s = decodeURIComponent(v);
  } catch {
    return null;
  }
  const m = /^(ok|error|warn):([\s\S]*)$/.exec(s);
  return m ? { kind: m[1] as FlashKind, text: m[2]! } : null;
}

/** The hidden CSRF field every console form must carry. */
export function csrfField(user: ConsoleUser): Raw {
  return html`<input type="hidden" name="_csrf" value="${user.csrf}">`;
}

/** A small POST form with one button (e.g. 关闭、发布、删除), carrying the CSRF token. */
export function postButton(user: ConsoleUser, action: string, label: string, opts: { cls?: string; fields?: Record<string, string>; confirm?: string } = {}): Raw {
  const fields = Object.entries(opts.fields ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  return html`<form method="post" action="${action}" class="inline-form" style="display:inline">${csrfField(user)}${fields}<button type="submit" class="btn ${opts.cls ?? ''}">${label}</button></form>`;
}

/** "还没有…，点击这里…": what an empty list says, with the next step. */
export function emptyState(text: string, action?: { href: string; label: string }): Raw {
  return html`<div class="empty"><p>${text}</p>${action ? html`<a class="btn primary" href="${action.href}">${action.label}</a>` : ''}</div>`;
}

export interface AdminPageOptions {
  title: string;
  active: SectionKey;
  body: Raw;
  /** Replaces the flash message (e.g. the result of a POST rendered directly). */
  notice?: { kind: FlashKind; text: string };
}

const ROLE_LABEL = { admin: '管理员', leader: '领导（只读）' } as const;

/** The whole console document. `user` null: signed-out pages (sign-in, errors before sign-in). */
export function adminDocument(user: ConsoleUser | null, opts: AdminPageOptions & { flash?: { kind: FlashKind; text: string } | null }): string {
  const flash = opts.notice ?? opts.flash ?? null;
  const menu = user
    ? html`<nav class="sections" aria-label="管理后台栏目"><ul>${ADMIN_SECTIONS.map((s) => html`<li><a href="${s.path}"${s.key === opts.active ? raw(' aria-current="page"') : ''}>${s.label}</a></li>`)}</ul></nav>`
    : '';
  const who = user
    ? html`<div class="who"><span>${user.person.name} · ${ROLE_LABEL[user.role]}</span><form method="post" action="/admin/signout">${csrfField(user)}<button type="submit">退出</button></form></div>`
    : '';
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>${opts.title} · 党建助手管理后台</title><style>${raw(STYLE)}</style></head>
<body><a class="skip" href="#main">跳到正文</a><header class="top"><a class="brand" href="/admin">党建助手 · 管理后台</a>${who}</header>${menu}
<main id="main"><h1>${opts.title}</h1>${flash ? html`<div class="notice ${flash.kind}" role="status">${flash.text}</div>` : ''}${opts.body}</main></body></html>`.html;
}

/** Renders a console page for the signed-in user (with the pending flash message), never cached. */
export function renderAdmin(ctx: Context, opts: AdminPageOptions): void {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = adminDocument((ctx.state.consoleUser as ConsoleUser | undefined) ?? null, { ...opts, flash: takeFlash(ctx) });
}

/** After a successful POST: message for the next page, then 303 to it (so reload does not post again). */
export function redirectWithFlash(ctx: Context, to: string, text: string, kind: FlashKind = 'ok'): void {
  setFlash(ctx, kind, text);
  ctx.status = 303;
  ctx.redirect(to);
}
