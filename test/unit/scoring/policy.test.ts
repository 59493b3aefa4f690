import { describe, expect, it } from 'vitest';
import { add, cmp, formatRatio, formatShare, fromDecimal, mul, ratio } from '../../../src/domain/scoring/numbers.js';
import { atLeast, atMost, DEFAULT_POLICY, starLabel, validatePolicy, type AggregationPolicy } from '../../../src/domain/scoring/policy.js';

describe('exact numbers', () => {
  it('reads decimals as written and rounds half up only for display', () => {
    expect(fromDecimal(0.7)).toEqual({ n: 7n, d: 10n });
    expect(cmp(add(mul(fromDecimal(50.16), fromDecimal(0.7)), mul(fromDecimal(82.96), fromDecimal(0.3))), ratio(60))).toBe(0);
    const cases: [ReturnType<typeof ratio>, string][] = [
      [ratio(269, 3), '89.67'], [ratio(1, 200), '0.01'], [ratio(1, 201), '0'], [ratio(905, 10), '90.5'], [ratio(92), '92'], [ratio(8999, 100), '89.99'],
    ];
    for (const [r, text] of cases) expect(formatRatio(r)).toBe(text);
    expect(formatShare(0.1)).toBe('10%');
    expect(formatShare(0.055)).toBe('5.5%');
  });

  it('at most = floor, at least = ceil', () => {
    expect([atMost(0.1, 30), atMost(0.1, 29), atMost(0.1, 8), atMost(0.3, 10)]).toEqual([3, 2, 0, 3]);
    expect([atLeast(0.05, 30), atLeast(0.05, 20), atLeast(0.05, 8), atLeast(0.05, 0)]).toEqual([2, 1, 1, 0]);
  });

  it('names star levels', () => {
    expect([0, 1, 4, 5, 12].map(starLabel)).toEqual(['未定级', '一星', '四星', '五星', '12星']);
  });
});

describe('validatePolicy', () => {
  it('accepts the default policy', () => {
    expect(validatePolicy(DEFAULT_POLICY)).toEqual([]);
    expect(validatePolicy({ ...DEFAULT_POLICY, weights: 'peers-only' })).toEqual([]);
  });

  const cases: { name: string; change: Partial<AggregationPolicy>; errors: string[] }[] = [
    { name: 'no version', change: { version: ' ' }, errors: ['计分规则须有版本号'] },
    { name: 'fractional counts', change: { trim: { minScores: 5, dropHighest: 0.5, dropLowest: 1 } }, errors: ['去掉最高/最低分的份数和最少份数须为非负整数'] },
    { name: 'too few scores to trim', change: { trim: { minScores: 3, dropHighest: 2, dropLowest: 1 } }, errors: ['去掉最高/最低分至少需要3份互评，须多于去掉的3份'] },
    { name: 'weights out of range', change: { weights: { peers: 1.2, committee: -0.2 } }, errors: ['互评和机关党委点评的权重须在0到1之间'] },
    { name: 'weights not summing to 1', change: { weights: { peers: 0.6, committee: 0.3 } }, errors: ['互评权重0.6与机关党委点评权重0.3之和须为1'] },
    { name: 'bad star level', change: { stars: [{ min: 90, stars: 0 }], starQuotas: {} }, errors: ['星级“0”须为正整数'] },
    { name: 'negative threshold', change: { stars: [{ min: -1, stars: 1 }], starQuotas: {} }, errors: ['星级分数线“-1”须为非负数'] },
    { name: 'level twice', change: { stars: [{ min: 90, stars: 2 }, { min: 80, stars: 2 }], starQuotas: {} }, errors: ['2星的分数线重复'] },
    { name: 'thresholds out of order', change: { stars: [{ min: 80, stars: 5 }, { min: 90, stars: 4 }] }, errors: ['5星的分数线须高于4星的分数线'] },
    { name: 'quota for a missing level', change: { starQuotas: { 6: 0.1 } }, errors: ['星级名额中的6星没有对应的分数线'] },
    { name: 'quota share out of range', change: { starQuotas: { 5: 1.5 } }, errors: ['5星名额比例须在0到1之间'] },
    {
      name: 'class rules',
      change: { classes: { advanced: { minScore: 80, maxShare: 2 }, lagging: { belowScore: 85, minShare: -0.1 } } },
      errors: ['先进比例须在0到1之间', '后进比例须在0到1之间', '后进分数线不能高于先进分数线'],
    },
    { name: 'unknown tie rule', change: { tieBreak: ['committee', 'age' as never] }, errors: ['并列规则“age”无法识别'] },
  ];
  for (const c of cases) it(c.name, () => expect(validatePolicy({ ...DEFAULT_POLICY, ...c.change })).toEqual(c.errors));
});
