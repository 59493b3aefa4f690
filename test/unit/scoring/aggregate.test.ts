import { describe, expect, it } from 'vitest';
import { aggregateRound, validateRound, type RoundInput, type RoundSheet } from '../../../src/domain/scoring/aggregate.js';
import { DEFAULT_POLICY, type AggregationPolicy } from '../../../src/domain/scoring/policy.js';
import { ValidationError } from '../../../src/errors.js';
import { fiveTypesScheme, fullMarks, ONE_ITEM, panel, sheet } from './helpers.js';

const BRANCHES = ['第一党支部', '第二党支部', '第三党支部', '第四党支部', '第五党支部', '第六党支部'].map((name, i) => ({ id: `b${i + 1}`, name }));
/** No quotas; 先进 ≥ 90 (at most half), 后进 < 60 (at least 5 %). */
const POLICY: AggregationPolicy = {
  ...DEFAULT_POLICY,
  version: 'test-1',
  starQuotas: {},
  classes: { advanced: { minScore: 90, maxShare: 0.5 }, lagging: { belowScore: 60, minShare: 0.05 } },
};
const NEUTRAL_CLASSES: AggregationPolicy['classes'] = { advanced: {}, lagging: {} };

function round(sheets: RoundSheet[], committee: Record<string, number>, policy: AggregationPolicy = POLICY, branches = BRANCHES): RoundInput {
  return { scheme: ONE_ITEM, policy, branches, sheets, committee: Object.entries(committee).map(([branchId, score]) => ({ branchId, score })) };
}

describe('aggregateRound: a round of six branches, each scored by the other five secretaries', () => {
  const input = round(
    [
      ...panel('b1', [93, 91, 90, 88, 85]), // (91+90+88)/3 = 89.667 × 0.7 + 92 × 0.3 = 62.767 + 27.6 = 90.367
      ...panel('b2', [96, 97, 95, 98, 99]), // (98+97+96)/3 = 97 × 0.7 + 96 × 0.3 = 67.9 + 28.8 = 96.7
      ...panel('b3', [80, 82, 78, 75, 85]), // (82+80+78)/3 = 80 × 0.7 + 70 × 0.3 = 56 + 21 = 77
      ...panel('b4', [60, 65, 62, 58, 70]), // (65+62+60)/3 = 62.333 × 0.7 + 60 × 0.3 = 43.633 + 18 = 61.633
      ...panel('b5', [88, 86, 87, 85, 89]), // (88+87+86)/3 = 87 × 0.7 + 85 × 0.3 = 60.9 + 25.5 = 86.4
      ...panel('b6', [55, 50, 58, 52, 60]), // (58+55+52)/3 = 55 × 0.7 + 50 × 0.3 = 38.5 + 15 = 53.5
    ],
    { b1: 92, b2: 96, b3: 70, b4: 60, b5: 85, b6: 50 },
  );
  const result = aggregateRound(input);
  const by = (id: string) => result.branches.find((b) => b.branchId === id)!;

  it('explains every number, exactly', () => {
    expect(result.branches.map((b) => b.explanation)).toEqual([
      '互评 93、91、90、88、85 → 去掉最高 93 和最低 85 → 平均 89.67 × 0.7；机关党委点评 92 × 0.3 → 总分 90.37 → 四星，先进',
      '互评 99、98、97、96、95 → 去掉最高 99 和最低 95 → 平均 97 × 0.7；机关党委点评 96 × 0.3 → 总分 96.7 → 五星，先进',
      '互评 85、82、80、78、75 → 去掉最高 85 和最低 75 → 平均 80 × 0.7；机关党委点评 70 × 0.3 → 总分 77 → 三星，中间',
      '互评 70、65、62、60、58 → 去掉最高 70 和最低 58 → 平均 62.33 × 0.7；机关党委点评 60 × 0.3 → 总分 61.63 → 一星，中间',
      '互评 89、88、87、86、85 → 去掉最高 89 和最低 85 → 平均 87 × 0.7；机关党委点评 85 × 0.3 → 总分 86.4 → 四星，中间',
      '互评 60、58、55、52、50 → 去掉最高 60 和最低 50 → 平均 55 × 0.7；机关党委点评 50 × 0.3 → 总分 53.5 → 未定级，后进',
    ]);
  });

  it('keeps the input order, records the policy version and hides ranks by default', () => {
    expect(result.policyVersion).toBe('test-1');
    expect(result.ranksVisible).toBe(false);
    expect(aggregateRound({ ...input, showRanks: true }).ranksVisible).toBe(true);
    expect(result.tieBreak).toBe('总分相同时依次比较：机关党委点评分高者在前；互评中位数高者在前；支部名称按拼音排序');
    expect(result.branches.map((b) => [b.branchId, b.rank, b.stars, b.classLabel])).toEqual([
      ['b1', 2, 4, '先进'],
      ['b2', 1, 5, '先进'],
      ['b3', 4, 3, '中间'],
      ['b4', 5, 1, '中间'],
      ['b5', 3, 4, '中间'],
      ['b6', 6, 0, '后进'],
    ]);
  });

  it('gives the numbers of one branch', () => {
    const b1 = by('b1');
    expect(b1).toMatchObject({
      branchName: '第一党支部',
      peerScores: [93, 91, 90, 88, 85],
      trimmed: true,
      droppedHighest: [93],
      droppedLowest: [85],
      committeeScore: 92,
      totalText: '90.37',
      thresholdStars: 4,
      starLabel: '四星',
      demotedByQuota: false,
      class: 'advanced',
    });
    expect(b1.peerMean).toBeCloseTo(89.6667, 4);
    expect(b1.total).toBeCloseTo(90.3667, 4);
    expect(result.sheets).toHaveLength(30);
    expect(result.sheets[0]).toEqual({ scorerId: 's-b2', scorerName: '书记b2', scorerBranchId: 'b2', targetBranchId: 'b1', total: 93, totalCents: 9300 });
  });
});

