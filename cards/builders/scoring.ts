import type { Card, ChoiceAction } from '../model.js';
import { callback, DEFAULT_SOURCE, makeCard } from './make-card.js';

export interface ScoringRoundInput {
  readonly key: string;
  readonly roundId: string;
  /** "2026年第四季度互观互检" */
  readonly roundName: string;
  readonly branches: readonly string[];
  /** "11-24 09:00 至 11-28 18:00" */
  readonly window: string;
  readonly submitted: number;
  readonly total: number;
  readonly progressUrl: string;
  /** "各支部书记 5 人、机关党委 1 人" */
  readonly scorers?: string;
}

/** Group announcement of a 互观互检 round with progress ("已提交 5/12"). */
export function buildScoringRoundCard(input: ScoringRoundInput): Card {
  return makeCard({
    kind: 'scoring-round',
    key: input.key,
    header: { title: `互观互检：${input.roundName}`, subtitle: `评分时间 ${input.window}`, source: DEFAULT_SOURCE },
    blocks: [
      { type: 'emphasis', figure: `${input.submitted}/${input.total}`, label: '已提交' },
      { type: 'text', text: `参评支部（${input.branches.length}）：${input.branches.join('、')}` },
      { type: 'text', text: `${input.scorers ? `评分人：${input.scorers}。` : ''}评分表已私聊发给各位评分人，本支部自动回避。` },
    ],
    actions: [callback('scoring-sheet', '获取我的评分表', '我的评分表', { round: input.roundId }, 'secondary')],
    link: { label: '查看评分进度', url: input.progressUrl },
  });
}

export interface ScoringSheetInput {
  readonly key: string;
  readonly roundId: string;
  readonly roundName: string;
  /** Branches this person scores (their own is already excluded: 回避). */
  readonly targets: readonly { readonly branchId: string; readonly branchName: string; readonly grade?: string }[];
  /** Quick grades; default 好/较好/一般/差. */
  readonly grades?: readonly { readonly id: string; readonly label: string }[];
  readonly deadline: string;
  readonly formUrl: string;
}

const DEFAULT_GRADES = [
  { id: 'A', label: '好' },
  { id: 'B', label: '较好' },
  { id: 'C', label: '一般' },
  { id: 'D', label: '差' },
] as const;

/** Private scoring sheet: the H5 form holds the full sheet; quick grades per branch where the platform has selectors. */
export function buildScoringSheetCard(input: ScoringSheetInput): Card {
  const grades = input.grades ?? DEFAULT_GRADES;
  const questions: ChoiceAction[] = input.targets.map((t) => ({
    type: 'choice',
    id: `grade:${t.branchId}`,
    title: t.branchName,
    multiple: false,
    options: grades.map((g) => ({ id: g.id, label: g.label, ...(t.grade === g.id ? { selected: true } : {}) })),
  }));
  return makeCard({
    kind: 'scoring-sheet',
    key: input.key,
    header: { title: `评分表：${input.roundName}`, subtitle: `请为 ${input.targets.length} 个支部评分`, source: DEFAULT_SOURCE },
    blocks: [
      { type: 'fields', fields: [{ label: '截止', value: input.deadline }] },
      { type: 'text', text: '正向打分与反向扣分请在评分表中逐项填写；本支部已回避。' },
    ],
    actions: questions.length > 0 ? [...questions, { type: 'submit', id: 'submit-grades', label: '提交评价', payload: { round: input.roundId } }] : [],
    link: { label: '打开评分表', url: input.formUrl },
  });
}

export type BranchLevel = '先进' | '中间' | '后进';

export interface ScoringResultsInput {
  readonly key: string;
  readonly roundName: string;
  /** In the order the committee publishes them; this card never re-sorts into a ranking. */
  readonly results: readonly { readonly branchName: string; readonly stars: number; readonly level: BranchLevel }[];
  readonly reportUrl: string;
}

export function stars(n: number, max = 5): string {
  const k = Math.max(0, Math.min(max, Math.round(n)));
  return '★'.repeat(k) + '☆'.repeat(max - k);
}

/** Results: stars and 先进/中间/后进 per branch, link to the detailed report with the explanation of every number. */
export function buildScoringResultsCard(input: ScoringResultsInput): Card {
  const count = (l: BranchLevel): number => input.results.filter((r) => r.level === l).length;
  return makeCard({
    kind: 'scoring-results',
    key: input.key,
    header: { title: `评定结果：${input.roundName}`, subtitle: `先进 ${count('先进')} · 中间 ${count('中间')} · 后进 ${count('后进')}`, source: DEFAULT_SOURCE },
    blocks:
      input.results.length === 0
        ? [{ type: 'text', text: '暂无结果。' }]
        : [{ type: 'fields', fields: input.results.map((r) => ({ label: r.branchName, value: `${stars(r.stars)} ${r.level}` })) }],
    actions: [],
    link: { label: '查看详细报告', url: input.reportUrl },
  });
}
