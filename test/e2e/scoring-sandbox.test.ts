import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../cards/model.js';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { computeSheet } from '../../src/domain/scoring/sheet.js';
import type { Scheme, SheetEntry } from '../../src/domain/scoring/types.js';
import { launchBrowser, openPage, PHONE, screenshot } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startSandboxServer, type RunningSandboxServer } from '../support/sandbox-server.js';

/**
 * 互观互检 on the running product with the sandbox messenger, every sheet filled in headless Chromium: a secretary
 * starts the round in the 机关党委 group through the sandbox API, each of the five branch secretaries opens the
 * link on their invitation card, fills in and submits every sheet on a phone, the starter closes the round, the
 * admin publishes it from the review card, and the group's results card opens the published results page.
 */
describe('互观互检 end to end on the sandbox, sheets in Chromium', { timeout: 240_000 }, () => {
  let t: TestDatabase;
  let server: RunningSandboxServer;
  let browser: Browser;
  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const idOf = async (name: string): Promise<number> => (await q<{ id: number }>(sql`select id from people where name = ${name}`))[0]!.id;
  const cardsTo = async (recipient: string): Promise<Card[]> =>
    (await q<{ message: { card: Card } }>(sql`select message from outbox where recipient = ${recipient} and message->>'type' = 'card' order by id`)).map((r) => r.message.card);
  const local = (link: string): string => {
    const u = new URL(link);
    return `${server.url}${u.pathname}${u.search}`;
  };
  async function api(path: string, body: unknown): Promise<void> {
    const res = await fetch(`${server.url}/sandbox/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startSandboxServer(t.database);
    await seedDemo(t.database, server.clock);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await t?.drop();
  });

  const SECRETARIES = ['王海峰', '何建华', '徐红', '曹立新', '蒋红梅'];

  it('runs a whole round: start in the group, 20 sheets filled in the browser, close, publish, results', async () => {
    const ids = await Promise.all(SECRETARIES.map(idOf));
    await api('/messages', { from: ids[0], chat: 'committee', text: '@党建助手 开始互观互检 2026年第四季度' });
    const [round] = await q<{ id: number }>(sql`select id from scoring_rounds where title = '2026年第四季度'`);
    expect(round).toBeDefined();
    const [{ definition: scheme }] = (await q<{ definition: Scheme }>(sql`select s.definition from scoring_rounds r join scoring_schemes s on s.id = r.scheme_id where r.id = ${round!.id}`)) as [{ definition: Scheme }];
    const items = scheme.categories.flatMap((c) => c.items);

    let n = 0;
    for (const [i, personId] of ids.entries()) {
      const invite = (await cardsTo(String(personId))).find((c) => c.key === `scoring:${round!.id}:sheet:${personId}:invite`)!;
      expect(invite).toBeDefined();
      const w = await openPage(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
      await w.page.goto(local(invite.link!.url));
      const links = await w.page.locator('a[href*="/h5/scoring/sheet?"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(links).toHaveLength(4); // 回避: never their own branch
      for (const link of links) {
        await w.page.goto(link);
        const inputs = w.page.locator('input.points');
        expect(await inputs.count()).toBe(items.length);
        // Numbers differ by scorer and sheet, within every item's range; deductions of 0 need no reason.
        for (const [k, item] of items.entries()) {
          const value = item.kind === 'plus' ? Math.max(0, item.max - ((i + n + k) % 3)) : 0;
          await inputs.nth(k).fill(String(value));
        }
        await w.page.getByRole('button', { name: '提交' }).click();
        await expect.poll(() => w.page.locator('#status-text').textContent(), { timeout: 10_000 }).toContain('已提交');
        n++;
      }
      if (i === 0) await screenshot(w.page, 'scoring-sandbox-sheet-phone');
      expect(w.problems()).toEqual([]);
      await w.close();
    }

    // Every sheet is stored once, submitted, with the total the server's rule gives for what was typed.
    const sheets = await q<{ entries: SheetEntry[]; total_cents: number; status: string; source: string }>(sql`select entries, total_cents, status::text, source::text from scoring_sheets where round_id = ${round!.id}`);
    expect(sheets).toHaveLength(20);
    for (const s of sheets) {
      expect(s).toMatchObject({ status: 'submitted', source: 'h5' });
      expect(s.total_cents).toBe(computeSheet(scheme, s.entries).totalCents);
    }

    await api('/messages', { from: ids[0], chat: 'committee', text: '结束互观互检' });
    expect((await q<{ status: string }>(sql`select status::text from scoring_rounds where id = ${round!.id}`))[0]!.status).toBe('closed');
    const admin = await idOf('周晓燕');
    const review = (await cardsTo(String(admin))).find((c) => c.key === `scoring:${round!.id}:review:${admin}`)!;
    expect(review.fallbackText).toContain('20/20');
    await api('/actions', { from: admin, card: review.key, action: 'scoring-publish', payload: { round: String(round!.id) }, label: '发布结果' });
    expect((await q<{ status: string }>(sql`select status::text from scoring_rounds where id = ${round!.id}`))[0]!.status).toBe('published');

    const results = (await cardsTo('committee')).find((c) => c.kind === 'scoring-results')!;
    const w = await openPage(browser, { viewport: PHONE, isMobile: true });
    await w.page.goto(local(results.link!.url));
    const table = w.page.locator('#published-results tbody tr');
    expect(await table.count()).toBe(5);
    const stored = (await q<{ result: { branches: { branchName: string; starLabel: string }[] } }>(sql`select result from scoring_results where round_id = ${round!.id}`))[0]!.result;
    for (const b of stored.branches) await expect.poll(() => w.page.locator('#published-results').textContent()).toContain(b.branchName);
    await screenshot(w.page, 'scoring-sandbox-results-phone', { fullPage: true });
    expect(w.problems()).toEqual([]);
    await w.close();
  });
});
