import { describe, expect, it } from 'vitest';
import { aggregateRound, type ScoredSheet } from '../../../src/domain/scoring/aggregate.js';
import { flagRound } from '../../../src/domain/scoring/flags.js';
import { DEFAULT_POLICY } from '../../../src/domain/scoring/policy.js';
import { ONE_ITEM, sheet } from './helpers.js';

const BRANCHES = ['第一党支部', '第二党支部', '第三党支部', '第四党支部', '第五党支部', '第六党支部'].map((name, i) => ({ id: `b${i + 1}`, name }));

/** The secretary of branch b<from> gave branch `target` this total. */
function scored(from: number, target: string, total: number): ScoredSheet {
  return { scorerId: `s-b${from}`, scorerName: `书记b${from}`, scorerBranchId: `b${from}`, targetBranchId: target, total, totalCents: Math.round(total * 100) };
}

describe('flags: a scorer who gave everyone the same total', () => {
  it('flags three identical totals, not two, not nearly identical', () => {
    const sheets = [
      scored(4, 'b1', 85), scored(4, 'b2', 85), scored(4, 'b3', 85), // flagged
      scored(5, 'b1', 85), scored(5, 'b2', 85), // only two sheets
      scored(6, 'b1', 85), scored(6, 'b2', 85), scored(6, 'b3', 85.5), // not identical
    ];
    expect(flagRound(sheets, BRANCHES)).toEqual([
      { kind: 'uniform-scorer', scorerId: 's-b4', total: 85, sheets: 3, message: '书记b4给所评的 3 个支部都打了相同的总分 85 分' },
    ]);
    expect(flagRound(sheets, BRANCHES, { uniformMinSheets: 2 }).map((f) => f.kind === 'uniform-scorer' && f.scorerId)).toEqual(['s-b4', 's-b5']);
  });
});

describe('flags: two scorers who scored each other far above the panel', () => {
  const sheets = [
    scored(2, 'b1', 97), scored(3, 'b1', 88), scored(4, 'b1', 86), // b2 → b1: 97 − (88+86)/2 = 10
    scored(1, 'b2', 96), scored(3, 'b2', 88), scored(4, 'b2', 88), // b1 → b2: 96 − 88 = 8 (the margin, inclusive)
    scored(1, 'b3', 90), scored(2, 'b3', 80), scored(4, 'b3', 85),
    scored(1, 'b4', 85), scored(2, 'b4', 85), scored(3, 'b4', 99), // b3 → b4 is 14 above, but b4 → b3 is not high: one-sided
  ];

  it('flags the pair once, with both margins', () => {
    expect(flagRound(sheets, BRANCHES)).toEqual([
      {
        kind: 'mutual-high',
        scorerIds: ['s-b1', 's-b2'],
        branchIds: ['b1', 'b2'],
        excess: [8, 10],
        message: '书记b1（第一党支部）与书记b2（第二党支部）互评分明显偏高：书记b1给第二党支部 96 分，高于其他评分人平均 88 分 8 分；书记b2给第一党支部 97 分，高于其他评分人平均 87 分 10 分',
      },
    ]);
  });

  it('a larger margin clears it', () => {
    expect(flagRound(sheets, BRANCHES, { pairMargin: 9 })).toEqual([]);
  });
});

describe('flags: outliers (> 2 standard deviations from the rest of the panel, ≥ 4 scores)', () => {
  const cases: { name: string; totals: number[]; flagged: { scorer: string; message: string }[] }[] = [
    {
      // 60 against 90, 89, 91, 90: mean 90, sd √((0+1+1+0)/4) = 0.71; |60 − 90| = 30 > 1.41.
      // 90 against 89, 91, 90, 60: mean 82.5, sd 13.01; 7.5 < 26.02 — and so on for the others.
      name: 'one low score among five',
      totals: [90, 89, 91, 90, 60],
      flagged: [{ scorer: 's-b6', message: '书记b6给第三党支部 60 分，其他评分人平均 90 分（标准差 0.71），相差 30 分，超过 2 个标准差' }],
    },
    { name: 'three scores are too few', totals: [90, 90, 60], flagged: [] },
    {
      // against 90, 90, 90: sd 0, gap 2 ≥ 1
      name: 'a unanimous panel and a 2-point difference',
      totals: [90, 90, 90, 92],
      flagged: [{ scorer: 's-b5', message: '书记b5给第三党支部 92 分，其他评分人平均 90 分（标准差 0），相差 2 分，超过 2 个标准差' }],
    },
    { name: 'below the minimum gap', totals: [90, 90, 90, 90.5], flagged: [] },
    // 80 against 90, 85, 88: mean 87.67, sd 2.05, 2 sd 4.11, gap 7.67 → flagged; 90 against 85, 88, 80: mean 84.33, sd 3.3, gap 5.67 < 6.6
    {
      name: 'four spread scores',
      totals: [90, 85, 88, 80],
      flagged: [{ scorer: 's-b5', message: '书记b5给第三党支部 80 分，其他评分人平均 87.67 分（标准差 2.05），相差 7.67 分，超过 2 个标准差' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      // scorers from b1, b2, b4, b5, b6 (b3 is the target: 回避)
      const froms = [1, 2, 4, 5, 6];
      const sheets = c.totals.map((t, i) => scored(froms[i]!, 'b3', t));
      const flags = flagRound(sheets, BRANCHES);
      expect(flags.map((f) => (f.kind === 'outlier' ? { scorer: f.scorerId, message: f.message } : f.kind))).toEqual(c.flagged);
    });
  }
});

describe('flags from a whole round', () => {
  it('takes the sheets aggregateRound scored', () => {
    const result = aggregateRound({
      scheme: ONE_ITEM,
      policy: { ...DEFAULT_POLICY, weights: 'peers-only' },
      branches: BRANCHES.slice(0, 4),
      sheets: [sheet(1, 'b2', 80), sheet(1, 'b3', 80), sheet(1, 'b4', 80), sheet(2, 'b1', 90), sheet(3, 'b1', 70)],
    });
    expect(flagRound(result.sheets, BRANCHES).map((f) => f.message)).toEqual(['书记b1给所评的 3 个支部都打了相同的总分 80 分']);
  });
});
