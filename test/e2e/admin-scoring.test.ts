import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { personId, screenshotBoth, signInToConsole } from '../support/admin.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { launchBrowser, LAPTOP, openPage, PHONE, type WatchedPage } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { buildScoringRound, FIXTURES, seedScoringOrg, type BuiltRound } from '../support/scoring-round.js';

/**
 * The 互观互检 pages in headless Chromium, driven like a 党务干部 would: from the menu to the round, 结束评分 with
 * its confirmation, 公开名次, 发布结果, 导出 Excel (the download read back), the scheme page, editing a scheme into a
 * new version, a bad import; and a leader limited to two branches looking at the same round. Every page is
 * screenshotted at phone and laptop width, nothing sticks out sideways on a phone, and no page logs an error.
 */
describe('admin console: 互观互检 pages (headless Chromium)', { timeout: 180_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let browser: Browser;
  let built: BuiltRound;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database, { ADMIN_SESSION_IDLE_MINUTES: '600' });
    await seedDemo(t.database, app.clock);
    await seedScoringOrg(t.database, app.clock);
    built = await buildScoringRound(t.database, app.clock, { title: '2026年第四季度互观互检', withResults: false });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    for (const w of pages) await w.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await t?.drop().catch(() => undefined);
  }, 60_000);

  const q = async <T>(query: string): Promise<T[]> => rows<T>(await t.database.db.execute(sql.raw(query)));
  const open = async (): Promise<WatchedPage> => {
    const w = await openPage(browser, { viewport: LAPTOP });
    pages.push(w);
    return w;
  };
  /** Nothing wider than the screen on a phone (tables scroll inside their own box). */
  const fitsPhone = async (page: Page): Promise<void> => {
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize(LAPTOP);
  };
  const main = (page: Page): Promise<string> => page.locator('main').innerText();

  it('an admin closes, publishes and exports a round, and edits a scheme into a new version', async () => {
    const w = await open();
    const { page } = w;
    const admin = await personId(t.database, '周晓燕');
    await signInToConsole(page, app, admin);
    await page.locator('nav.sections').getByRole('link', { name: '互观互检' }).click();
    await page.waitForURL(`${app.url}/admin/scoring`);
    expect(await page.locator('#rounds tbody tr').count()).toBe(1);
    expect(await page.locator('#rounds tbody tr').first().innerText()).toContain('进行中');
    await fitsPhone(page);
    await screenshotBoth(page, 'scoring-list');

    // The round: who has not submitted, then 结束评分 through its confirmation.
    await page.getByRole('link', { name: '2026年第四季度互观互检' }).click();
    const late = built.scorers.find((s) => s.personId === built.missing[0])!;
    expect(await page.locator('#not-submitted').innerText()).toContain(late.name);
    await fitsPhone(page);
    await screenshotBoth(page, 'scoring-round-open');
    await page.getByRole('link', { name: '结束评分…' }).click();
    expect(await page.locator('h1').innerText()).toBe('确认结束评分');
    await screenshotBoth(page, 'scoring-confirm-close');
    await page.getByRole('button', { name: '确认结束评分' }).click();
    await page.waitForURL(`${app.url}/admin/scoring/rounds/${built.round.id}`);
    expect(await page.locator('.notice.ok').innerText()).toContain('已结束“2026年第四季度互观互检”');
    const [round] = await q<{ status: string; closed_by: string }>(`select status, closed_by from scoring_rounds where id = ${built.round.id}`);
    expect(round).toEqual({ status: 'closed', closed_by: `person:${admin}` });
    expect(Number((await q<{ n: number }>(`select count(*)::int as n from outbox where message->'card'->>'key' = 'scoring:${built.round.id}:review:${admin}'`))[0]!.n)).toBe(1);

    // Results with explanations (one opened) and the flags.
    expect(await page.locator('#results tbody tr').count()).toBe(built.round.branches.length);
    expect(await page.locator('#flags li').count()).toBeGreaterThan(0);
    await page.locator('details.result summary').first().click();
    expect(await page.locator('details.result[open] .explain').innerText()).toMatch(/总分/);
    await fitsPhone(page);
    await screenshotBoth(page, 'scoring-round-closed');

    await page.getByRole('link', { name: '公开名次…' }).click();
    await page.getByRole('button', { name: '确认公开名次' }).click();
    expect(await page.locator('#ranks-state').innerText()).toContain('公开');
    await page.getByRole('link', { name: '发布结果…' }).click();
    await page.getByRole('button', { name: '确认发布结果' }).click();
    expect(await page.locator('.notice.ok').innerText()).toMatch(/已发布“2026年第四季度互观互检”：\d+ 位支部书记收到本支部报告/);
    expect(await page.locator('#round-status').innerText()).toContain('已发布');
    expect(await page.getByRole('link', { name: '发布结果…' }).count()).toBe(0);

    // 导出 Excel: the file the browser saves is the round's workbook.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出 Excel' }).click()]);
    expect(download.suggestedFilename()).toBe('2026年第四季度互观互检-评分结果.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(await download.path()) as unknown as ExcelJS.Buffer);
    const [stored] = await q<{ name: string; total: string }>(`select b->>'branchName' as name, b->>'total' as total from scoring_results r, jsonb_array_elements(r.result->'branches') b where r.round_id = ${built.round.id} limit 1`);
    const summary = wb.getWorksheet('汇总')!;
    const totalCol = (summary.getRow(1).values as unknown[]).map(String).indexOf('总分');
    const row = summary.getRow(2);
    expect(row.getCell(1).value).toBe(stored!.name);
    expect(row.getCell(totalCol).value).toBeCloseTo(Number(stored!.total), 2);

    // The scheme page, then 编辑为新版本.
    await page.getByRole('link', { name: /评分表（#\d+）/ }).click();
    expect(await page.locator('.scheme-table tbody tr').count()).toBe(16);
    await fitsPhone(page);
    await screenshotBoth(page, 'scoring-scheme');
    await page.getByRole('link', { name: '编辑为新版本' }).click();
    expect(await main(page)).toContain('保存为新版本，不会修改原方案');
    await screenshotBoth(page, 'scoring-scheme-edit');
    await page.getByLabel('第1行 说明', { exact: true }).fill('中心组学习每季度不少于一次');
    await page.getByLabel('第17行 项目', { exact: true }).fill('创新案例');
    await page.getByLabel('第17行 分值上限', { exact: true }).fill('2');
    await page.getByLabel('第17行 类别', { exact: true }).fill('创新型');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.waitForURL(/\/admin\/scoring\/schemes\/\d+$/);
    const newId = Number(/(\d+)$/.exec(page.url())![1]);
    expect(newId).not.toBe(built.round.schemeId);
    expect(await page.locator('.notice.ok').innerText()).toContain(`已保存为新的计分方案 #${newId}`);
    expect(await page.locator('.scheme-table tbody tr').count()).toBe(17);
    expect(await page.locator('.scheme-table tfoot').innerText()).toContain('102');
    const [schemes] = await q<{ n: number }>(`select count(*)::int as n from scoring_schemes where id = ${newId} and definition->>'total' = '102'`);
    expect(Number(schemes!.n)).toBe(1);

    // Import: a bad file lists its problems by row, nothing saved.
    const before = Number((await q<{ n: number }>('select count(*)::int as n from scoring_schemes'))[0]!.n);
    await page.goto(`${app.url}/admin/scoring/schemes/import`);
    await page.getByLabel(/计分方案文件/).setInputFiles(resolve(FIXTURES, 'scheme-bad.csv'));
    await page.getByRole('button', { name: '检查并预览' }).click();
    expect(await page.locator('#import-errors').innerText()).toContain('第3行：分值上限“七”不是有效的分数');
    expect(Number((await q<{ n: number }>('select count(*)::int as n from scoring_schemes'))[0]!.n)).toBe(before);
    await fitsPhone(page);
    await screenshotBoth(page, 'scoring-import-errors');
    // …and a good one shows the preview first.
    await page.getByLabel(/计分方案文件/).setInputFiles(resolve(FIXTURES, 'scheme-five-types.csv'));
    await page.getByLabel('方案名称（可不填）').fill('2027年度评分表');
    await page.getByRole('button', { name: '检查并预览' }).click();
    expect(await page.locator('#preview-status').innerText()).toContain('检查通过：《2027年度评分表》');
    await screenshotBoth(page, 'scoring-import-preview');
    await page.getByRole('button', { name: '确认导入' }).click();
    expect(await page.locator('.notice.ok').innerText()).toContain('已导入计分方案');
    expect(Number((await q<{ n: number }>('select count(*)::int as n from scoring_schemes'))[0]!.n)).toBe(before + 1);

    await page.goto(`${app.url}/admin/scoring/chats`);
    await fitsPhone(page);
    await screenshotBoth(page, 'scoring-chats');
    // The refused import answers 400 (the form comes back with the problems), which Chromium logs; nothing else.
    const refused = /status of 400 \(Bad Request\) \(http:\/\/[^)]+\/admin\/scoring\/schemes\/import:0\)$/;
    expect(w.problems().filter((p) => refused.test(p))).toHaveLength(1);
    expect(w.problems().filter((p) => !refused.test(p))).toEqual([]);
  });

  it('a leader limited to two branches sees only them, no flags and no actions', async () => {
    const w = await open();
    const { page } = w;
    await signInToConsole(page, app, await personId(t.database, '陈志远'));
    await page.goto(`${app.url}/admin/scoring`);
    await page.getByRole('link', { name: '2026年第四季度互观互检' }).click();
    const names = (await page.locator('#results tbody tr td:first-child').allInnerTexts()).map((s) => s.trim());
    expect(names.length).toBe(2);
    expect(names.every((n) => n.startsWith('第二党支部') || n.startsWith('第三党支部'))).toBe(true);
    expect(await page.locator('#flags').count()).toBe(0);
    expect(await page.getByRole('link', { name: '导出 Excel' }).count()).toBe(0);
    expect(await page.locator('main form').count()).toBe(0);
    expect(await main(page)).toContain('领导账号只能查看');
    await fitsPhone(page);
    await screenshotBoth(page, 'scoring-round-leader');
    expect(w.problems()).toEqual([]);
  });
});
