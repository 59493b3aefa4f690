import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basename, resolve } from 'node:path';
import { importPlan, loadDimensionConfig } from '../../src/db/repositories/plans.js';
import { seedDemo } from '../../src/demo.js';
import { readPlanFile } from '../../src/importers/read-plan-file.js';
import { httpSignIn, personId, signInToConsole, type HttpSession } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { launchBrowser, openPage, PHONE } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * Every console page a person can reach by following links, opened in headless Chromium: 200, no console or
 * page errors, nothing wider than a phone's screen. For a leader limited to 第二、第三党支部, no page names another
 * branch, and no page offers a form that changes anything (the server refuses those anyway: see the section
 * tests). The crawl follows GET links under /admin only, skips downloads, and stops at MAX_PAGES.
 */
const MAX_PAGES = 120;
const OTHER_BRANCHES = ['第一党支部', '第四党支部', '第五党支部'];

describe('admin console: every reachable page (headless Chromium)', () => {
  let t: TestDatabase;
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    // A plan, so the plan and item pages are among those crawled.
    const path = resolve(import.meta.dirname, '../../../shared/fixtures/plans/work-points-2023.txt');
    const file = await readPlanFile(path, { dimensions: await loadDimensionConfig(t.database.db) });
    await importPlan(t.database, { outline: file.outline, details: file.details, year: 2026, sourceName: basename(path), warnings: file.warnings, actor: 'test', clock: app.clock });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await app?.close();
    await t?.drop();
  }, 60_000);

  /**
   * Breadth-first over same-origin /admin links; HTML pages only (a HEAD-free check: fetch with the cookie). Pages
   * of the same shape (ids and query values aside: 41 person pages are one page) are opened at most 3 times, so
   * the budget goes to variety.
   */
  async function crawl(session: HttpSession, visit: (path: string) => Promise<void>): Promise<string[]> {
    const seen = new Set<string>(['/admin']);
    const shapes = new Map<string, number>();
    const shapeOf = (href: string): string => href.replace(/\d+/g, 'N').replace(/=[^&]*/g, '=');
    const queue = ['/admin'];
    const pages: string[] = [];
    while (queue.length > 0 && pages.length < MAX_PAGES) {
      const path = queue.shift()!;
      const res = await session.get(path);
      expect(res.status, `GET ${path}`).toBeLessThan(400);
      if (res.status >= 300) continue;
      if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) continue; // a download
      const body = await res.text();
      pages.push(path);
      await visit(path);
      for (const m of body.matchAll(/<a\b[^>]*\bhref="([^"#]+)"/g)) {
        const href = m[1]!.replace(/&amp;/g, '&');
        if (!href.startsWith('/admin') || href.startsWith('/admin/signout')) continue;
        if (/\.(xlsx|csv|json|png)(\?|$)|\/(export|download|template)\b/.test(href)) continue;
        const shape = shapeOf(href);
        if (!seen.has(href) && (shapes.get(shape) ?? 0) < 3) {
          seen.add(href);
          shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
          queue.push(href);
        }
      }
    }
    return pages;
  }

  it('as the admin: every page opens cleanly at phone width', async () => {
    const admin = await personId(t.database, '周晓燕');
    const w = await openPage(browser, { viewport: PHONE });
    await signInToConsole(w.page, app, admin);
    const session = await httpSignIn(app, admin);
    const overflowing: string[] = [];
    const pages = await crawl(session, async (path) => {
      const res = await w.page.goto(`${app.url}${path}`);
      expect(res?.status(), path).toBe(200);
      const over = await w.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (over > 0) overflowing.push(`${path} (+${over}px)`);
    });
    // All eight sections at least.
    expect(pages.length).toBeGreaterThan(30);
    for (const s of ['/admin', '/admin/org', '/admin/plans', '/admin/plans/1', '/admin/topics', '/admin/reminders', '/admin/scoring', '/admin/reports', '/admin/calendar']) expect(pages).toContain(s);
    expect(w.problems()).toEqual([]);
    expect(overflowing).toEqual([]);
    await w.close();
  }, 600_000);

  it('as a leader of two branches: no other branch named, no form that changes anything', async () => {
    const leader = await personId(t.database, '陈志远');
    const w = await openPage(browser, { viewport: PHONE });
    await signInToConsole(w.page, app, leader);
    const session = await httpSignIn(app, leader);
    const leaks: string[] = [];
    const forms: string[] = [];
    const pages = await crawl(session, async (path) => {
      await w.page.goto(`${app.url}${path}`);
      const text = (await w.page.locator('main').textContent()) ?? '';
      for (const b of OTHER_BRANCHES) if (text.includes(b)) leaks.push(`${path}: ${b}`);
      // POST forms other than 退出 (in the header, outside <main>) would be actions a leader may not take.
      const actions = await w.page.locator('main form[method="post" i]').evaluateAll((fs) => fs.map((f) => (f as HTMLFormElement).getAttribute('action') ?? ''));
      forms.push(...actions.map((a) => `${path} → ${a}`));
    });
    expect(pages.length).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
    expect(forms).toEqual([]);
    expect(w.problems()).toEqual([]);
    await w.close();
  }, 600_000);
});
