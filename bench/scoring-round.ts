/**
 * 互观互检 close on the database: 30 branches, each branch's secretary scores the other 29 (870 sheets) on the
 * five-型 example scheme (16 items), plus the 机关党委 secretary's 点评 sheet for every branch. Timed: closing
 * the round the way "结束互观互检" and the deadline job do (closeOne: lock the round, read scorers and sheets,
 * validate every sheet, aggregate, flag, record the results and audit entries, enqueue the reviewers' cards)
 * — on fresh, identical rounds, several times. Also timed: submitting sheets one by one through the same
 * sheet service the H5 form uses.
 *
 *   npm run bench:scoring                                              (PGlite in memory)
 *   BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/test npm run bench:scoring
 *
 * Figures are printed and written to bench/results/scoring-round-<date>.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { rows } from '../src/db/migrate.js';
import { saveScheme } from '../src/db/repositories/scoring-admin.js';
import { scoringStore } from '../src/db/repositories/scoring-store.js';
import { DEFAULT_POLICY } from '../src/domain/scoring/policy.js';
import { requireScheme, schemeFromJson } from '../src/domain/scoring/scheme.js';
import { saveScorerSheet } from '../src/domain/scoring/sheet-service.js';
import type { Scheme, SheetEntry } from '../src/domain/scoring/types.js';
import { linkSigner } from '../src/h5/link-signer.js';
import { closeOne } from '../src/jobs/scoring-deadlines.js';
import { openBenchDatabase } from './bench-db.js';
import { seededRandom } from './seeded-random.js';

const BRANCHES = Number(process.env.BENCH_BRANCHES ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SUBMITS = 100;
const GOAL_MS = 1000;

function sheetFor(scheme: Scheme, random: () => number): SheetEntry[] {
  const entries: SheetEntry[] = [];
  for (const item of scheme.categories.flatMap((c) => c.items)) {
    if (item.kind === 'plus') entries.push({ itemId: item.id, points: Math.round(item.max * (0.6 + 0.4 * random()) * 2) / 2 });
    else if (random() < 0.2) entries.push({ itemId: item.id, points: 1, reason: '检查发现问题' });
    else entries.push({ itemId: item.id, points: 0 });
  }
  return entries;
}

const scheme = requireScheme(schemeFromJson(JSON.parse(readFileSync(new URL('../test/fixtures/scoring/scheme-five-types.json', import.meta.url), 'utf8'))));
const bench = await openBenchDatabase();
const { db } = bench.database;
const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await db.execute(query));
const now = new Date('2026-12-01T02:00:00Z');
const links = linkSigner({ secret: 'b'.repeat(40), publicBaseUrl: 'https://h5.example.org', clock: { now: () => now } });

try {
  // The organisation: 机关党委 with its secretary and an admin, 30 branches each with a secretary.
  const [committee] = await q<{ id: number }>(sql`insert into org_units (kind, name) values ('committee', '某某厅机关党委') returning id`);
  const branches = await q<{ id: number; name: string }>(sql`
    insert into org_units (parent_id, kind, name)
    select ${committee!.id}, 'branch', '第' || g || '党支部' from generate_series(1, ${BRANCHES}) g returning id, name`);
  await db.execute(sql`
    with p as (insert into people (name, unit_id) select u.name || '书记', u.id from org_units u where u.kind = 'branch' returning id, unit_id)
    insert into person_roles (person_id, role, scope_unit_id) select id, 'secretary', unit_id from p`);
  await db.execute(sql`
    with p as (insert into people (name, unit_id) values ('机关党委书记', ${committee!.id}), ('党务干部', ${committee!.id}) returning id, name)
    insert into person_roles (person_id, role) select id, case when name = '党务干部' then 'admin'::role_name else 'secretary'::role_name end from p`);
  const { id: schemeId } = await saveScheme(db, scheme, { actor: 'bench', at: now });
  const store = scoringStore(db);
  const scorers = await store.candidateScorers(branches.map((b) => b.id));

  const newRound = async (i: number): Promise<number> => {
    const round = await store.createRound({
      title: `基准测试第${i + 1}轮`, schemeId, policy: DEFAULT_POLICY, platform: 'sandbox', chatId: null, startedBy: null,
      opensAt: new Date(now.getTime() - 7 * 86_400_000), closesAt: new Date(now.getTime() + 86_400_000), sourceEventId: null,
      branches, scorers, at: now,
    });
    return round!.id;
  };

  // Sheets for the first round, one statement; the other rounds copy them (identical data every time).
  const random = seededRandom(42);
  const sheetRows = scorers.flatMap((s) =>
    branches.filter((b) => b.id !== s.branchId).map((b) => ({ scorer: s.personId, target: b.id, entries: sheetFor(scheme, random) })),
  );
  const roundIds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) roundIds.push(await newRound(i));
  const insertSheets = async (roundId: number): Promise<void> => {
    const payload = JSON.stringify(sheetRows.map((r) => ({ scorer: r.scorer, target: r.target, entries: r.entries })));
    // total_cents is what the sheet service records on submit; close recomputes every total from the entries anyway.
    await db.execute(sql`
      insert into scoring_sheets (round_id, scorer_id, target_unit_id, status, entries, total_cents, source, submitted_at, updated_at)
      select ${roundId}, x.scorer, x.target, 'submitted', x.entries, 0, 'h5', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${payload}::jsonb) as x(scorer int, target int, entries jsonb)`);
  };
  for (const id of roundIds) await insertSheets(id);
  const peerSheets = sheetRows.filter((r) => scorers.find((s) => s.personId === r.scorer)!.role === 'peer').length;

  const closeMs: number[] = [];
  let last: Awaited<ReturnType<typeof closeOne>> = null;
  for (const id of roundIds) {
    const t0 = performance.now();
    last = await closeOne({ database: bench.database, links, timezone: 'Asia/Shanghai' }, id, now, 'bench');
    closeMs.push(performance.now() - t0);
  }
  const [stored] = await q<{ n: number; flags: number }>(sql`select count(*)::int as n, max(jsonb_array_length(flags))::int as flags from scoring_results`);

  // Submitting sheets one at a time through the sheet service (locks the round, validates, audit entry).
  const submitRound = await newRound(ROUNDS);
  const submitMs: number[] = [];
  for (const r of sheetRows.slice(0, SUBMITS)) {
    const t0 = performance.now();
    await db.transaction((tx) =>
      saveScorerSheet(scoringStore(tx), { roundId: submitRound, personId: r.scorer, branchId: r.target, entries: r.entries, comment: null, submit: true, source: 'h5', now }),
    );
    submitMs.push(performance.now() - t0);
  }

  const sorted = [...closeMs].sort((a, b) => a - b);
  const subSorted = [...submitMs].sort((a, b) => a - b);
  const pct = (list: number[], p: number): number => list[Math.min(list.length - 1, Math.floor(list.length * p))]!;
  const out = {
    date: new Date().toISOString(),
    database: bench.label,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    node: process.version,
    branches: BRANCHES,
    sheetsPerRound: sheetRows.length,
    peerSheets,
    items: scheme.categories.reduce((n, c) => n + c.items.length, 0),
    closeRuns: ROUNDS,
    closeMs: { median: Math.round(pct(sorted, 0.5)), min: Math.round(sorted[0]!), max: Math.round(sorted.at(-1)!), all: closeMs.map((x) => Math.round(x)) },
    goalMs: GOAL_MS,
    met: sorted.at(-1)! < GOAL_MS,
    results: { rounds: stored!.n, flagsInLastRound: stored!.flags, submitted: last?.submitted, expected: last?.expected },
    submitOneMs: { runs: SUBMITS, p50: Number(pct(subSorted, 0.5).toFixed(1)), p99: Number(pct(subSorted, 0.99).toFixed(1)) },
  };
  console.log(`${out.database}; ${out.cpus} × ${out.cpuModel}, Node ${out.node}`);
  console.log(`${BRANCHES} branches: ${sheetRows.length} sheets per round (${peerSheets} peer + ${sheetRows.length - peerSheets} 机关党委点评), ${out.items} items each`);
  console.log(`close (read, validate, aggregate, flag, record, enqueue): median ${out.closeMs.median} ms, max ${out.closeMs.max} ms over ${ROUNDS} rounds — goal < ${GOAL_MS} ms: ${out.met ? 'met' : 'NOT met'}`);
  console.log(`submit one sheet through the sheet service: p50 ${out.submitOneMs.p50} ms, p99 ${out.submitOneMs.p99} ms (${SUBMITS} sheets)`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/scoring-round-${out.date.slice(0, 10)}.json`, import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
} finally {
  await bench.drop();
}
