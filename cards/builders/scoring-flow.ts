import type { Card, ChoiceAction } from '../model.js';
import { callback, DEFAULT_SOURCE, makeCard } from './make-card.js';

/** The private cards of a 互观互检 round: the scorer's invitation, quick scoring, the reviewers' card, a branch's report. */

export interface ScoringInviteInput {
  readonly key: string;
  readonly roundName: string;
  /** "11月28日 18:00" */
  readonly deadline: string;
  /** Branches this scorer scores (their own excluded: 回避), with where each stands. */
  readonly targets: readonly { readonly name: string; readonly state: string }[];
  readonly formUrl: string;
  /** "机关党委点评" for the 机关党委 secretary, whose sheets are the 点评分. */
  readonly roleNote?: string;
  readonly status?: string;
}

/** A scorer's invitation (and the answer to "我的评分表"): what to score, by when, one link to every sheet. */
export function buildScoringInviteCard(input: ScoringInviteInput): Card {
  const done = input.targets.filter((t) => t.state.startsWith('已提交')).length;
  return makeCard({
    kind: 'scoring-sheet',
    key: input.key,
    header: { title: `评分表：${input.roundName}`, subtitle: `请为 ${input.targets.length} 个支部评分，${input.deadline} 截止`, source: DEFAULT_SOURCE },
    blocks: [
      { type: 'emphasis', figure: `${done}/${input.targets.length}`, label: '已提交' },
      { type: 'fields', fields: input.targets.map((t) => ({ label: t.name, value: t.state })) },
      { type: 'text', text: `${input.roleNote ? `${input.roleNote}。` : ''}正向打分与反向扣分请在评分表中逐项填写，扣分须写明理由；截止前可随时修改。本支部已回避。` },
    ],
    actions: [],
    link: { label: '打开评分表', url: input.formUrl },
    ...(input.status ? { status: input.status } : {}),
  });
}

export interface QuickScoreInput {
  readonly key: string;
  readonly roundId: number;
  readonly roundName: string;
  readonly branchId: number;
  readonly branchName: string;
  /** Every item of a small scheme: whole points from its 分值上限 down to 0, at most 10 options. */
  readonly items: readonly { readonly id: string; readonly name: string; readonly max: number; readonly selected?: number }[];
  readonly formUrl: string;
  readonly status?: string;
}

/** Question ids of quick-score cards: `item:<scheme item id>`; option ids are the points. */
export const QUICK_ITEM_PREFIX = 'item:';

/** Scoring one branch on the card itself, for schemes small enough to fit (see quickScoreEligible). */
export function buildQuickScoreCard(input: QuickScoreInput): Card {
  const questions: ChoiceAction[] = input.items.map((item) => ({
    type: 'choice',
    id: `${QUICK_ITEM_PREFIX}${item.id}`,
    title: `${item.name}（满分${item.max}）`,
    multiple: false,
    options: Array.from({ length: item.max + 1 }, (_, i) => {
      const points = item.max - i;
      return { id: String(points), label: `${points}分`, ...(item.selected === points ? { selected: true } : {}) };
    }),
  }));
  return makeCard({
    kind: 'scoring-sheet',
    key: input.key,
    header: { title: `为${input.branchName}评分`, subtitle: input.roundName, source: DEFAULT_SOURCE },
    blocks: [{ type: 'text', text: '逐项选择分数后点“提交评分”；截止前可重新提交。也可以打开评分表填写。' }],
    actions: [...questions, { type: 'submit', id: 'submit-sheet', label: '提交评分', payload: { round: String(input.roundId), branch: String(input.branchId) } }],
    link: { label: '打开评分表', url: input.formUrl },
    ...(input.status ? { status: input.status } : {}),
  });
}

/** Small enough for card choices: 1–3 items (WeCom shows at most 3 selectors), all 正向打分 in whole points 1..9. */
export function quickScoreEligible(items: readonly { readonly kind: string; readonly max: number }[]): boolean {
  return items.length >= 1 && items.length <= 3 && items.every((i) => i.kind === 'plus' && Number.isInteger(i.max) && i.max >= 1 && i.max <= 9);
}

export interface ScoringReviewInput {
  readonly key: string;
  readonly roundId: number;
  readonly roundName: string;
  readonly submitted: number;
  readonly expected: number;
  readonly policyNote: string;
  /** The flags' messages (admin only). */
  readonly flags: readonly string[];
  readonly reportUrl: string;
  readonly status?: string;
}

/** To the admins: the round closed, results are computed, here is what to look at before publishing. */
export function buildScoringReviewCard(input: ScoringReviewInput): Card {
  const shown = input.flags.slice(0, 5);
  return makeCard({
    kind: 'scoring-results',
    key: input.key,
    header: { title: `待发布：${input.roundName}`, subtitle: `共收到评分表 ${input.submitted}/${input.expected} 份`, source: '党建助手' },
    blocks: [
      { type: 'text', text: input.policyNote },
      {
        type: 'text',
        text: input.flags.length === 0 ? '发布前检查：未发现异常评分。' : `发布前提示（仅管理员可见，共${input.flags.length}条）：${shown.map((f, i) => `${i + 1}. ${f}`).join(' ')}${input.flags.length > shown.length ? ' ……详见报告' : ''}`,
      },
    ],
    actions: [callback('scoring-publish', '发布结果', '发布结果', { round: String(input.roundId) })],
    link: { label: '查看完整结果与提示', url: input.reportUrl },
    ...(input.status ? { status: input.status } : {}),
  });
}

export interface BranchReportInput {
  readonly key: string;
  readonly roundName: string;
  readonly branchName: string;
  readonly stars: string;
  readonly classLabel: string | null;
  readonly total: string | null;
  readonly explanation: string;
  readonly reportUrl: string;
}

/** To a branch's secretary: their branch's result and how it was computed. */
export function buildBranchReportCard(input: BranchReportInput): Card {
  return makeCard({
    kind: 'scoring-results',
    key: input.key,
    header: { title: `${input.branchName}评定结果`, subtitle: input.roundName, source: DEFAULT_SOURCE },
    blocks: [
      { type: 'emphasis', figure: input.total ?? '—', label: '总分' },
      { type: 'fields', fields: [{ label: '星级', value: input.stars }, ...(input.classLabel ? [{ label: '等次', value: input.classLabel }] : [])] },
      { type: 'text', text: input.explanation },
    ],
    actions: [],
    link: { label: '查看详细报告', url: input.reportUrl },
  });
}
