import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { personId, screenshotBoth, signInToConsole } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { launchBrowser, LAPTOP, openPage, PHONE, type WatchedPage } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The 组织 and 日历 pages in headless Chromium, driven like a 党务干部 would: the tree, searching people, a person's
 * page and editing it, importing a file with one bad row (errors, nothing saved) and then a good one (preview →
 * 确认导入), the sync page in the demo, the calendar (setting a 调休 day from the month grid and clearing it); and a
 * leader limited to two branches. Every page is screenshotted at both widths, fits a phone, and logs no error.
 */
const B5 = '第五党支部（机关服务中心）';
const HEADER = '姓名,所在单位/支部,党小组,角色,企业微信账号,钉钉账号,手机号,分管范围';
const GOOD = [HEADER, `钱多多,${B5},,党员,qianduoduo,dt_qianduoduo,,`, `孙小美,${B5},第一党小组,党员、支部委员,sunxiaomei,,13700000001,`].join('\n');
const BAD = [HEADER, `钱多多,${B5},,党员,qianduoduo,dt_qianduoduo,,`, `孙小美,,,党员,sunxiaomei,,,`].join('\n');

describe('admin console: 组织 and 日历 pages (headless Chromium)', { timeout: 180_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let browser: Browser;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database, { ADMIN_SESSION_IDLE_MINUTES: '600' });
    await seedDemo(t.database, app.clock);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    for (const w of pages) await w.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await t?.drop().catch(() => undefined);
  }, 60_000);

  const q = async <T>(query: string): Promise<T[]> => rows<T>(await t.database.db.execute(sql.raw(query)));
  const count = async (query: string): Promise<number> => Number((await q<{ n: number }>(query))[0]!.n);
  const open = async (): Promise<WatchedPage> => {
    const w = await openPage(browser, { viewport: LAPTOP });
    pages.push(w);
    return w;
  };
  const fitsPhone = async (page: Page): Promise<void> => {
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize(LAPTOP);
  };
  /** Checks and screenshots the page shown now. */
  const shot = async (w: WatchedPage, name: string): Promise<void> => {
    await fitsPhone(w.page);
    await screenshotBoth(w.page, name);
    expect(w.problems()).toEqual([]);
  };
  const main = (page: Page): Promise<string> => page.locator('main').innerText();

  it('an admin browses the tree and people, edits a person, and imports a file (bad, then good)', async () => {
    const w = await open();
    const { page } = w;
    await signInToConsole(page, app, await personId(t.database, '周晓燕'));
    await page.locator('nav.sections').getByRole('link', { name: '组织' }).click();
    await page.waitForURL(`${app.url}/admin/org`);
    expect(await page.locator('ul.tree').innerText()).toContain('第一党支部（办公室）');
    expect(await main(page)).toContain('在册人员 41 人');
    await shot(w, 'org-tree');

    // People: search by account.
    await page.getByRole('link', { name: '人员', exact: true }).click();
    await page.getByLabel('姓名、手机号或账号').fill('wanghaifeng');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/q=wanghaifeng/);
    expect(await main(page)).toContain('共 1 人');
    await page.getByLabel('姓名、手机号或账号').fill('');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/\/admin\/org\/people\?/);
    expect(await main(page)).toContain('共 41 人');
    await shot(w, 'org-people');

    // A person: the page, then an edit (a 支委 role and a mobile number).
    await page.getByRole('link', { name: '王海峰' }).click();
    await page.waitForURL(/\/admin\/org\/people\/\d+$/);
    expect(await page.locator('dl.facts').innerText()).toContain('支部书记');
    await shot(w, 'org-person');
    await page.getByLabel('手机号').fill('13912345678');
    await page.getByRole('checkbox', { name: /支部委员/ }).check();
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForSelector('.notice.ok');
    expect(await page.locator('.notice.ok').innerText()).toContain('已保存：王海峰');
    const wang = await personId(t.database, '王海峰');
    expect(await count(`select count(*)::int as n from people where id = ${wang} and mobile = '13912345678'`)).toBe(1);
    expect(await count(`select count(*)::int as n from person_roles where person_id = ${wang} and role in ('secretary', 'committee_member')`)).toBe(2);
    expect(await page.locator('main').innerText()).toContain('变更记录');
    expect(w.problems()).toEqual([]);

    // Import: the page with the template, a file with one bad row, then a good one.
    await page.getByRole('link', { name: '导入', exact: true }).click();
    await page.waitForURL(`${app.url}/admin/org/import`);
    await shot(w, 'org-import');
    const people = await count('select count(*)::int as n from people');
    await page.getByLabel('组织表文件（.xlsx 或 .csv）').setInputFiles({ name: '组织表.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
    await page.getByRole('button', { name: '上传并预览' }).click();
    await page.waitForSelector('.notice.error');
    expect(await page.locator('.notice.error').innerText()).toContain('发现 1 处错误，没有保存任何内容');
    expect(await page.locator('table.data tbody tr').first().innerText()).toMatch(/^3\s+所在单位\/支部/);
    expect(await page.getByRole('button', { name: '确认导入' }).count()).toBe(0);
    expect(await count('select count(*)::int as n from people')).toBe(people);
    await shot(w, 'org-import-errors');

    await page.getByRole('link', { name: '重新上传文件' }).click();
    await page.getByLabel('组织表文件（.xlsx 或 .csv）').setInputFiles({ name: '组织表.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) });
    await page.getByRole('button', { name: '上传并预览' }).click();
    await page.waitForSelector('text=将要做的改动');
    expect(await main(page)).toContain('新增人员：钱多多');
    expect(await main(page)).toContain('新增党小组');
    expect(await count('select count(*)::int as n from people')).toBe(people);
    await shot(w, 'org-import-preview');
    await page.getByRole('button', { name: '确认导入' }).click();
    await page.waitForSelector('text=已完成的改动');
    expect(await page.locator('.notice.ok').innerText()).toContain('已新增单位 1 个、人员 2 人');
    expect(await count(`select count(*)::int as n from people where name in ('钱多多', '孙小美') and active`)).toBe(2);
    await shot(w, 'org-import-done');

    // The sync page says the demo has no platform to sync from.
    await page.getByRole('link', { name: '从企业微信/钉钉同步' }).click();
    expect(await main(page)).toContain('未配置企业微信或钉钉，无法同步');
    await shot(w, 'org-sync');

    // A unit's page.
    await page.getByRole('link', { name: '组织架构' }).click();
    await page.locator('ul.tree').getByRole('link', { name: B5, exact: true }).click();
    expect(await main(page)).toContain('下级党小组');
    await shot(w, 'org-unit');
  });

  it('an admin sets a 调休 working day from the calendar grid and clears it', async () => {
    const w = await open();
    const { page } = w;
    await signInToConsole(page, app, await personId(t.database, '周晓燕'));
    await page.locator('nav.sections').getByRole('link', { name: '日历' }).click();
    await page.waitForURL(`${app.url}/admin/calendar`);
    expect(await page.locator('h1').innerText()).toBe('日历 · 2027 年');
    expect(await page.locator('.notice.warn').innerText()).toContain('尚未包含 2027 年');
    await shot(w, 'calendar');

    await page.getByRole('link', { name: /^2月6日 星期六/ }).click();
    expect(await page.getByLabel('日期').inputValue()).toBe('2027-02-06');
    await page.getByLabel(/上班（工作日/).check();
    await page.getByLabel('说明').fill('春节调休上班');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForSelector('.notice.ok');
    expect(await page.locator('.notice.ok').innerText()).toContain('2027-02-06 已设为上班（春节调休上班）');
    expect(await q(`select workday, note from calendar_overrides where day = '2027-02-06'`)).toEqual([{ workday: true, note: '春节调休上班' }]);
    await shot(w, 'calendar-override');

    // The year selector shows a year the package knows.
    await page.getByLabel('年份').selectOption('2026');
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL(/year=2026/);
    expect(await main(page)).toContain('国庆节');
    await shot(w, 'calendar-2026');

    await page.goto(`${app.url}/admin/calendar?year=2027`);
    await page.getByRole('button', { name: '清除设置' }).click();
    await page.waitForSelector('.notice.ok');
    expect(await page.locator('.notice.ok').innerText()).toContain('已清除 2027-02-06 的设置');
    expect(await q(`select day from calendar_overrides`)).toEqual([]);
    expect(w.problems()).toEqual([]);
  });

  it('a leader of two branches sees only them, and no change buttons', async () => {
    const w = await open();
    const { page } = w;
    await signInToConsole(page, app, await personId(t.database, '陈志远'));
    await page.goto(`${app.url}/admin/org`);
    const tree = await page.locator('ul.tree').innerText();
    expect(tree).toContain('第二党支部（政策法规处）');
    expect(tree).toContain('第三党支部（规划财务处）');
    expect(tree).not.toContain('第一党支部');
    expect(await page.getByRole('link', { name: '导入' }).count()).toBe(0);
    await shot(w, 'org-tree-leader');
    await page.getByRole('link', { name: '人员', exact: true }).click();
    expect(await main(page)).toContain('共 15 人');
    await page.getByRole('link', { name: '何建华' }).click();
    expect(await page.locator('form[action^="/admin/org/people/"]').count()).toBe(0);
    await shot(w, 'org-person-leader');
    await page.goto(`${app.url}/admin/calendar`);
    expect(await page.locator('#ov-date').count()).toBe(0);
    expect(w.problems()).toEqual([]);
  });
});
