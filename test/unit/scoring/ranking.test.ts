import { describe, expect, it } from 'vitest';
import { aggregateRound, type RoundSheet } from '../../../src/domain/scoring/aggregate.js';
import { DEFAULT_POLICY, type AggregationPolicy } from '../../../src/domain/scoring/policy.js';
import { ONE_ITEM, sheet } from './helpers.js';

/**
 * Each branch `b<i>` gets one peer sheet (from the next branch's secretary) and a committee score; with
 * weights 0.5/0.5 the total is (peer + committee) / 2.
 */
interface Spec {
  name?: string;
  peers: number[];
  committee: number;
}

function run(specs: Spec[], policy: Partial<AggregationPolicy>) {
  const branches = specs.map((s, i) => ({ id: `b${i + 1}`, name: s.name ?? `支部${String(i + 1).padStart(2, '0')}` }));
  const sheets: RoundSheet[] = specs.flatMap((s, i) => s.peers.map((p, k) => sheet(`x${i + 1}-${k}`, `b${i + 1}`, p)));
  return aggregateRound({
    scheme: ONE_ITEM,
    policy: { ...DEFAULT_POLICY, weights: { peers: 0.5, committee: 0.5 }, starQuotas: {}, classes: { advanced: {}, lagging: {} }, ...policy },
    branches,
    sheets,
    committee: specs.map((s, i) => ({ branchId: `b${i + 1}`, score: s.committee })),
  }).branches;
}
const same = (total: number): Spec => ({ peers: [total], committee: total });

describe('star thresholds', () => {
  const cases: [number, number, string][] = [
    [100, 5, '五星'], [95, 5, '五星'], [94.99, 4, '四星'], [85, 4, '四星'], [84.99, 3, '三星'], [75, 3, '三星'],
    [74.5, 2, '二星'], [65, 2, '二星'], [64.99, 1, '一星'], [60, 1, '一星'], [59.99, 0, '未定级'], [0, 0, '未定级'],
  ];
  for (const [total, stars, label] of cases) {
    it(`${total} → ${label}`, () => {
      const [b] = run([same(total)], {});
      expect([b!.stars, b!.starLabel, b!.thresholdStars]).toEqual([stars, label, stars]);
    });
  }
});

describe('star quotas', () => {
  // 20 branches, 10 % → at most floor(2) five-star. b2 and b3 tie at 97; the tie rule (higher committee first)
  // puts b3 (committee 98) ahead of b2 (97).
  const specs: Spec[] = [
    same(99), // b1 99
    same(97), // b2 97, committee 97
    { peers: [96], committee: 98 }, // b3 97, committee 98
    same(95), // b4 95
    same(90), // b5 90 (4★)
    ...Array.from({ length: 15 }, () => same(80)),
  ];

  it('10 % five-star: the lowest-ranked over the quota move down, ties by the stated rule', () => {
    const r = run(specs, { starQuotas: { 5: 0.1 } });
    expect(r.slice(0, 5).map((b) => [b.branchId, b.thresholdStars, b.stars, b.demotedByQuota, b.rank])).toEqual([
      ['b1', 5, 5, false, 1],
      ['b2', 5, 4, true, 3],
      ['b3', 5, 5, false, 2],
      ['b4', 5, 4, true, 4],
      ['b5', 4, 4, false, 5],
    ]);
    expect(r[1]!.explanation).toBe('互评 97 → 平均 97 × 0.5；机关党委点评 97 × 0.5 → 总分 97 → 达到五星分数线，但五星名额至多 2 个（10%），按排名评为四星，中间');
  });

  it('a full lower level passes its own lowest-ranked further down', () => {
    // four-star after the five-star quota: b2 (97), b4 (95), b5 (90) → at most 2 → b5 becomes three-star
    const r = run(specs, { starQuotas: { 5: 0.1, 4: 0.1 } });
    expect(r.slice(0, 5).map((b) => b.stars)).toEqual([5, 4, 5, 4, 3]);
    expect(r[4]!.explanation).toBe('互评 90 → 平均 90 × 0.5；机关党委点评 90 × 0.5 → 总分 90 → 达到四星分数线，但四星名额至多 2 个（10%），按排名评为三星，中间');
  });

  it('with 8 branches 10 % allows no five-star at all (floor)', () => {
    const r = run([same(99), same(98), ...Array.from({ length: 6 }, () => same(70))], { starQuotas: { 5: 0.1 } });
    expect(r.slice(0, 2).map((b) => b.stars)).toEqual([4, 4]);
  });
});

