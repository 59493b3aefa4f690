import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { screenshotBoth } from '../support/admin.js';
import { launchBrowser, LAPTOP, openPage, PHONE, type WatchedPage } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startSandboxServer, type RunningSandboxServer } from '../support/sandbox-server.js';

/**
 * Getting into the admin console the way a 党务干部 does: in the messenger (the sandbox here) she sends
 * "管理后台", opens the card's link, presses 进入管理后台 and lands on the console — in headless Chromium on the
 * real server. A member asking gets a polite refusal and no link; a leader gets in read-only.
 */
const REPLY_MS = 20_000;

describe('admin console: sign in from the messenger (headless Chromium)', () => {
  let t: TestDatabase;
  let server: RunningSandboxServer;
  let browser: Browser;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startSandboxServer(t.database);
    await seedDemo(t.database, server.clock, server.deps.config.timezone);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    for (const w of pages) await w.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await t?.drop().catch(() => undefined);
  }, 60_000);

  const open = async (viewport: { width: number; height: number }): Promise<WatchedPage> => {
    const w = await openPage(browser, { viewport });
    pages.push(w);
    return w;
  };

  /** Says "管理后台" as the person labelled `label` (name and role mark, e.g. "周晓燕（党务干部）") in the sandbox 1:1 chat; returns the newest bot card's article. */
  async function ask(page: Page, label: string) {
    await page.goto(`${server.url}/sandbox`);
    await expect.poll(() => page.locator('#person option').count(), { timeout: REPLY_MS }).toBeGreaterThan(10);
    await page.getByLabel('我是').selectOption({ label });
    await expect.poll(() => page.locator('#chat-title').textContent()).toBe('与党建助手的单聊');
    const bot = page.locator('#messages > li.msg.out');
    await bot.first().waitFor({ timeout: REPLY_MS }); // the first-visit help card
    const before = await bot.count();
    const input = page.getByLabel('输入消息');
    await input.fill('管理后台');
    await input.press('Enter');
    await expect.poll(() => bot.count(), { timeout: REPLY_MS }).toBe(before + 1);
    return bot.last().locator('article.card');
  }

  /** The card's link points at PUBLIC_BASE_URL (localhost:3000 in tests): the same path on the test server. */
  const onServer = (href: string): string => {
    const u = new URL(href);
    return `${server.url}${u.pathname}${u.search}`;
  };

  it('an admin asks the bot, opens the link, and is in; the link works once', async () => {
    const w = await open(PHONE);
    const card = await ask(w.page, '周晓燕（党务干部）');
    expect(await card.locator('.card-title').textContent()).toBe('管理后台登录链接');
    const href = await card.getByRole('link', { name: '进入管理后台' }).getAttribute('href');
    expect(href).toMatch(/\/admin\/signin\?t=/);
    const { page } = w;
    await page.goto(onServer(href!));
    expect(await page.locator('h1').textContent()).toBe('登录管理后台');
    await screenshotBoth(page, 'signin');
    await page.getByRole('button', { name: '进入管理后台' }).click();
    await page.waitForURL(`${server.url}/admin`);
    expect(await page.locator('.top .who span').textContent()).toBe('周晓燕 · 管理员');
    expect(await page.locator('.notice.ok').textContent()).toContain('欢迎，周晓燕');
    // Every section is one click away, in the menu.
    const menu = await page.locator('nav.sections a').allTextContents();
    expect(menu).toEqual(['首页', '组织', '计划', '每月主题', '提醒', '互观互检', '报表', '日历']);
    await screenshotBoth(page, 'home');
    // Nothing sticks out sideways on a phone.
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    // Keyboard: the first Tab reaches the skip link, which leads to the page's content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文');

    // The same link again (e.g. forwarded): refused.
    const again = await open(LAPTOP);
    await again.page.goto(onServer(href!));
    await again.page.getByRole('button', { name: '进入管理后台' }).click();
    await again.page.waitForLoadState();
    expect(await again.page.locator('main').textContent()).toContain('该登录链接已使用过');

    // Sign out: the session ends, the console asks for a new link.
    await page.getByRole('button', { name: '退出' }).click();
    expect(await page.locator('main').textContent()).toContain('您已退出管理后台');
    await page.goto(`${server.url}/admin`);
    expect(await page.locator('h1').textContent()).toBe('请先登录');
    expect(w.problems().filter((p) => !p.includes('401'))).toEqual([]);
    const audit = rows<{ action: string }>(await t.database.db.execute(sql`select action from audit_log where action like 'admin.%' order by id`));
    expect(audit.map((a) => a.action)).toEqual(['admin.sign_in', 'admin.sign_out']);
  }, 120_000);

  it('a member gets no link; a leader gets in read-only', async () => {
    const member = await open(PHONE);
    const refusal = await ask(member.page, '张伟');
    expect(await refusal.locator('.card-title').textContent()).toBe('管理后台仅供管理员使用');
    expect(await refusal.locator('a[href*="/admin/signin"]').count()).toBe(0);

    const leader = await open(LAPTOP);
    const card = await ask(leader.page, '陈志远（领导）');
    const href = await card.getByRole('link', { name: '进入管理后台' }).getAttribute('href');
    await leader.page.goto(onServer(href!));
    await leader.page.getByRole('button', { name: '进入管理后台' }).click();
    await leader.page.waitForURL(`${server.url}/admin`);
    expect(await leader.page.locator('.top .who span').textContent()).toBe('陈志远 · 领导（只读）');
    expect(await leader.page.locator('main').textContent()).toContain('只能查看分管范围内的情况');
    expect(leader.problems()).toEqual([]);
    expect(member.problems()).toEqual([]);
  }, 120_000);
});
