import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { LAPTOP, launchBrowser, openPage, PHONE, screenshot, type WatchedPage } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startSandboxServer, type RunningSandboxServer } from '../support/sandbox-server.js';

/**
 * The sandbox messenger end to end: the real server (sandbox on, demo organisation), the real database, the
 * outbox dispatcher delivering through the sandbox platform, and the page in headless Chromium. The machine
 * may be slow (2 cores, PGlite in-process), so every wait is generous and every test sets its own timeout.
 */

interface DirectoryPerson {
  id: number;
  name: string;
  unitName: string;
  roles: string[];
}
interface DirectoryChat {
  id: string;
  name: string;
  unitName: string | null;
}
interface ApiMessage {
  id: number;
  direction: 'in' | 'out';
  party: string;
  text: string | null;
  html: string | null;
  card: { key: string; kind: string } | null;
}

/** How long a reply may take to come back through inbox → outbox → dispatcher → sandbox → page poll. */
const REPLY_MS = 20_000;

describe('sandbox messenger (headless Chromium, real server, real database)', () => {
  let t: TestDatabase;
  let server: RunningSandboxServer;
  let browser: Browser;
  let people: DirectoryPerson[];
  let chats: DirectoryChat[];
  const pages: WatchedPage[] = [];

  const person = (name: string): DirectoryPerson => {
    const p = people.find((x) => x.name === name);
    if (!p) throw new Error(`demo person ${name} not in the directory`);
    return p;
  };

  const api = async (path: string, init?: { body?: string; contentType?: string }) => {
    const res = await fetch(`${server.url}/sandbox/api${path}`, init?.body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': init.contentType ?? 'application/json' }, body: init.body });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json: json as Record<string, unknown> & { error?: { code: string; message: string } }, text };
  };
  const post = (path: string, body: unknown) => api(path, { body: JSON.stringify(body) });
  const conversation = async (key: string): Promise<ApiMessage[]> => {
    const all: ApiMessage[] = [];
    for (;;) {
      const res = await api(`/conversations/${encodeURIComponent(key)}/messages?after=${all.at(-1)?.id ?? 0}`);
      expect(res.status).toBe(200);
      const list = (res.json as { messages: ApiMessage[] }).messages;
      all.push(...list);
      if (list.length < 200) return all;
    }
  };
  const count = async (query: ReturnType<typeof sql>): Promise<number> => {
    const [r] = rows<{ n: number | string }>(await t.database.db.execute(query));
    return Number(r?.n ?? -1);
  };

  const open = async (viewport: { width: number; height: number }): Promise<WatchedPage> => {
    const w = await openPage(browser, { viewport, deviceScaleFactor: viewport.width < 500 ? 2 : 1, hasTouch: viewport.width < 500 });
    pages.push(w);
    await w.page.goto(`${server.url}/sandbox`);
    // The directory has loaded once the select holds the people.
    await expect.poll(() => w.page.locator('#person option').count(), { timeout: REPLY_MS }).toBeGreaterThan(people.length);
    return w;
  };
  const botMessages = (page: Page) => page.locator('#messages > li.msg.out');
  const myMessages = (page: Page) => page.locator('#messages > li.msg.in');
  /** Every message shown once: no id twice in the list (concurrent polls must not duplicate). */
  const shownIds = (page: Page) => page.locator('#messages > li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id));

  beforeAll(async () => {
    t = await createTestDatabase();
    server = await startSandboxServer(t.database);
    await seedDemo(t.database, server.clock, server.deps.config.timezone);
    // Fails (does not skip) when Chromium is missing: see launchBrowser.
    browser = await launchBrowser();
    const dir = await api('/directory');
    expect(dir.status).toBe(200);
    ({ people, chats } = dir.json as unknown as { people: DirectoryPerson[]; chats: DirectoryChat[] });
  }, 120_000);

  // The server logged no error (failed request, failed event handling) during a test: checked after each one,
  // so a failure names the test that caused it.
  let logMark = 0;
  beforeEach(() => {
    logMark = server.logs.lines.length;
  });
  afterEach(() => {
    const errors = server.logs.lines.slice(logMark).filter((l) => /"level":(50|60)/.test(l));
    expect(errors.slice(0, 2).map((l) => l.slice(0, 1500)), 'error lines in the server log').toEqual([]);
  });

  afterAll(async () => {
    for (const w of pages) await w.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await t?.drop().catch(() => undefined);
  }, 60_000);

  describe('in the browser', () => {
    it('a member enters, gets the help card, clicks its button, types, and posts in the group (phone width)', async () => {
      const me = person('张伟'); // 第一党支部（办公室） / 第一党小组, plain member
      const branchChat = chats.find((c) => c.name.startsWith('第一党支部'));
      expect(branchChat, 'the demo seeds a group chat for 第一党支部').toBeDefined();
      const w = await open(PHONE);
      const { page } = w;
      expect(await page.title()).toBe('党建助手 · 沙箱消息');

      // People are grouped by unit; unit names repeat across branches, so the label names the branch too.
      const groups = await page.locator('#person optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
      expect(new Set(groups).size).toBe(groups.length);
      expect(await page.locator('#person optgroup', { has: page.locator('option', { hasText: /^张伟$/ }) }).getAttribute('label')).toBe('第一党支部（办公室） / 第一党小组');

      await page.getByLabel('我是').selectOption({ label: '张伟' });
      await expect.poll(() => page.locator('#chat-title').textContent()).toBe('与党建助手的单聊');

      // Entering the 1:1 chat for the first time: the bot sends its help card.
      const firstCard = botMessages(page).first().locator('article.card-help');
      await firstCard.waitFor({ timeout: REPLY_MS });
      expect(await firstCard.locator('.card-title').textContent()).toBe('党建助手使用说明');
      expect(await firstCard.textContent()).toContain('“我的任务”：查看待办清单');
      expect(await botMessages(page).count()).toBe(1);
      await screenshot(page, 'sandbox-phone-help-card');
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'sandbox-phone-top');

      // Its button: an action event; the bot answers with a new card.
      await firstCard.getByRole('button', { name: '我的任务' }).click();
      await expect.poll(() => botMessages(page).count(), { timeout: REPLY_MS }).toBe(2);
      await expect.poll(() => myMessages(page).last().textContent()).toContain('点击了“查看我的任务”');
      const keys = await botMessages(page).locator('article.card').evaluateAll((as) => as.map((a) => (a as HTMLElement).dataset.cardKey));
      expect(new Set(keys).size).toBe(2); // a new card, not the first one shown again
      // The clicked button is disabled after the click went through (no double submission).
      expect(await firstCard.getByRole('button', { name: '我的任务' }).isDisabled()).toBe(true);

      // Typing: my bubble, then the bot's answer.
      const input = page.getByLabel('输入消息');
      await input.fill('帮助');
      await input.press('Enter');
      await expect.poll(() => myMessages(page).last().locator('.bubble').textContent(), { timeout: REPLY_MS }).toBe('帮助');
      expect(await myMessages(page).last().locator('.who').textContent()).toBe('张伟');
      expect(await input.inputValue()).toBe('');
      await expect.poll(() => botMessages(page).count(), { timeout: REPLY_MS }).toBe(3);
      expect(await botMessages(page).last().locator('.who').textContent()).toBe('党建助手');
      await screenshot(page, 'sandbox-phone-conversation');

      // The group: the message shows there; the bot answers privately, in the 1:1 chat.
      await page.getByRole('radio', { name: branchChat!.name }).click();
      await expect.poll(() => page.locator('#chat-title').textContent()).toBe(branchChat!.name);
      expect(await page.getByRole('radio', { name: branchChat!.name }).getAttribute('aria-checked')).toBe('true');
      expect(await page.locator('#chat-note').textContent()).toContain('私人回复');
      await input.fill('帮助');
      await input.press('Enter');
      await expect.poll(() => myMessages(page).last().locator('.bubble').textContent(), { timeout: REPLY_MS }).toBe('帮助');
      await screenshot(page, 'sandbox-phone-group');
      // Through the API: the group holds the message and no bot answer; the 1:1 chat gets the 4th card.
      await expect.poll(async () => (await conversation(`person:${me.id}`)).filter((m) => m.direction === 'out').length, { timeout: REPLY_MS }).toBe(4);
      const group = await conversation(`chat:${branchChat!.id}`);
      expect(group.map((m) => [m.direction, m.party, m.text])).toEqual([['in', String(me.id), '帮助']]);
      expect((await conversation(`person:${me.id}`)).at(-1)?.card?.kind).toBe('help');
      expect(await botMessages(page).count()).toBe(0);

      // Back in the 1:1 chat the page shows the private answer.
      await page.getByRole('radio', { name: '与党建助手的单聊' }).click();
      await expect.poll(() => botMessages(page).count(), { timeout: REPLY_MS }).toBe(4);
      expect(await myMessages(page).count()).toBe(2); // the click and “帮助”; the group message stays in the group
      const ids = await shownIds(page);
      expect(new Set(ids).size).toBe(ids.length);

      // Nothing overflows the phone's width.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(w.problems()).toEqual([]);
    }, 120_000);

    it('is usable by keyboard: labelled input, Tab reaches the person select, the conversations, then the input', async () => {
      const w = await open(LAPTOP);
      const { page } = w;
      expect(await page.getByLabel('输入消息').getAttribute('id')).toBe('text');
      expect(await page.getByRole('combobox', { name: '我是' }).getAttribute('id')).toBe('person');
      expect(await page.getByRole('log', { name: '消息' }).count()).toBe(1);

      await page.getByLabel('我是').selectOption({ label: '李秀梅' });
      await botMessages(page).first().locator('article.card-help').waitFor({ timeout: REPLY_MS });

      // Start from the top of the document and walk with Tab.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const order: string[] = [];
      for (let i = 0; i < 20; i++) {
        await page.keyboard.press('Tab');
        const { desc, outline } = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return { desc: 'body', outline: 'none' };
          const d = el.id ? `#${el.id}` : el.classList.contains('conv') ? `conv:${el.textContent}` : `${el.tagName.toLowerCase()}:${el.textContent?.trim() ?? ''}`;
          return { desc: d, outline: getComputedStyle(el).outlineStyle };
        });
        order.push(desc);
        // Keyboard focus is visible on our own controls.
        if (desc === '#person' || desc === '#text' || desc.startsWith('conv:')) expect(outline, `focus ring on ${desc}`).not.toBe('none');
        if (desc === '#text') break;
      }
      const at = (d: string) => order.indexOf(d);
      expect(at('#person'), order.join(' → ')).toBeGreaterThanOrEqual(0);
      expect(at('conv:与党建助手的单聊'), order.join(' → ')).toBeGreaterThan(at('#person'));
      const firstChat = order.findIndex((d) => d.startsWith('conv:') && d !== 'conv:与党建助手的单聊');
      expect(firstChat).toBeGreaterThan(at('conv:与党建助手的单聊'));
      expect(at('#text'), order.join(' → ')).toBeGreaterThan(firstChat);

      // And a message can be sent without the mouse.
      await page.keyboard.type('帮助');
      await page.keyboard.press('Enter');
      await expect.poll(() => botMessages(page).count(), { timeout: REPLY_MS }).toBe(2);
      expect(w.problems()).toEqual([]);
    }, 90_000);

    it('looks right at laptop width (secretary, with the secretary help lines)', async () => {
      const w = await open(LAPTOP);
      const { page } = w;
      await page.getByLabel('我是').selectOption({ label: '王海峰（书记）' });
      const card = botMessages(page).first().locator('article.card-help');
      await card.waitFor({ timeout: REPLY_MS });
      expect(await card.textContent()).toContain('“支部进度”：查看本支部完成情况');
      await page.getByLabel('输入消息').fill('帮助');
      await page.getByRole('button', { name: '发送' }).click();
      await expect.poll(() => botMessages(page).count(), { timeout: REPLY_MS }).toBe(2);
      await screenshot(page, 'sandbox-laptop-conversation');

      // In the branch group, another member's message sits on the left (only mine are on the right).
      const branchChat = chats.find((c) => c.name.startsWith('第一党支部'))!;
      expect((await post('/messages', { from: person('孙浩').id, chat: branchChat.id, text: '书记好，这周的学习材料在哪里？' })).status).toBe(202);
      await page.getByRole('radio', { name: branchChat.name }).click();
      const theirs = page.locator('#messages > li.msg.in', { hasText: '书记好' });
      await theirs.waitFor({ timeout: REPLY_MS });
      expect(await theirs.locator('.who').textContent()).toBe('孙浩');
      expect(await theirs.getAttribute('class')).toContain('other');
      await page.getByLabel('输入消息').fill('在支部群文件里');
      await page.getByLabel('输入消息').press('Enter');
      const mine = page.locator('#messages > li.msg.in', { hasText: '在支部群文件里' });
      await mine.waitFor({ timeout: REPLY_MS });
      expect(await mine.getAttribute('class')).not.toContain('other');
      const theirBox = (await theirs.locator('.bubble').boundingBox())!;
      const myBox = (await mine.locator('.bubble').boundingBox())!;
      expect(myBox.x).toBeGreaterThan(theirBox.x + theirBox.width / 2);
      await screenshot(page, 'sandbox-laptop-group');
      // Side bar and chat side by side at this width.
      const side = await page.locator('nav.side').boundingBox();
      const chat = await page.locator('section.chat').boundingBox();
      expect(side && chat && side.x + side.width <= chat.x).toBe(true);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(w.problems()).toEqual([]);
    }, 90_000);
  });

  describe('the JSON API', () => {
    it('an unknown person is a 404 with a Chinese message', async () => {
      const res = await post('/messages', { from: 999_999, text: '帮助' });
      expect(res.status).toBe(404);
      expect(res.json.error?.code).toBe('not_found');
      expect(res.json.error?.message).toBe('没有编号为 999999 的在册人员');
      const chat = await post('/messages', { from: person('张伟').id, chat: 'no-such-chat', text: '帮助' });
      expect(chat.status).toBe(404);
      expect(chat.json.error?.message).toBe('没有标识为 no-such-chat 的群聊');
      const enter = await post('/enter', { from: 999_999 });
      expect(enter.status).toBe(404);
    }, 30_000);

    it('malformed JSON, an empty text and a bad conversation key are 400s', async () => {
      const from = person('吴磊').id;
      const malformed = await api('/messages', { body: `{"from": ${from}, "text": "帮助"` });
      expect(malformed.status).toBe(400);
      expect(malformed.json.error).toMatchObject({ code: 'validation_failed', message: '请求体不是有效的 JSON' });
      const notJson = await api('/messages', { body: 'from=1&text=hi', contentType: 'application/x-www-form-urlencoded' });
      expect(notJson.status).toBe(400);
      for (const text of ['', '   ']) {
        const empty = await post('/messages', { from, text });
        expect(empty.status, JSON.stringify(text)).toBe(400);
        expect(empty.json.error?.message).toContain('消息不能为空');
      }
      const bad = await api('/conversations/nobody/messages');
      expect(bad.status).toBe(400);
      // Nothing of that reached the conversation.
      expect(await conversation(`person:${from}`)).toEqual([]);
    }, 30_000);

    it('the same eventId posted twice is one inbound message and one bot reply', async () => {
      const from = person('郑晓东').id;
      const body = { from, text: '帮助', eventId: 'dup-event-1' };
      const first = await post('/messages', body);
      const second = await post('/messages', body);
      expect([first.status, second.status]).toEqual([202, 202]);
      expect(first.json).toEqual({ eventId: 'dup-event-1', duplicate: false });
      expect(second.json).toEqual({ eventId: 'dup-event-1', duplicate: true });
      await expect.poll(async () => (await conversation(`person:${from}`)).filter((m) => m.direction === 'out').length, { timeout: REPLY_MS }).toBe(1);
      // A second reply could only come from a second outbox row or inbox event; there is one of each.
      expect(await count(sql`select count(*) as n from inbox_events where platform = 'sandbox' and event_id = 'dup-event-1'`)).toBe(1);
      expect(await count(sql`select count(*) as n from outbox where idempotency_key like 'reply:sandbox:dup-event-1:%'`)).toBe(1);
      const list = await conversation(`person:${from}`);
      expect(list.map((m) => [m.direction, m.text ?? m.card?.key])).toEqual([
        ['in', '帮助'],
        ['out', list[1]?.text],
      ]);
      expect(list[1]?.card?.key).toBe('help:sandbox:dup-event-1');
    }, 60_000);

    it('a burst of 1 000 messages from several people: every one accepted (202) and answered, none dropped', async () => {
      const senders = people.filter((p) => !['张伟', '李秀梅', '王海峰', '孙浩', '吴磊', '郑晓东'].includes(p.name)).slice(0, 12);
      expect(senders.length).toBe(12);
      const TOTAL = 1000;
      const CONCURRENCY = 50;
      const statuses: number[] = new Array<number>(TOTAL).fill(0);
      const failures: string[] = [];
      const started = Date.now();
      let next = 0;
      // A connection can be reset under load before any answer (keep-alive race; PGlite shares the event loop).
      // Then the client does what a platform does: it posts the same event again. The eventId makes that safe,
      // which the exact counts below check.
      const retried: string[] = [];
      const worker = async () => {
        while (next < TOTAL) {
          const i = next++;
          const from = senders[i % senders.length]!.id;
          for (let attempt = 1; ; attempt++) {
            try {
              const res = await post('/messages', { from, text: '帮助', eventId: `burst-${i}` });
              statuses[i] = res.status;
              if (res.status !== 202) failures.push(`#${i}: ${res.status} ${res.text.slice(0, 200)}`);
              break;
            } catch (e) {
              const why = `#${i}: ${e instanceof Error ? e.message : String(e)}${e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : ''}`;
              if (attempt >= 3) {
                failures.push(why);
                break;
              }
              retried.push(why);
            }
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const postedMs = Date.now() - started;
      expect(failures.slice(0, 5)).toEqual([]);
      expect(statuses.filter((s) => s === 202).length).toBe(TOTAL);

      // Events answered: a reply (outbox row keyed by the event) that reached the sandbox messenger.
      const replies = () => count(sql`
        select count(distinct o.idempotency_key) as n from outbox o join sandbox_messages s on s.ref = 'outbox:' || o.id
        where o.idempotency_key like 'reply:sandbox:burst-%' and s.direction = 'out'`);
      await expect.poll(replies, { timeout: 60_000, interval: 500 }).toBe(TOTAL);
      const answeredMs = Date.now() - started;
      // Exactly one inbound message and one reply per event, spread over the senders' 1:1 chats.
      expect(await count(sql`select count(*) as n from sandbox_messages where direction = 'in' and ref like 'event:burst-%'`)).toBe(TOTAL);
      expect(await count(sql`select count(*) as n from sandbox_messages where direction = 'out' and card->>'key' like 'help:sandbox:burst-%'`)).toBe(TOTAL);
      expect(await count(sql`select count(*) as n from inbox_events where event_id like 'burst-%' and status <> 'done'`)).toBe(0);
      expect(await count(sql`select count(*) as n from outbox where idempotency_key like 'reply:sandbox:burst-%' and status <> 'sent'`)).toBe(0);
      const perSender = await conversation(`person:${senders[0]!.id}`);
      expect(perSender.filter((m) => m.direction === 'out').length).toBe(Math.ceil(TOTAL / senders.length));
      console.info(`sandbox burst on ${t.database.kind}: ${TOTAL} posted in ${postedMs} ms, all answered after ${answeredMs} ms; ${retried.length} network retries${retried.length ? `: ${retried.slice(0, 3).join('; ')}` : ''}`);
    }, 180_000);
  });
});
