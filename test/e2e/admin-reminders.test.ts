import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { fanOutTopic } from '../../src/db/repositories/topics.js';
import { seedDemo } from '../../src/demo.js';
import { enabledPlatforms } from '../../src/config.js';
import { instantAt } from '../../src/domain/reminders/days.js';
import { runDailyReminders } from '../../src/jobs/daily-reminder.js';
import { personId, screenshotBoth, signInToConsole } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { launchBrowser, LAPTOP, openPage, PHONE, type WatchedPage } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * 提醒 and 报表 in headless Chromium, driven like a person: the admin changes a setting (and gets a typo back
 * with the error next to the field), overrides a branch, records a meeting, previews a day, looks at the burden
 * figure, opens the reports and downloads the year report; the leader 陈志远 sees read-only pages of his two
 * branches. No console errors on any page; screenshots at phone and laptop width.
 */
describe('admin console: 提醒 and 报表 (headless Chromium)', () => {
  let t: TestDatabase;
  let app: RunningApp;
  let browser: Browser;
  const pages: WatchedPage[] = [];
  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const settings = (): Promise<{ unit_id: number | null; settings: unknown }[]> => q(sql`select unit_id, settings from reminder_settings order by unit_id nulls first`);

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    const [topic] = await q<{ id: number }>(sql`select id from topics where month = '2026-11'`);
    await fanOutTopic(t.database.db, topic!.id, app.clock.now());
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    for (const w of pages) await w.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close();
    await t?.drop();
  }, 60_000);

  const open = async (viewport: { width: number; height: number }): Promise<WatchedPage> => {
    const w = await openPage(browser, { viewport, acceptDownloads: true });
    pages.push(w);
    return w;
  };

  it('the admin changes a reminder setting, fixes a typo, overrides a branch', async () => {
    const w = await open(PHONE);
    const { page } = w;
    await signInToConsole(page, app, await personId(t.database, '周晓燕'));
    await page.getByRole('link', { name: '提醒', exact: true }).click();
    await page.waitForURL(`${app.url}/admin/reminders`);
    await screenshotBoth(page, 'reminders-settings');

    // A typo first: the error sits next to the field, nothing is saved.
    await page.getByLabel('免打扰开始').fill('25:00');
    await page.getByLabel('每人每周推送上限').fill('4');
    await page.getByRole('button', { name: '保存设置' }).click();
    await expect.poll(() => page.locator('.notice.error').textContent()).toContain('有 1 处需要修改，所有设置都未保存');
    expect(await page.locator('#f-quietStart-error').textContent()).toBe('免打扰开始须为 HH:mm，如 21:00。');
    expect(await page.getByLabel('免打扰开始').getAttribute('aria-invalid')).toBe('true');
    expect(await settings()).toEqual([]);
    await screenshotBoth(page, 'reminders-settings-error');

    await page.getByLabel('免打扰开始').fill('21:30');
    await page.getByRole('button', { name: '保存设置' }).click();
    await page.waitForURL(`${app.url}/admin/reminders`);
    expect(await page.locator('.notice.ok').textContent()).toContain('免打扰开始 21:00 → 21:30；每人每周推送上限 5 → 4');
    expect(await settings()).toEqual([{ unit_id: null, settings: { quietStart: '21:30', weeklyCap: 4 } }]);
    const [audit] = await q<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'reminders.settings'`);
    expect(audit!.n).toBe(1);

    // One branch: pick it, change its 主题党日 only.
    await page.getByLabel('设置范围').selectOption({ label: '第一党支部（办公室）' });
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL(/\/admin\/reminders\?branch=\d+$/);
    await page.getByLabel('主题党日（每月几日）').fill('20');
    await page.getByRole('button', { name: '保存设置' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain('主题党日（每月几日） 15 → 20');
    const branchRow = (await settings()).find((r) => r.unit_id !== null);
    expect(branchRow?.settings).toEqual({ themeDay: 20 });
    expect(await page.locator('#f-quietStart-hint').textContent()).toContain('沿用全机关设置');
    await screenshotBoth(page, 'reminders-branch');
    // The refused save answers 400 (the form comes back with the error), which Chromium logs once; nothing else.
    const refused = /status of 400 \(Bad Request\) \(http:\/\/[^)]+\/admin\/reminders\/settings:0\)$/;
    expect(w.problems().filter((p) => refused.test(p))).toHaveLength(1);
    expect(w.problems().filter((p) => !refused.test(p))).toEqual([]);
  }, 120_000);

  it('the admin records a meeting, previews a day (nothing queued) and reads the burden figure', async () => {
    const w = await open(LAPTOP);
    const { page } = w;
    await signInToConsole(page, app, await personId(t.database, '周晓燕'));
    await page.goto(`${app.url}/admin/reminders`);
    await page.getByRole('link', { name: '组织生活' }).click();
    await page.waitForURL(`${app.url}/admin/reminders/meetings`);
    await screenshotBoth(page, 'reminders-meetings');
    // The 登记召开 button of 第二党支部's 支部委员会 fills the form.
    await page.locator('tr', { hasText: '第二党支部（政策法规处）' }).filter({ hasText: '支部委员会' }).getByRole('button', { name: '登记', exact: true }).click();
    await page.waitForURL(/meetings\?branch=\d+&kind=branch_committee/);
    expect(await page.getByLabel('会议', { exact: true }).inputValue()).toBe('branch_committee');
    await page.getByLabel('召开日期').fill('2026-10-28');
    await page.locator('#record').getByRole('button', { name: '登记', exact: true }).click();
    await page.waitForURL(`${app.url}/admin/reminders/meetings`);
    expect(await page.locator('.notice.ok').textContent()).toContain('已登记：第二党支部（政策法规处） 支部委员会 2026-10-28');
    expect(await q(sql`select kind, held_on::text as held_on from meeting_records`)).toEqual([{ kind: 'branch_committee', held_on: '2026-10-28' }]);

    const outbox = (await q<{ n: number }>(sql`select count(*)::int as n from outbox`))[0]!.n;
    await page.getByRole('link', { name: '发送预览' }).click();
    await page.waitForURL(`${app.url}/admin/reminders/preview`);
    await page.getByLabel('日期').fill('2026-11-23');
    await page.getByRole('button', { name: '预览' }).click();
    await page.waitForURL(/preview\?date=2026-11-23/);
    expect(await page.locator('#result-title').textContent()).toBe('2026-11-23 08:30 的提醒（预览，未发送）');
    expect(await page.locator('table.data tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.data').textContent()).toContain('三会一课提醒');
    expect((await q<{ n: number }>(sql`select count(*)::int as n from outbox`))[0]!.n).toBe(outbox);
    await screenshotBoth(page, 'reminders-preview');

    // Some pushes for the burden figure: the real job for the day.
    await runDailyReminders({ database: t.database, calendar: app.deps.calendar, timezone: 'Asia/Shanghai', links: app.deps.links, platforms: enabledPlatforms(app.deps.config) }, instantAt('2026-11-23', '08:30', 'Asia/Shanghai'));
    await page.getByRole('link', { name: '减负指标' }).click();
    await page.waitForURL(`${app.url}/admin/reminders/burden`);
    expect(await page.locator('main').textContent()).toContain('组织生活提醒');
    await screenshotBoth(page, 'reminders-burden');
    expect(w.problems()).toEqual([]);
  }, 120_000);

  it('the admin opens the reports and downloads the year report', async () => {
    const w = await open(PHONE);
    const { page } = w;
    await signInToConsole(page, app, await personId(t.database, '周晓燕'));
    await page.getByRole('link', { name: '报表', exact: true }).click();
    await page.waitForURL(`${app.url}/admin/reports`);
    expect(await page.locator('main').textContent()).toContain('数据量大时需要几十秒');
    await screenshotBoth(page, 'reports');
    await page.getByRole('link', { name: '查看今日简报' }).click();
    await page.waitForURL(`${app.url}/admin/reports/digest`);
    expect(await page.locator('h1').textContent()).toBe('今日简报 11月23日');
    await screenshotBoth(page, 'reports-digest');
    await page.goto(`${app.url}/admin/reports`);
    await page.locator('section', { hasText: '2026年年底交账' }).getByRole('link', { name: '查看汇总' }).click();
    await page.waitForURL(`${app.url}/admin/reports/year/yearend?year=2026`);
    expect(await page.locator('h1').textContent()).toBe('2026年年底交账');
    await screenshotBoth(page, 'reports-yearend');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载年底交账 Excel' }).click()]);
    expect(download.suggestedFilename()).toBe('2026年年底交账.xlsx');
    expect(w.problems()).toEqual([]);
  }, 120_000);

  it('the leader 陈志远 sees read-only pages of his two branches', async () => {
    const w = await open(PHONE);
    const { page } = w;
    await signInToConsole(page, app, await personId(t.database, '陈志远'));
    for (const path of ['/admin/reminders', '/admin/reminders/meetings', '/admin/reminders/burden', '/admin/reports', '/admin/reports/digest', '/admin/reports/year/midyear?year=2026']) {
      const res = await page.goto(`${app.url}${path}`);
      expect(res?.status(), path).toBe(200);
      const text = (await page.locator('main').textContent()) ?? '';
      for (const other of ['第一党支部', '第四党支部', '第五党支部']) expect(text, `${path}: ${other}`).not.toContain(other);
      expect(await page.locator('main form[method="post" i]').count(), path).toBe(0);
    }
    await page.goto(`${app.url}/admin/reminders`);
    expect(await page.locator('main').textContent()).toContain('领导账号只能查看');
    await screenshotBoth(page, 'reminders-leader');
    await page.goto(`${app.url}/admin/reports`);
    await screenshotBoth(page, 'reports-leader');
    expect(w.problems()).toEqual([]);
  }, 120_000);
});
