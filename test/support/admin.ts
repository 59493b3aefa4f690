import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';
import type { RunningApp } from './app.js';
import { LAPTOP, PHONE, screenshot } from './browser.js';

/**
 * Admin console test helpers. In the demo organisation 周晓燕 (党务干部) is the admin, 刘建国 the agency-wide
 * leader, 陈志远 the leader of 第二、第三党支部, 王海峰 a branch secretary (no console access).
 */
export async function personId(database: Database, name: string): Promise<number> {
  const [r] = rows<{ id: number }>(await database.db.execute(sql`select id from people where name = ${name} and active order by id limit 1`));
  if (!r) throw new Error(`no active person named ${name}`);
  return Number(r.id);
}

/** Signs in through the real flow: the bot's link (LinkSigner.adminSignIn), its page, the button. */
export async function signInToConsole(page: Page, app: RunningApp, person: number): Promise<void> {
  // The link points at PUBLIC_BASE_URL (localhost:3000 in tests): the same path and token on the test server.
  const link = new URL(app.deps.links.adminSignIn(person));
  await page.goto(`${app.url}${link.pathname}${link.search}`);
  await page.getByRole('button', { name: '进入管理后台' }).click();
  await page.waitForURL(`${app.url}/admin`);
}

/** A console session over plain HTTP (for non-browser tests): the cookie to send and the page's CSRF token. */
export interface HttpSession {
  cookie: string;
  csrf: string;
  get(path: string): Promise<Response>;
  /** POSTs a urlencoded form; `_csrf` is added unless `csrf: false`. */
  post(path: string, fields?: Record<string, string | string[]>, opts?: { csrf?: boolean }): Promise<Response>;
  /** POSTs multipart/form-data with files (Blob) and fields; `_csrf` added. */
  upload(path: string, fields: Record<string, string>, files: Record<string, { name: string; data: Buffer; type?: string }>): Promise<Response>;
  /** GETs a console page, expecting 200; returns its HTML. */
  page(path: string): Promise<string>;
  /**
   * Follows a POST's 303 to the page it leads to, with the one-time message cookie the redirect set (as a browser
   * would); expects 303 then 200 and returns that page's HTML.
   */
  follow(res: Response): Promise<string>;
}

export async function httpSignIn(app: RunningApp, person: number): Promise<HttpSession> {
  const link = new URL(app.deps.links.adminSignIn(person));
  const token = link.searchParams.get('t')!;
  const res = await fetch(`${app.url}/admin/signin`, { method: 'POST', body: new URLSearchParams({ t: token }), redirect: 'manual' });
  expect(res.status, await res.clone().text()).toBe(303);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('djb_admin='));
  if (!setCookie) throw new Error('no session cookie set');
  const cookie = setCookie.split(';')[0]!;
  const home = await (await fetch(`${app.url}/admin`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home)?.[1];
  if (!csrf) throw new Error('no CSRF token on the console home page');
  const get = (path: string): Promise<Response> => fetch(`${app.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  const post = (path: string, fields: Record<string, string | string[]> = {}, opts: { csrf?: boolean } = {}): Promise<Response> => {
    const body = new URLSearchParams();
    if (opts.csrf !== false) body.append('_csrf', csrf);
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return fetch(`${app.url}${path}`, { method: 'POST', headers: { cookie }, body, redirect: 'manual' });
  };
  const upload = (path: string, fields: Record<string, string>, files: Record<string, { name: string; data: Buffer; type?: string }>): Promise<Response> => {
    const form = new FormData();
    form.append('_csrf', csrf);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [k, f] of Object.entries(files)) form.append(k, new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
    return fetch(`${app.url}${path}`, { method: 'POST', headers: { cookie }, body: form, redirect: 'manual' });
  };
  const page = async (path: string): Promise<string> => {
    const res = await get(path);
    expect(res.status, path).toBe(200);
    return res.text();
  };
  const follow = async (res: Response): Promise<string> => {
    expect(res.status, await res.clone().text()).toBe(303);
    const flash = res.headers.getSetCookie().find((c) => c.startsWith('djb_flash='))?.split(';')[0];
    const next = await fetch(`${app.url}${res.headers.get('location')!}`, { headers: { cookie: [cookie, flash].filter(Boolean).join('; ') }, redirect: 'manual' });
    expect(next.status).toBe(200);
    return next.text();
  };
  return { cookie, csrf, get, post, upload, page, follow };
}

/** Screenshots of the current page at phone and laptop width: test-results/screenshots/admin-<name>-{phone,laptop}.png. */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  await screenshot(page, `admin-${name}-phone`, { fullPage: true });
  await page.setViewportSize(LAPTOP);
  await screenshot(page, `admin-${name}-laptop`, { fullPage: true });
  if (size) await page.setViewportSize(size);
}
