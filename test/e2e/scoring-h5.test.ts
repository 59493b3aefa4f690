import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { saveScheme } from '../../src/db/repositories/scoring-admin.js';
import { scoringStore } from '../../src/db/repositories/scoring-store.js';
import { seedDemo } from '../../src/demo.js';
import { formatCents } from '../../src/domain/scoring/numbers.js';
import { DEFAULT_POLICY } from '../../src/domain/scoring/policy.js';
import type { RoundBranchView, RoundView } from '../../src/domain/scoring/ports.js';
import { requireScheme, schemeFromJson } from '../../src/domain/scoring/scheme.js';
import { computeSheet } from '../../src/domain/scoring/sheet.js';
import type { Scheme, SheetEntry } from '../../src/domain/scoring/types.js';
import { launchBrowser, openPage, PHONE, screenshot, type WatchedPage } from '../support/browser.js';
import { startTestApp, type RunningApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The scoring sheet in headless Chromium on a phone: a secretary opens 我的评分表 from the card's link, fills in a
 * sheet, watches the running total, is stopped by a deduction without a reason, submits, and sees the total the
 * server computed — which must be the one the page showed. The page's arithmetic is checked against the
 * server's computeSheet on many sheets, and the form also works with JavaScript off.
 */

const SCHEME_FILE = resolve(import.meta.dirname, '../fixtures/scoring/scheme-five-types.json');
/** What WeCom's in-app browser on Android says it is. */
const WECOM_UA =
  'Mozilla/5.0 (Linux; Android 13; V2163A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1 NetType/WIFI Language/zh ColorScheme/Light';
/**
 * Caps that change totals: 甲 deducts at most 3 of its two 4-point deductions; 乙 starts from 10 and deducts at
 * most 6; 丙 counts at most 5 of 8 plus points and can fall below zero (floored).
 */
const capsScheme: Scheme = requireScheme(schemeFromJson({
  name: '封顶测试表',
  categories: [
    { name: '甲', deductionCap: 3, items: [{ id: 'a1', name: '加分一', kind: 'plus', max: 10 }, { id: 'a2', name: '扣分一', kind: 'minus', max: 4 }, { id: 'a3', name: '扣分二', kind: 'minus', max: 4 }] },
    { name: '乙', max: 10, deductionCap: 6, items: [{ id: 'b1', name: '扣分一', kind: 'minus', max: 5 }, { id: 'b2', name: '扣分二', kind: 'minus', max: 5.5 }] },
    { name: '丙', bonusCap: 5, items: [{ id: 'c1', name: '加分一', kind: 'plus', max: 4 }, { id: 'c2', name: '加分二', kind: 'plus', max: 4 }, { id: 'c3', name: '扣分', kind: 'minus', max: 8 }] },
  ],
}));

const PHONE_CONTEXT = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, userAgent: WECOM_UA };

