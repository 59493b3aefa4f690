import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { personId, screenshotBoth, signInToConsole } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { launchBrowser, LAPTOP, openPage, PHONE, type WatchedPage } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * 计划 and 每月主题 driven like a 党务干部 would in headless Chromium: import the shared 工作要点 through the
 * side-by-side preview, save it, open the plan and change one item; create next month's topic, preview the card on
 * each platform, save it and push it now. Screenshots at phone and laptop width; no console errors anywhere.
 */
const repoRoot = resolve(import.meta.dirname, '../..');
const FIXTURE = resolve(repoRoot, '../shared/fixtures/plans/work-points-2023.txt');

describe('admin console: plans and monthly topics (headless Chromium)', () => {
  let t: TestDatabase;
  let app: RunningApp;
  let browser: Browser;
  let w: WatchedPage;

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    browser = await launchBrowser();
    w = await openPage(browser, { viewport: LAPTOP });
    await signInToConsole(w.page, app, await personId(t.database, '周晓燕'));
  }, 120_000);
  afterAll(async () => {
    await w?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close();
    await t?.drop();
  }, 60_000);

  const noSideways = async (): Promise<void> => {
    const size = w.page.viewportSize();
    await w.page.setViewportSize(PHONE);
    expect(await w.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    if (size) await w.page.setViewportSize(size);
  };

  it('imports the shared plan through the preview, saves it, and edits an item', async () => {
    const { page } = w;
    await page.getByRole('link', { name: '计划', exact: true }).click();
    await page.waitForURL(`${app.url}/admin/plans`);
    await expect.poll(() => page.locator('.empty').textContent()).toContain('还没有导入计划，点击这里导入');
    await screenshotBoth(page, 'plans-empty');

    await page.getByRole('link', { name: '导入计划' }).click();
    await page.getByLabel('计划文件').setInputFiles(FIXTURE);
    await page.getByRole('button', { name: '上传并预览' }).click();
    await page.waitForURL(`${app.url}/admin/plans/import`);
    expect(await page.locator('h1').textContent()).toBe('导入预览');
    const source = page.getByRole('region', { name: '文档原文（读取到的内容）' });
    const tree = page.getByRole('region', { name: '识别出的条目（方面 → 目标 → 任务）' });
    expect(await source.locator('.doc-lines li').count()).toBe(33); // every non-empty line of the file
    expect(await tree.locator('.node.level-aspect').count()).toBe(6);
    expect(await tree.locator('.node.level-task').count()).toBe(25);
    await tree.getByText('工作要求').first().click(); // the requirement text opens in place
    expect(await tree.locator('details[open] p').first().textContent()).toContain('把开展主题教育作为重要政治任务');
    // The two columns sit side by side on a laptop.
    const [left, right] = await Promise.all([source.boundingBox(), tree.boundingBox()]);
    expect(right!.x).toBeGreaterThan(left!.x + left!.width - 1);
    expect(await q(sql`select id from plans`)).toEqual([]);
    await noSideways();
    await screenshotBoth(page, 'plans-import-preview');

    await page.getByRole('button', { name: '确认保存' }).click();
    await page.waitForURL(/\/admin\/plans\/\d+$/);
    expect(await page.locator('.notice.ok').textContent()).toContain('已保存 2023年《2023年区党建工作要点》');
    const branchRows = page.getByRole('region', { name: '各党支部完成情况' }).locator('tbody tr');
    expect(await branchRows.count()).toBe(5);
    await noSideways();
    await screenshotBoth(page, 'plans-plan');

    await page.getByRole('link', { name: '← 全部计划' }).click();
    expect(await page.locator('table.data tbody tr').count()).toBe(1);
    await screenshotBoth(page, 'plans-list');

    await page.getByRole('link', { name: '2023年区党建工作要点' }).click();
    await page.getByRole('link', { name: '8.真心真情服务群众' }).click();
    expect(await page.locator('h1').textContent()).toBe('8.真心真情服务群众');
    await page.getByLabel('完成时限').fill('2023-06-30');
    await page.getByLabel('清单类型').selectOption({ label: '创新清单' });
    await page.getByLabel('责任单位').selectOption({ label: '第二党支部（政策法规处）（党支部）' });
    await page.getByLabel('责任人', { exact: true }).fill('何建华');
    await page.getByLabel('文明型').check();
    await noSideways();
    await screenshotBoth(page, 'plans-item');
    await page.getByRole('button', { name: '保存修改' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain('5 条分派的完成时限随之调整');
    const [item] = await q<{ due_date: string; list_kind: string; dimensions: string[] }>(sql`select due_date::text, list_kind::text, dimensions from plan_items where title = '真心真情服务群众'`);
    expect(item).toEqual({ due_date: '2023-06-30', list_kind: 'innovation', dimensions: ['服务型', '实干型', '文明型'] });
    expect(w.problems()).toEqual([]);
  }, 180_000);

  it('creates next month’s topic, previews the card on each platform, saves and pushes it', async () => {
    const { page } = w;
    await page.getByRole('link', { name: '每月主题', exact: true }).click();
    await page.waitForURL(`${app.url}/admin/topics`);
    await screenshotBoth(page, 'topics-list');
    await page.getByRole('link', { name: '新建主题' }).click();
    expect(await page.getByLabel('月份').inputValue()).toBe('2026-12');
    await page.getByLabel('主题标题').fill('学习贯彻全会精神');
    await page.getByLabel('主题说明').fill('本月集中学习全会公报，结合岗位撰写心得，支部组织一次专题研讨。');
    await page.getByLabel('材料 1 标题').fill('全会公报全文');
    await page.getByLabel('材料 1 链接').fill('https://www.gov.cn/');
    await page.getByLabel('材料 2 标题').fill('专题党课视频');
    await page.getByLabel('材料 2 链接').fill('https://www.12371.cn/');
    await page.getByLabel('必学内容（每行一项）').fill('原文学习全会公报\n观看专题党课视频\n撰写一篇学习心得（500字以上）');
    await noSideways();
    await screenshotBoth(page, 'topics-form');

    await page.getByRole('button', { name: '预览卡片' }).click();
    await page.waitForURL(`${app.url}/admin/topics/preview`);
    const sandbox = page.getByRole('region', { name: /沙盒/ });
    const wecom = page.getByRole('region', { name: /企业微信/ });
    const ding = page.getByRole('region', { name: /钉钉/ });
    expect(await sandbox.locator('article.card .card-title').textContent()).toBe('2026年12月主题');
    expect(await sandbox.getByRole('button', { name: '第1项：已学习' }).isDisabled()).toBe(true);
    expect(await wecom.locator('.pv-title').textContent()).toBe('2026年12月主题');
    expect(await wecom.locator('.pv-sub').textContent()).toContain('原文学习全会公报');
    await wecom.getByText('查看发送的 template_card JSON').click();
    expect(await wecom.locator('.pv-json pre').textContent()).toContain('"card_type": "button_interaction"');
    expect(await ding.locator('.pv-ding').first().textContent()).toContain('观看专题党课视频');
    expect(await q(sql`select id from topics where month = '2026-12'`)).toEqual([]);
    await noSideways();
    await screenshotBoth(page, 'topics-preview');

    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`${app.url}/admin/topics/2026-12`);
    expect(await page.locator('.notice.ok').textContent()).toContain('已新建 2026年12月主题');
    expect(await page.locator('main').textContent()).toContain('将于本月第一个工作日 2026-12-01 09:00 自动推送');
    await noSideways();
    await screenshotBoth(page, 'topics-topic');

    await page.getByRole('link', { name: '立即推送…' }).click();
    await noSideways();
    await screenshotBoth(page, 'topics-push-confirm');
    await page.getByRole('button', { name: '确认立即推送' }).click();
    await page.waitForURL(`${app.url}/admin/topics/2026-12`);
    expect(await page.locator('.notice.ok').textContent()).toMatch(/已推送 2026年12月主题：新加入发送队列 \d+ 条消息/);
    const [queued] = await q<{ n: number }>(sql`select count(*)::int as n from outbox where idempotency_key like 'topic:2026-12:%'`);
    expect(Number(queued!.n)).toBeGreaterThan(0);
    expect(w.problems()).toEqual([]);
  }, 180_000);
});
