/**
 * 互观互检 aggregation benchmark: 30 branches, each branch's secretary scores the other 29 (870 sheets) on the
 * five-型 example scheme (16 items), with 机关党委 comment scores; aggregateRound (validation, sheet totals,
 * trimmed means, weights, stars, quotas, classes, explanations) and flagRound are timed.
 *
 *   npx tsx bench/scoring-aggregate.ts
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { aggregateRound, type RoundInput, type RoundSheet } from '../src/domain/scoring/aggregate.js';
import { flagRound } from '../src/domain/scoring/flags.js';
import { DEFAULT_POLICY } from '../src/domain/scoring/policy.js';
import { requireScheme, schemeFromJson } from '../src/domain/scoring/scheme.js';
import type { Scheme, SheetEntry } from '../src/domain/scoring/types.js';
import { seededRandom } from './seeded-random.js';

const BRANCHES = 30;
const RUNS = 20;

function makeInput(scheme: Scheme): RoundInput {
  const random = seededRandom(42);
  const branches = Array.from({ length: BRANCHES }, (_, i) => ({ id: `b${i + 1}`, name: `第${i + 1}党支部` }));
  const sheets: RoundSheet[] = [];
  for (const scorer of branches) {
    for (const target of branches) {
      if (scorer.id === target.id) continue; // 回避
      const entries: SheetEntry[] = [];
      for (const category of scheme.categories) {
        for (const item of category.items) {
          // plus items: 60–100 % of the max in halves; minus items: mostly 0, sometimes a deduction with a reason
          if (item.kind === 'plus') entries.push({ itemId: item.id, points: Math.round(item.max * (0.6 + 0.4 * random()) * 2) / 2 });
          else if (random() < 0.2) entries.push({ itemId: item.id, points: 1, reason: '检查发现问题' });
          else entries.push({ itemId: item.id, points: 0 });
        }
      }
      sheets.push({ scorerId: `s-${scorer.id}`, scorerName: `${scorer.name}书记`, scorerBranchId: scorer.id, targetBranchId: target.id, entries });
    }
  }
  const committee = branches.map((b) => ({ branchId: b.id, score: Math.round((70 + 30 * random()) * 100) / 100 }));
  return { scheme, policy: DEFAULT_POLICY, branches, sheets, committee };
}

const scheme = requireScheme(schemeFromJson(readFileSync(new URL('../test/fixtures/scoring/scheme-five-types.json', import.meta.url), 'utf8')));
const input = makeInput(scheme);
const items = scheme.categories.reduce((n, c) => n + c.items.length, 0);

const times: number[] = [];
let result = aggregateRound(input);
let flags = flagRound(result.sheets, input.branches);
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  result = aggregateRound(input);
  flags = flagRound(result.sheets, input.branches);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const first = (() => {
  // a cold run on a fresh copy of the scheme (no cached item index)
  const fresh = { ...input, scheme: structuredClone(scheme) };
  const t0 = performance.now();
  flagRound(aggregateRound(fresh).sheets, input.branches);
  return performance.now() - t0;
})();

console.log(`${BRANCHES} branches × ${BRANCHES - 1} scorers = ${input.sheets.length} sheets, ${items} items each (${input.sheets.length * items} entries)`);
console.log(`aggregateRound + flagRound: median ${times[Math.floor(RUNS / 2)]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times[RUNS - 1]!.toFixed(1)} ms over ${RUNS} runs; fresh scheme ${first.toFixed(1)} ms`);
console.log(`results: ${result.branches.length} branches, ${flags.length} flags; e.g. ${result.branches[0]!.explanation}`);