/** A small seeded generator, so a failing sheet can be reproduced. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('scoring sheet in headless Chromium (phone)', { timeout: 180_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let browser: Browser;
  let scheme: Scheme;
  let round: RoundView;
  let capsRound: RoundView;
  let branches: RoundBranchView[];
  let wang: number;
  const pages: WatchedPage[] = [];

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const sheetRow = async (branch: number) =>
    (await q<{ status: string; total_cents: number | null; revision: number; entries: SheetEntry[] }>(
      sql`select status::text, total_cents, revision, entries from scoring_sheets where round_id = ${round.id} and scorer_id = ${wang} and target_unit_id = ${branch}`,
    ))[0];
  const localUrl = (link: string): string => {
    const u = new URL(link);
    return `${app.url}${u.pathname}${u.search}`;
  };
  const open = async (options: Parameters<typeof openPage>[1] = PHONE_CONTEXT): Promise<WatchedPage> => {
    const w = await openPage(browser, options);
    pages.push(w);
    return w;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    wang = (await q<{ id: number }>(sql`select id from people where name = '王海峰'`))[0]!.id;
    branches = await q<RoundBranchView>(sql`select id, name from org_units where kind = 'branch' order by id`);
    scheme = requireScheme(schemeFromJson(readFileSync(SCHEME_FILE, 'utf8')));
    const store = scoringStore(t.database.db);
    const { id: schemeId } = await saveScheme(t.database.db, scheme, { actor: 'test', at: app.clock.now() });
    const base = {
      policy: DEFAULT_POLICY, platform: 'sandbox' as const, chatId: null, startedBy: null, opensAt: app.clock.now(), closesAt: new Date('2026-11-28T10:00:00Z'),
      sourceEventId: null, branches, scorers: await store.candidateScorers(branches.map((b) => b.id)), at: app.clock.now(),
    };
    round = (await store.createRound({ ...base, title: '2026年第四季度互观互检', schemeId }))!;
    const caps = await saveScheme(t.database.db, capsScheme, { actor: 'test', at: app.clock.now() });
    capsRound = (await store.createRound({ ...base, title: '封顶规则演练', schemeId: caps.id }))!;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
    await t?.drop();
  });

  it('fills in a sheet: the running total follows the caps, a deduction without a reason is stopped, 提交 shows the server’s total', async () => {
    const w = await open();
    const { page } = w;
    await page.goto(localUrl(app.deps.links.scoringSheets(wang, round.id, round.closesAt)));
    await expect.poll(() => page.locator('h1').textContent()).toBe('我的评分表');
    expect(await page.locator('.targets li').count()).toBe(4);
    await screenshot(page, 'scoring-sheets-phone', { fullPage: true });

    await page.getByRole('link', { name: branches[1]!.name }).click();
    await page.waitForURL(/\/h5\/scoring\/sheet\?/);
    const total = page.locator('#total');
    // Empty: only 廉洁型 (deductions only) counts, from its 满分.
    expect(await total.textContent()).toBe('20');
    await screenshot(page, 'scoring-sheet-phone');

    const points = (id: string) => page.locator(`input[name="points:${id}"]`);
    await points('1.1').pressSequentially('8');
    await expect.poll(() => total.textContent()).toBe('28');
    expect(await page.locator('#cat-0').textContent()).toBe('8');

    const values: Record<string, string> = {
      '1.2': '7', '1.3': '5', '1.4': '2', '2.1': '8', '2.2': '6', '2.3': '3.5', '3.1': '10', '3.2': '9', '3.3': '0',
      '4.1': '8', '4.2': '6', '4.3': '6', '4.4': '4', '5.1': '0', '5.2': '1',
    };
    for (const [id, v] of Object.entries(values)) await points(id).fill(v);
    await page.locator('input[name="reason:5.2"]').fill('第三季度未开展廉政教育');
    // 政治型 20−2 = 18; 学习型 17.5; 实干型 19; 文明型 24 → 加分上限 20; 廉洁型 20−1 = 19.
    await expect.poll(() => total.textContent()).toBe('93.5');
    expect(await page.locator('#cat-3').textContent()).toBe('20');
    expect(await page.locator('#cat-4').textContent()).toBe('19');

    // 1.4 deducts 2 without a reason: the browser stops the submit and says so next to the item.
    await page.getByRole('button', { name: '提交', exact: true }).click();
    const error14 = page.locator('[data-item-index="3"] .err');
    await expect.poll(() => error14.textContent()).toContain('须填写扣分理由');
    expect(await points('1.4').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#notice').textContent()).toContain('1处需要修改');
    expect(await sheetRow(branches[1]!.id)).toBeUndefined();
    await screenshot(page, 'scoring-sheet-error-phone');

    await page.locator('input[name="reason:1.4"]').fill('三会一课缺一次');
    await expect.poll(() => error14.textContent()).toBe('');
    const browserTotal = await total.textContent();
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await expect.poll(() => page.locator('#status-text').textContent(), { timeout: 15_000 }).toContain('已提交');
    expect(await total.getAttribute('data-source')).toBe('server');
    const stored = await sheetRow(branches[1]!.id);
    expect(stored).toMatchObject({ status: 'submitted', total_cents: 9350, revision: 1 });
    expect(await total.textContent()).toBe(formatCents(stored!.total_cents!));
    expect(await total.textContent()).toBe(browserTotal);
    expect(await page.locator('#notice').textContent()).toContain('已提交，总分 93.5 分');
    await screenshot(page, 'scoring-sheet-submitted-phone');

    // A number out of range is marked at once and left out of the total.
    await points('1.1').fill('9');
    await expect.poll(() => page.locator('[data-item-index="0"] .err').textContent()).toContain('须在0到8分之间');
    await expect.poll(() => total.textContent()).toBe('85.5');
    expect(await page.locator('#total-note').textContent()).toContain('有1项分数有误');
    expect(w.problems()).toEqual([]);
  });

  it.each([
    ['the five-型 scheme', () => ({ scheme, round })],
    ['a scheme where every cap and the zero floor matter', () => ({ scheme: capsScheme, round: capsRound })],
  ])('computes the same totals as the server’s computeSheet on many random sheets: %s', async (_name, which) => {
    const { scheme: s, round: r } = which();
    const w = await open();
    const { page } = w;
    const link = new URL(localUrl(app.deps.links.scoringSheets(wang, r.id, r.closesAt)));
    link.pathname = '/h5/scoring/sheet';
    link.searchParams.set('b', String(branches[2]!.id));
    await page.goto(link.toString());
    const items = s.categories.flatMap((c) => c.items);
    const next = random(20261123);
    let capped = 0;
    let floored = 0;
    for (let n = 0; n < 60; n++) {
      const values: Record<string, string> = {};
      for (const item of items) {
        const x = next();
        // Some empty, many at the limits (where the caps bite), the rest anywhere in range with up to two decimals.
        const cents = x < 0.15 ? null : x < 0.25 ? 0 : x < 0.6 ? Math.round(item.max * 100) : Math.floor(next() * (item.max * 100 + 1));
        values[item.id] = cents === null ? '' : formatCents(cents);
      }
      const shown = await page.evaluate((vals) => {
        for (const [id, v] of Object.entries(vals)) {
          const input = document.querySelector<HTMLInputElement>(`input[name="points:${CSS.escape(id)}"]`)!;
          input.value = v;
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }
        return {
          total: document.getElementById('total')!.textContent,
          categories: Array.from(document.querySelectorAll('output[id^="cat-"]'), (o) => o.textContent),
        };
      }, values);
      const entries = Object.entries(values).filter(([, v]) => v !== '').map(([itemId, v]) => ({ itemId, points: Number(v) }));
      const expected = computeSheet(s, entries);
      capped += expected.categories.filter((c) => c.plus < c.plusEntered || c.deduction < c.deductionEntered).length;
      floored += expected.categories.filter((c) => c.flooredAtZero).length;
      expect(shown, JSON.stringify(values)).toEqual({
        total: formatCents(expected.totalCents),
        categories: expected.categories.map((c) => formatCents(Math.round(c.score * 100))),
      });
    }
    // The sheets really exercised the caps (and, where the scheme allows it, the zero floor).
    expect(capped).toBeGreaterThan(10);
    if (s === capsScheme) expect(floored).toBeGreaterThan(5);
    expect(w.problems()).toEqual([]);
  });

  it('works with JavaScript off: the form posts, the page comes back with the draft saved', async () => {
    const w = await open({ ...PHONE_CONTEXT, javaScriptEnabled: false });
    const { page } = w;
    const link = new URL(localUrl(app.deps.links.scoringSheets(wang, round.id, round.closesAt)));
    link.pathname = '/h5/scoring/sheet';
    link.searchParams.set('b', String(branches[3]!.id));
    await page.goto(link.toString());
    await page.locator('input[name="points:1.1"]').fill('6');
    await page.locator('input[name="points:5.1"]').fill('10');
    await page.locator('input[name="reason:5.1"]').fill('发现一起违反八项规定精神问题');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL(/saved=draft/);
    expect(await page.locator('#notice').textContent()).toContain('草稿已保存');
    expect(await page.locator('#status-text').textContent()).toContain('草稿');
    // The server's figure for what was saved: 6 + 廉洁型 20 − 10.
    expect(await page.locator('#total').textContent()).toBe('16');
    expect(await sheetRow(branches[3]!.id)).toMatchObject({ status: 'draft', revision: 1 });
    await screenshot(page, 'scoring-sheet-nojs-phone');
    expect(w.problems()).toEqual([]);
  });
});