describe('classes 先进 / 中间 / 后进', () => {
  // b1..b20 with totals 99, 98, …, 80
  const specs = Array.from({ length: 20 }, (_, i) => same(99 - i));
  const classes = (policy: AggregationPolicy['classes']): string => run(specs, { classes: policy }).map((b) => b.classLabel!.slice(0, 1)).join('');

  it('threshold and quota: ≥ 90 but at most 30 % (6) 先进; < 82 后进; at least 5 % (1) 后进', () => {
    const policy = { advanced: { minScore: 90, maxShare: 0.3 }, lagging: { belowScore: 82, minShare: 0.05 } };
    expect(classes(policy)).toBe('先先先先先先中中中中中中中中中中中中后后');
    const r = run(specs, { classes: policy });
    expect(r[6]!.explanation).toBe('互评 93 → 平均 93 × 0.5；机关党委点评 93 × 0.5 → 总分 93 → 四星，中间（达到先进分数线，但先进名额至多 6 个）');
  });

  it('后进 at least 20 % (4): two below the line, two more from the bottom of the ranking', () => {
    const policy = { advanced: { minScore: 90, maxShare: 0.3 }, lagging: { belowScore: 82, minShare: 0.2 } };
    expect(classes(policy)).toBe('先先先先先先中中中中中中中中中中后后后后');
    expect(run(specs, { classes: policy })[16]!.explanation).toBe('互评 83 → 平均 83 × 0.5；机关党委点评 83 × 0.5 → 总分 83 → 三星，后进（后进至少 4 个，按排名确定）');
  });

  it('thresholds only', () => {
    expect(classes({ advanced: { minScore: 95 }, lagging: { belowScore: 85 } })).toBe('先先先先先中中中中中中中中中中后后后后后');
  });

  it('quotas only: the top 10 % and at least 5 % (ceil 1) at the bottom', () => {
    expect(classes({ advanced: { maxShare: 0.1 }, lagging: { minShare: 0.05 } })).toBe('先先中中中中中中中中中中中中中中中中中后');
  });

  it('a lone high-scoring branch is never made 后进 to fill a share', () => {
    const [b] = run([same(99)], { classes: DEFAULT_POLICY.classes });
    expect([b!.classLabel, b!.explanation.endsWith('，中间（达到先进分数线，但先进名额至多 0 个）')]).toEqual(['中间', true]);
  });
});

describe('ties broken by the stated rule', () => {
  // All four total 91 (weights 0.5/0.5).
  const specs: Spec[] = [
    { name: '乙支部', peers: [90, 92, 94], committee: 90 }, // mean 92, median 92
    { name: '丙支部', peers: [91, 91, 94], committee: 90 }, // mean 92, median 91
    { name: '丁支部', peers: [90], committee: 92 }, // committee 92
    { name: '甲支部', peers: [90, 92, 94], committee: 90 }, // same as 乙 → name: 甲 (jiǎ) before 乙 (yǐ)
  ];
  const order = (tieBreak: AggregationPolicy['tieBreak']): string[] =>
    run(specs, { tieBreak }).sort((a, b) => a.rank! - b.rank!).map((b) => b.branchName);

  it('committee, then peer median, then name', () => {
    expect(order(['committee', 'peerMedian', 'name'])).toEqual(['丁支部', '甲支部', '乙支部', '丙支部']);
  });

  it('peer median first', () => {
    // medians: 甲 92, 乙 92, 丙 91, 丁 90
    expect(order(['peerMedian', 'committee'])).toEqual(['甲支部', '乙支部', '丙支部', '丁支部']);
  });

  it('name only (the name always ends the chain)', () => {
    expect(order([])).toEqual(['丙支部', '丁支部', '甲支部', '乙支部']); // bǐng, dīng, jiǎ, yǐ
  });
});