describe('aggregateRound: trimming, weights, peers only', () => {
  const peersOnly: AggregationPolicy = { ...POLICY, weights: 'peers-only', classes: NEUTRAL_CLASSES };
  const cases: { name: string; scores: number[]; policy?: Partial<AggregationPolicy>; committee?: number; text: string }[] = [
    // 4 < 5 scores: (90+88+85+80)/4 = 85.75
    { name: '4 scores: plain mean', scores: [90, 88, 85, 80], text: '互评 90、88、85、80（共4份，不足5份，不去掉最高和最低分）→ 平均 85.75 → 总分 85.75 → 四星，中间' },
    // 5 scores: (88+85+80)/3 = 84.333
    { name: '5 scores: trimmed', scores: [80, 90, 70, 85, 88], text: '互评 90、88、85、80、70 → 去掉最高 90 和最低 70 → 平均 84.33 → 总分 84.33 → 三星，中间' },
    { name: 'one score', scores: [77], text: '互评 77 → 平均 77 → 总分 77 → 三星，中间' },
    // (90+88.5+87.25)/3 = 88.5833
    { name: 'decimals', scores: [88.5, 87.25, 90, 86, 91.75], text: '互评 91.75、90、88.5、87.25、86 → 去掉最高 91.75 和最低 86 → 平均 88.58 → 总分 88.58 → 四星，中间' },
    {
      name: 'drop two each side from 7',
      scores: [95, 94, 90, 89, 88, 80, 60],
      policy: { trim: { minScores: 7, dropHighest: 2, dropLowest: 2 } },
      text: '互评 95、94、90、89、88、80、60 → 去掉最高 95、94 和最低 80、60 → 平均 89 → 总分 89 → 四星，中间', // (90+89+88)/3
    },
    {
      name: 'drop the lowest only',
      scores: [90, 80, 70],
      policy: { trim: { minScores: 3, dropHighest: 0, dropLowest: 1 } },
      text: '互评 90、80、70 → 去掉最低 70 → 平均 85 → 总分 85 → 四星，中间',
    },
    {
      name: 'weights 0.6 / 0.4',
      scores: [80, 80, 80],
      policy: { weights: { peers: 0.6, committee: 0.4 } },
      committee: 95,
      text: '互评 80、80、80（共3份，不足5份，不去掉最高和最低分）→ 平均 80 × 0.6；机关党委点评 95 × 0.4 → 总分 86 → 四星，中间', // 48 + 38
    },
    {
      // 50.16 × 0.7 + 82.96 × 0.3 = 35.112 + 24.888 = 60 exactly (in floating point 59.99999999999999)
      name: 'exact arithmetic reaches the threshold',
      scores: [50.16],
      policy: { weights: { peers: 0.7, committee: 0.3 } },
      committee: 82.96,
      text: '互评 50.16 → 平均 50.16 × 0.7；机关党委点评 82.96 × 0.3 → 总分 60 → 一星，中间',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const policy = { ...peersOnly, ...c.policy };
      const committee: Record<string, number> = c.committee === undefined ? {} : { b1: c.committee };
      const result = aggregateRound(round(panel('b1', c.scores), committee, policy, [{ id: 'b1', name: '第一党支部' }]));
      expect(result.branches[0]!.explanation).toBe(c.text);
    });
  }

  it('peers only ignores a committee score', () => {
    const r = aggregateRound(round(panel('b1', [90, 80]), { b1: 10 }, peersOnly, [{ id: 'b1', name: '第一党支部' }]));
    expect([r.branches[0]!.committeeScore, r.branches[0]!.total]).toEqual([null, 85]);
  });

  it('a branch without sheets is not rated', () => {
    const r = aggregateRound(round(panel('b1', [90]), { b1: 90 }, POLICY, BRANCHES.slice(0, 2)));
    expect(r.branches[1]).toMatchObject({ branchId: 'b2', total: null, totalText: null, stars: 0, starLabel: '未定级', class: null, rank: null, explanation: '尚无互评分，不参与评定' });
    expect(r.branches[0]!.rank).toBe(1);
  });

  it('scores real sheets of the five-型 scheme', () => {
    const s = (from: string, entries: ReturnType<typeof fullMarks>): RoundSheet => ({ scorerId: from, scorerName: from, scorerBranchId: from, targetBranchId: 'b1', entries });
    const r = aggregateRound({
      scheme: fiveTypesScheme(),
      policy: peersOnly,
      branches: [{ id: 'b1', name: '第一党支部' }],
      // 100; 100 − 6 = 94; 廉洁型 20 − 1 = 19 → 99
      sheets: [s('b2', fullMarks()), s('b3', fullMarks({ '1.4': [6, '三次未开'] })), s('b4', fullMarks({ '5.2': [1, '一季度未开展'] }))],
    });
    expect(r.branches[0]!.explanation).toBe('互评 100、99、94（共3份，不足5份，不去掉最高和最低分）→ 平均 97.67 → 总分 97.67 → 五星，中间');
  });
});

