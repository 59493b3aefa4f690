import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { saveScheme } from '../../src/db/repositories/scoring-admin.js';
import { scoringStore } from '../../src/db/repositories/scoring-store.js';
import { seedDemo } from '../../src/demo.js';
import { aggregateRound, type RoundInput } from '../../src/domain/scoring/aggregate.js';
import { flagRound } from '../../src/domain/scoring/flags.js';
import { DEFAULT_POLICY, type AggregationPolicy } from '../../src/domain/scoring/policy.js';
import type { RoundBranchView, RoundView } from '../../src/domain/scoring/ports.js';
import { requireScheme, schemeFromJson } from '../../src/domain/scoring/scheme.js';
import type { Scheme, SheetEntry } from '../../src/domain/scoring/types.js';
import { esc } from '../../src/h5/html.js';
import { scoringResource } from '../../src/h5/link-signer.js';
import { signToken } from '../../src/h5/signed-link.js';
import { startTestApp, TEST_APP_SECRET, type RunningApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The 互观互检 H5 pages against the real server and database: what the pages show, what a POST stores (through
 * saveScorerSheet, in a transaction), and that a bad link, the wrong branch, a closed round or a bad sheet
 * changes nothing.
 */

const SCHEME_FILE = resolve(import.meta.dirname, '../fixtures/scoring/scheme-five-types.json');

/** Full marks (100) on the five-型 scheme; `changes` override items (null = leave empty, [points, reason]). */
function sheet(changes: Record<string, number | null | [number, string]> = {}): SheetEntry[] {
  const full: Record<string, number> = {
    '1.1': 8, '1.2': 7, '1.3': 5, '1.4': 0, '2.1': 8, '2.2': 6, '2.3': 6, '3.1': 10, '3.2': 10, '3.3': 0,
    '4.1': 8, '4.2': 6, '4.3': 6, '4.4': 0, '5.1': 0, '5.2': 0,
  };
  const out: SheetEntry[] = [];
  for (const id of Object.keys(full)) {
    const c = id in changes ? changes[id] : full[id];
    if (c === null || c === undefined) continue;
    out.push(Array.isArray(c) ? { itemId: id, points: c[0], reason: c[1] } : { itemId: id, points: c, reason: null });
  }
  return out;
}

interface SheetRow {
  status: string;
  total_cents: number | null;
  revision: number;
  entries: SheetEntry[];
  comment: string | null;
  source: string;
}

describe('scoring H5 pages (real server, real database)', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let scheme: Scheme;
  let round: RoundView;
  let otherRound: RoundView;
  let branches: RoundBranchView[];
  const person: Record<string, number> = {};
  const closesAt = new Date('2026-11-28T10:00:00Z'); // 18:00 in Beijing
  const policy: AggregationPolicy = { ...DEFAULT_POLICY, version: 'h5-test.1', weights: 'peers-only', trim: { minScores: 3, dropHighest: 1, dropLowest: 1 } };

  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const count = async (table: string): Promise<number> => (await q<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n;
  const row = async (scorer: number, branch: number, roundId = round.id): Promise<SheetRow | undefined> =>
    (await q<SheetRow>(sql`select status::text, total_cents, revision, entries, comment, source::text from scoring_sheets
      where round_id = ${roundId} and scorer_id = ${scorer} and target_unit_id = ${branch}`))[0];
  const b = (n: number): number => branches[n - 1]!.id;

  /** The token of a signed link (what the card carries). */
  const tokenOf = (url: string): string => new URL(url).searchParams.get('t')!;
  const sheetsLink = (personId: number, r = round) => app.deps.links.scoringSheets(personId, r.id, r.closesAt);
  const sheetToken = (personId: number, r = round) => tokenOf(sheetsLink(personId, r));
  const sheetPath = (token: string, branch: number, roundId = round.id) => `/h5/scoring/sheet?t=${encodeURIComponent(token)}&r=${roundId}&b=${branch}`;

  const get = async (path: string) => {
    const res = await fetch(`${app.url}${path}`, { redirect: 'manual' });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  const postJson = async (path: string, body: unknown) => {
    const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: JSON.parse(text) as { ok: boolean; status?: string; totalText?: string; revision?: number; message?: string; problems?: { itemId: string | null; message: string }[] } };
  };
  const postForm = async (path: string, fields: Record<string, string>) => {
    const res = await fetch(`${app.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  };
  const save = (personId: number, branch: number, entries: SheetEntry[], action: 'draft' | 'submit', comment = '') =>
    postJson(sheetPath(sheetToken(personId), branch), { entries, comment, action });

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock);
    for (const r of await q<{ id: number; name: string }>(sql`select id, name from people`)) person[r.name] = r.id;
    branches = await q<RoundBranchView>(sql`select id, name from org_units where kind = 'branch' order by id`);
    scheme = requireScheme(schemeFromJson(readFileSync(SCHEME_FILE, 'utf8')));
    const store = scoringStore(t.database.db);
    const { id: schemeId } = await saveScheme(t.database.db, scheme, { actor: 'test', at: app.clock.now() });
    const scorers = await store.candidateScorers(branches.map((x) => x.id));
    const base = { schemeId, policy, platform: 'sandbox' as const, chatId: null, startedBy: null, opensAt: app.clock.now(), closesAt, sourceEventId: null, branches, scorers, at: app.clock.now() };
    round = (await store.createRound({ ...base, title: '2026年第四季度互观互检' }))!;
    otherRound = (await store.createRound({ ...base, title: '另一轮互观互检' }))!;
    expect(round.branches).toHaveLength(5);
    expect(scorers.map((s) => s.name).sort()).toEqual(['何建华', '徐红', '曹立新', '王海峰', '蒋红梅'].sort());
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('我的评分表 lists the four other branches, not the scorer’s own (回避), with the deadline in Beijing time', async () => {
    const res = await get(new URL(sheetsLink(person['王海峰']!)).pathname + new URL(sheetsLink(person['王海峰']!)).search);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.text).toContain('2026年第四季度互观互检');
    expect(res.text).toContain('11月28日 18:00 截止');
    const linked = [...res.text.matchAll(/<a href="\/h5\/scoring\/sheet\?[^"]*b=(\d+)"/g)].map((m) => Number(m[1]));
    expect(linked).toEqual([b(2), b(3), b(4), b(5)]);
    expect(res.text.match(/未填写/g)).toHaveLength(4);
    expect(res.text).toContain(`本支部（${esc(branches[0]!.name)}）由其他支部评分`);
  });

  it('评分表 shows every item of the scheme, grouped by category, with 必评, 得分/扣分 and reasons for deductions only', async () => {
    const res = await get(sheetPath(sheetToken(person['王海峰']!), b(2)));
    expect(res.status).toBe(200);
    expect(res.text).toContain(esc(branches[1]!.name));
    const items = scheme.categories.flatMap((c) => c.items);
    const inputs = [...res.text.matchAll(/name="points:([^"]+)"/g)].map((m) => m[1]);
    expect(inputs).toEqual(items.map((i) => i.id));
    const reasons = [...res.text.matchAll(/name="reason:([^"]+)"/g)].map((m) => m[1]);
    expect(reasons).toEqual(items.filter((i) => i.kind === 'minus').map((i) => i.id));
    for (const c of scheme.categories) expect(res.text).toContain(`<h2>${esc(c.name)}</h2>`);
    for (const i of items) {
      expect(res.text).toContain(esc(i.name));
      expect(res.text).toContain(esc(i.description));
    }
    expect(res.text.match(/class="req">必评</g)).toHaveLength(items.filter((i) => i.required).length);
    expect(res.text.match(/class="kind plus">得分</g)).toHaveLength(items.filter((i) => i.kind === 'plus').length);
    expect(res.text.match(/class="kind minus">扣分</g)).toHaveLength(items.filter((i) => i.kind === 'minus').length);
    // The rules travel as data for the page's script: the caps of the scheme, in hundredths.
    const json = /<script type="application\/json" id="sheet-rules">([^<]*)<\/script>/.exec(res.text)![1]!;
    const rules = JSON.parse(json) as { categories: { name: string; maxCents: number; deductionCapCents: number | null; bonusCapCents: number | null; hasPlus: boolean }[] };
    expect(rules.categories.map((c) => [c.name, c.maxCents, c.deductionCapCents, c.bonusCapCents, c.hasPlus])).toEqual([
      ['政治型', 2000, 600, null, true],
      ['学习型', 2000, null, null, true],
      ['实干型', 2000, 500, null, true],
      ['文明型', 2000, null, 2000, true],
      ['廉洁型', 2000, 2000, null, false],
    ]);
    expect(res.text).toContain('<button type="submit" class="btn" name="action" value="draft">保存草稿</button>');
    expect(res.text).toContain('value="submit">提交</button>');
    expect(res.text).toMatch(/<script src="\/h5\/scoring\/assets\/sheet\.js\?v=[0-9a-f]+" defer><\/script>/);
    // An empty sheet: only the deduction-only category (廉洁型) counts, from its 满分.
    expect(res.text).toContain('<output id="total">20</output>');
  });

  it('serves the script and stylesheet the page names, same-origin', async () => {
    const page = await get(sheetPath(sheetToken(person['王海峰']!), b(2)));
    const js = /src="(\/h5\/scoring\/assets\/sheet\.js\?v=[0-9a-f]+)"/.exec(page.text)![1]!;
    const css = /href="(\/h5\/scoring\/assets\/scoring\.css\?v=[0-9a-f]+)"/.exec(page.text)![1]!;
    const script = await get(js);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(script.text).toContain("getElementById('sheet-rules')");
    const style = await get(css);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toContain('text/css');
  });

  it('saves a draft, then submits: the row has the status, the total with the caps applied, and a new revision', async () => {
    const wang = person['王海峰']!;
    const draft = await save(wang, b(2), sheet({ '1.3': null, '2.1': null, '2.2': null, '2.3': null, '3.1': null, '3.2': null, '4.1': null, '4.2': null, '4.3': null, '1.4': null, '3.3': null, '4.4': null, '5.1': null, '5.2': null }), 'draft', '  初评  ');
    expect(draft.status).toBe(200);
    // 8 + 7 and the 廉洁型 category's starting 20.
    expect(draft.json).toMatchObject({ ok: true, status: 'draft', totalText: '35', revision: 1 });
    expect(await row(wang, b(2))).toMatchObject({ status: 'draft', total_cents: null, revision: 1, comment: '初评', source: 'h5' });

    // 政治型 6+7+5−2 = 16; 文明型 8+6+6+4 = 24 → 加分上限 20; 廉洁型 20−1 = 19; 学习型 20; 实干型 20 → 95.
    const entries = sheet({ '1.1': 6, '1.4': [2, '三会一课缺一次'], '4.4': 4, '5.2': [1, '第三季度未开展廉政教育'] });
    const submit = await save(wang, b(2), entries, 'submit', '整体扎实');
    expect(submit.status).toBe(200);
    expect(submit.json).toMatchObject({ ok: true, status: 'submitted', totalText: '95', revision: 2 });
    const stored = await row(wang, b(2));
    expect(stored).toMatchObject({ status: 'submitted', total_cents: 9500, revision: 2, comment: '整体扎实' });
    expect(stored!.entries.find((e) => e.itemId === '1.4')).toEqual({ itemId: '1.4', points: 2, reason: '三会一课缺一次' });

    const list = await get(new URL(sheetsLink(wang)).pathname + new URL(sheetsLink(wang)).search);
    expect(list.text).toContain('已提交 总分 95');
    const page = await get(sheetPath(sheetToken(wang), b(2)));
    expect(page.text).toContain('已提交（11月23日 09:00 提交，第2版）');
    expect(page.text).toMatch(/name="points:1\.1"[^>]*value="6"/);
    expect(page.text).toMatch(/name="reason:1\.4"[^>]*value="三会一课缺一次"/);
    expect(page.text).toContain('>整体扎实</textarea>');
    expect(page.text).toContain('<output id="total">95</output>');
  });

  it('refuses a submit with a missing required item, a number out of range and a deduction without reason; the row is unchanged', async () => {
    const wang = person['王海峰']!;
    const before = await row(wang, b(2));
    const audits = await count('audit_log');
    const res = await save(wang, b(2), sheet({ '1.1': 9, '1.2': null, '3.3': 1 }), 'submit');
    expect(res.status).toBe(400);
    expect(res.json.ok).toBe(false);
    expect(res.json.message).toContain('3处');
    const byItem = Object.fromEntries(res.json.problems!.map((p) => [p.itemId, p.message]));
    expect(Object.keys(byItem).sort()).toEqual(['1.1', '1.2', '3.3']);
    expect(byItem['1.1']).toContain('须在0到8分之间');
    expect(byItem['1.2']).toContain('必评');
    expect(byItem['3.3']).toContain('须填写扣分理由');
    expect(await row(wang, b(2))).toEqual(before);
    expect(await count('audit_log')).toBe(audits);

    // A draft may lack required items and reasons, but not hold a number out of range.
    const draft = await save(wang, b(2), [{ itemId: '2.1', points: 8.5 }, { itemId: '2.2', points: 1.234 }], 'draft');
    expect(draft.status).toBe(400);
    expect(draft.json.problems!.map((p) => p.itemId)).toEqual(['2.1', '2.2']);
    expect(await row(wang, b(2))).toEqual(before);
  });

  it('refuses the scorer’s own branch (回避) with 403 and stores nothing', async () => {
    const wang = person['王海峰']!;
    const res = await save(wang, b(1), sheet(), 'submit');
    expect(res.status).toBe(403);
    expect(res.json.message).toContain('回避');
    expect(await row(wang, b(1))).toBeUndefined();
    const page = await get(sheetPath(sheetToken(wang), b(1)));
    expect(page.status).toBe(403);
    expect(page.text).toContain('回避');
  });

  it('refuses someone who does not score in the round', async () => {
    const zhang = person['张伟']!;
    const res = await save(zhang, b(2), sheet(), 'submit');
    expect(res.status).toBe(403);
    expect(res.json.message).toContain('不是');
    expect(await row(zhang, b(2))).toBeUndefined();
    const page = await get(new URL(sheetsLink(zhang)).pathname + new URL(sheetsLink(zhang)).search);
    expect(page.status).toBe(403);
  });

  it('refuses a forged token, a token for another round and an expired token: 403 page, nothing stored', async () => {
    const xu = person['徐红']!;
    const good = sheetToken(xu);
    const forged = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    const otherRoundToken = sheetToken(xu, otherRound);
    const expired = signToken(TEST_APP_SECRET, { personId: xu, resource: scoringResource.sheets(round.id), expiresAt: Math.floor(app.clock.now().getTime() / 1000) - 60 });
    const progressToken = tokenOf(app.deps.links.scoringProgress(xu, round.id));
    const sheetsBefore = await count('scoring_sheets');
    const auditsBefore = await count('audit_log');
    for (const [token, message] of [[forged, '链接无效'], [otherRoundToken, '链接无效'], [progressToken, '链接无效'], [expired, '链接已过期'], ['', '链接无效']] as const) {
      const page = await get(sheetPath(token, b(2)));
      expect(page.status, token).toBe(403);
      expect(page.text).toContain(message);
      expect(page.headers.get('content-type')).toContain('text/html');
      const list = await get(`/h5/scoring/sheets?t=${encodeURIComponent(token)}&r=${round.id}`);
      expect(list.status).toBe(403);
      const json = await postJson(sheetPath(token, b(2)), { entries: sheet(), comment: '', action: 'submit' });
      expect(json.status).toBe(403);
      expect(json.json).toMatchObject({ ok: false });
      expect(json.json.message).toContain(message);
      const form = await postForm(sheetPath(token, b(2)), { action: 'submit', 'points:1.1': '8' });
      expect(form.status).toBe(403);
      expect(form.text).toContain(message);
    }
    expect(await count('scoring_sheets')).toBe(sheetsBefore);
    expect(await count('audit_log')).toBe(auditsBefore);
    // The same person's real link still works.
    expect((await get(sheetPath(good, b(2)))).status).toBe(200);
  });

  it('takes a plain form post when the script did not run: 303 back to the sheet, or the sheet again with the problems', async () => {
    const wang = person['王海峰']!;
    const path = sheetPath(sheetToken(wang), b(3));
    const ok = await postForm(path, { action: 'draft', 'points:1.1': '７', 'points:1.2': '', comment: '表单提交' });
    expect(ok.status).toBe(303);
    expect(ok.location).toContain(`b=${b(3)}`);
    expect(ok.location).toContain('saved=draft');
    expect(await row(wang, b(3))).toMatchObject({ status: 'draft', revision: 1, entries: [{ itemId: '1.1', points: 7, reason: '' }], comment: '表单提交' });
    const shown = await get(ok.location!);
    expect(shown.text).toContain('草稿已保存');

    const bad = await postForm(path, { action: 'submit', 'points:1.1': 'abc', 'points:1.4': '2', 'reason:1.4': '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('不是有效数字');
    expect(bad.text).toContain('须填写扣分理由');
    expect(bad.text).toMatch(/name="points:1\.1"[^>]*value="abc"/);
    expect(await row(wang, b(3))).toMatchObject({ status: 'draft', revision: 1 });
  });

  it('after the deadline: 409 and nothing changes; the page is read-only; the link that expired with the round says why', async () => {
    const he = person['何建华']!;
    await save(he, b(1), sheet(), 'draft');
    const before = await row(he, b(1));
    // A link made to outlive the deadline: the deadline itself must stop the save.
    const long = signToken(TEST_APP_SECRET, { personId: he, resource: scoringResource.sheets(round.id), expiresAt: Math.floor(closesAt.getTime() / 1000) + 7 * 86400 });
    app.clock.set('2026-11-28T10:00:01Z');
    try {
      const res = await postJson(sheetPath(long, b(1)), { entries: sheet(), comment: '', action: 'submit' });
      expect(res.status).toBe(409);
      expect(res.json.message).toContain('已过评分截止时间');
      expect(await row(he, b(1))).toEqual(before);
      const form = await postForm(sheetPath(long, b(1)), { action: 'submit', 'points:1.1': '8' });
      expect(form.status).toBe(409);
      expect(await row(he, b(1))).toEqual(before);

      const page = await get(sheetPath(long, b(1)));
      expect(page.status).toBe(200);
      expect(page.text).toContain('已过评分截止时间');
      expect(page.text).not.toContain('<button');
      expect(page.text).toMatch(/name="points:1\.1"[^>]*disabled/);
      expect(page.text).not.toContain('assets/sheet.js');

      // The card's link expires at the deadline.
      const expired = await get(sheetPath(sheetToken(he), b(1)));
      expect(expired.status).toBe(403);
      expect(expired.text).toContain('评分表链接已失效');
    } finally {
      app.clock.set('2026-11-23T01:00:00Z');
    }
  });

  it('评分进度 shows counts only, no names', async () => {
    const res = await get(new URL(app.deps.links.scoringProgress(person['王海峰']!, round.id)).pathname + new URL(app.deps.links.scoringProgress(person['王海峰']!, round.id)).search);
    expect(res.status).toBe(200);
    // 5 scorers × 4 branches; one submitted (王海峰 → 第二), drafts from 王海峰 → 第三 and 何建华 → 第一.
    expect(res.text).toContain('已提交 1 / 20 份');
    expect(res.text).toContain('另有 2 份已保存草稿');
    expect(res.text).toContain('<strong>0</strong> / 5 位已全部提交');
    expect(res.text).toContain('11月28日 18:00');
    for (const name of ['王海峰', '何建华', '徐红', '曹立新', '蒋红梅']) expect(res.text).not.toContain(name);
    // A progress link made for nobody in particular (an admin's round) still opens; a sheets link does not.
    const anyone = signToken(TEST_APP_SECRET, { personId: 0, resource: scoringResource.progress(round.id), expiresAt: Math.floor(closesAt.getTime() / 1000) });
    expect((await get(`/h5/scoring/progress?t=${anyone}&r=${round.id}`)).status).toBe(200);
    expect((await get(`/h5/scoring/progress?t=${sheetToken(person['王海峰']!)}&r=${round.id}`)).status).toBe(403);
  });

  it('评定报告: pending before results; then one branch’s result with the stored explanation, anonymous peer scores and category averages', async () => {
    const wang = person['王海峰']!;
    const reportPath = (personId: number, branch: number | null) => {
      const u = new URL(app.deps.links.scoringReport(personId, round.id, branch));
      return u.pathname + u.search;
    };
    const pending = await get(reportPath(person['何建华']!, b(2)));
    expect(pending.status).toBe(200);
    expect(pending.text).toContain('评分尚未结束，结果待公布');

    // 王海峰 gives every branch 100 (a uniform scorer: flagged); the other three score 第二 lower on 理论武装.
    for (const n of [2, 3, 4, 5]) expect((await save(wang, b(n), sheet(), 'submit')).json.ok).toBe(true);
    expect((await save(person['徐红']!, b(2), sheet({ '1.1': 6 }), 'submit')).json.totalText).toBe('98');
    expect((await save(person['曹立新']!, b(2), sheet({ '1.1': 4 }), 'submit')).json.totalText).toBe('96');
    expect((await save(person['蒋红梅']!, b(2), sheet({ '1.1': 2 }), 'submit')).json.totalText).toBe('94');

    const store = scoringStore(t.database.db);
    expect(await store.markClosed(round.id, 'test', app.clock.now())).toBe(true);
    const scorers = new Map((await store.scorers(round.id)).map((s) => [s.personId, s]));
    const submitted = (await store.sheets(round.id)).filter((s) => s.status === 'submitted');
    const input: RoundInput = {
      scheme,
      policy,
      branches: branches.map((x) => ({ id: String(x.id), name: x.name })),
      sheets: submitted.map((s) => ({
        scorerId: String(s.scorerId),
        scorerName: scorers.get(s.scorerId)!.name,
        scorerBranchId: String(scorers.get(s.scorerId)!.branchId),
        targetBranchId: String(s.targetUnitId),
        entries: s.entries,
      })),
    };
    const result = aggregateRound(input);
    const flags = flagRound(result.sheets, input.branches);
    expect(flags.map((f) => f.kind)).toContain('uniform-scorer');
    await store.saveResults({ roundId: round.id, policyVersion: result.policyVersion, result, flags, computedAt: app.clock.now() });
    const second = result.branches.find((x) => x.branchId === String(b(2)))!;
    expect(second.explanation).toContain('互评 100、98、96、94 → 去掉最高 100 和最低 94 → 平均 97');

    const page = await get(reportPath(person['何建华']!, b(2)));
    expect(page.status).toBe(200);
    expect(page.text).toContain(esc(second.explanation));
    expect(page.text).toContain(second.starLabel);
    expect(page.text).toContain(`<dd>${second.classLabel}</dd>`);
    expect(page.text).toContain(`<dd>${second.totalText}</dd>`);
    expect(page.text).toContain('计分规则版本：h5-test.1');
    expect(page.text).toContain(esc(result.tieBreak));
    // Peer scores high → low, the trimmed ones marked, nobody named.
    const scores = [...page.text.matchAll(/<li(?: class="dropped")?>(?:<s>)?([\d.]+)/g)].map((m) => m[1]);
    expect(scores).toEqual(['100', '98', '96', '94']);
    expect(page.text).toContain('<s>100</s> <span class="state dropped">去掉最高</span>');
    expect(page.text).toContain('<s>94</s> <span class="state dropped">去掉最低</span>');
    for (const name of ['王海峰', '徐红', '曹立新', '蒋红梅']) expect(page.text).not.toContain(name);
    // 政治型 20, 18, 16, 14 → 17; the rest full on every sheet.
    expect(page.text).toContain('各类别平均得分（4 份互评表）');
    expect(page.text).toContain('<tr><td>政治型</td><td class="num">17</td><td class="num">20</td></tr>');
    expect(page.text).toContain('<tr><td>学习型</td><td class="num">20</td><td class="num">20</td></tr>');
    expect(page.text).not.toContain('<dt>排名</dt>');
    expect(page.text).not.toContain('发布前提示');
    expect(page.text).not.toContain(esc(flags[0]!.message));

    // A branch link opens only its branch; the admin page needs the admin link.
    expect((await get(reportPath(person['何建华']!, b(2)).replace(`b=${b(2)}`, `b=${b(3)}`))).status).toBe(403);
    expect((await get(reportPath(person['何建华']!, b(2)).replace(`&b=${b(2)}`, ''))).status).toBe(403);

    // Ranks appear only when the round shows them (the same figures stored for the other round, ranks on).
    await store.saveResults({ roundId: otherRound.id, policyVersion: result.policyVersion, result: { ...result, ranksVisible: true }, flags, computedAt: app.clock.now() });
    const ranked = new URL(app.deps.links.scoringReport(person['何建华']!, otherRound.id, b(2)));
    expect((await get(ranked.pathname + ranked.search)).text).toContain(`<dt>排名</dt><dd>第 ${second.rank} 名</dd>`);
  });

  it('评定报告 for admins: every branch and the flags under 发布前提示（仅管理员可见）', async () => {
    const admin = person['周晓燕']!;
    const u = new URL(app.deps.links.scoringReport(admin, round.id, null));
    const page = await get(u.pathname + u.search);
    expect(page.status).toBe(200);
    for (const x of branches) expect(page.text).toContain(esc(x.name));
    expect(page.text).toContain('发布前提示（仅管理员可见）');
    const stored = (await scoringStore(t.database.db).results(round.id))!;
    expect(stored.flags.length).toBeGreaterThan(0);
    for (const f of stored.flags) expect(page.text).toContain(esc(f.message));
    expect(page.text).not.toContain('<th class="num">排名</th>');
  });

  it('after close: 我的评分表 is read-only with 评分已结束, and a save is refused with 409', async () => {
    const wang = person['王海峰']!;
    const list = await get(new URL(sheetsLink(wang)).pathname + new URL(sheetsLink(wang)).search);
    expect(list.status).toBe(200);
    expect(list.text).toContain('评分已结束');
    expect(list.text.match(/已提交 总分 100/g)).toHaveLength(4);
    const before = await row(wang, b(2));
    const res = await save(wang, b(2), sheet({ '1.1': 1 }), 'submit');
    expect(res.status).toBe(409);
    expect(res.json.message).toContain('已结束评分');
    expect(await row(wang, b(2))).toEqual(before);
    const page = await get(sheetPath(sheetToken(wang), b(2)));
    expect(page.text).toContain('评分已结束');
    expect(page.text).not.toContain('<button');
  });
  it('评分进度 after publishing shows every branch’s stars and class, and still no scores or names', async () => {
    const store = scoringStore(t.database.db);
    const progressPath = (): string => {
      const u = new URL(app.deps.links.scoringProgress(person['王海峰']!, round.id));
      return u.pathname + u.search;
    };
    expect((await get(progressPath())).text).not.toContain('评定结果');
    expect(await store.markPublished(round.id, 'admin:test', app.clock.now())).toBe(true);
    const page = await get(progressPath());
    const stored = (await store.results(round.id))!;
    expect(page.text).toContain('评定结果');
    for (const x of stored.result.branches) {
      expect(page.text).toContain(esc(x.branchName));
      if (x.classLabel) expect(page.text).toContain(`<td>${x.starLabel}</td><td>${x.classLabel}</td>`);
    }
    for (const x of stored.result.branches) if (x.totalText) expect(page.text).not.toContain(x.explanation);
    for (const name of ['王海峰', '何建华', '徐红', '曹立新', '蒋红梅']) expect(page.text).not.toContain(name);
  });
});