describe('validateRound: 回避 and bad input, every problem at once', () => {
  const two = BRANCHES.slice(0, 2);
  const problems = (input: RoundInput): string[] => validateRound(input).map((p) => p.message);

  it('rejects a secretary scoring their own branch (回避)', () => {
    const input = round([sheet(1, 'b1', 90), sheet(2, 'b1', 88)], { b1: 90 }, POLICY, two);
    expect(validateRound(input)).toEqual([{ scorerId: 's-b1', branchId: 'b1', message: '书记b1（第一党支部）不能给本支部打分（回避）' }]);
    expect(() => aggregateRound(input)).toThrow(ValidationError);
    expect(() => aggregateRound(input)).toThrow('互观互检评分数据有误（1处）');
  });

  const cases: { name: string; input: RoundInput; errors: string[] }[] = [
    { name: 'unknown target', input: round([sheet(1, 'b9', 90)], {}, POLICY, two), errors: ['书记b1的评分表所评支部“b9”不在本轮名单中'] },
    { name: 'two sheets for one branch', input: round([sheet(2, 'b1', 90), sheet(2, 'b1', 91)], { b1: 90 }, POLICY, two), errors: ['书记b2给第一党支部提交了多份评分表'] },
    { name: 'an invalid sheet', input: round([sheet(2, 'b1', 101)], { b1: 90 }, POLICY, two), errors: ['书记b2给第一党支部的评分表：综合“总体评价”得分须在0到100分之间（填写了101）'] },
    { name: 'committee score missing', input: round([sheet(2, 'b1', 90)], {}, POLICY, two), errors: ['第一党支部缺少机关党委点评分'] },
    {
      name: 'committee score out of range',
      input: round([sheet(2, 'b1', 90)], { b1: 120 }, POLICY, two),
      errors: ['第一党支部的机关党委点评分须在0到100分之间，最多两位小数（填写了120）'],
    },
    { name: 'committee score for an unknown branch', input: round([], { b7: 90 }, POLICY, two), errors: ['机关党委点评分中的支部“b7”不在本轮名单中'] },
    { name: 'duplicate branch', input: round([], {}, POLICY, [...two, { id: 'b1', name: '又一个' }]), errors: ['支部编号“b1”重复'] },
    {
      name: 'a bad policy',
      input: round([], {}, { ...POLICY, weights: { peers: 0.7, committee: 0.2 }, trim: { minScores: 2, dropHighest: 1, dropLowest: 1 } }, two),
      errors: ['计分规则：去掉最高/最低分至少需要2份互评，须多于去掉的2份', '计分规则：互评权重0.7与机关党委点评权重0.2之和须为1'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(problems(c.input)).toEqual(c.errors));
});
