import { describe, expect, it } from 'vitest';
import { renderDingtalkActionCard } from '../../../adapters/dingtalk/render-action-card.js';
import { renderDingtalkCardParamMap } from '../../../adapters/dingtalk/render-card.js';
import { DINGTALK_LIMITS } from '../../../adapters/dingtalk/limits.js';
import { renderSandboxCard } from '../../../adapters/sandbox/render-card.js';
import { WECOM_LIMITS } from '../../../adapters/wecom/limits.js';
import { renderWecomTemplateCard } from '../../../adapters/wecom/render-card.js';
import { renderWecomMarkdownMessage } from '../../../adapters/wecom/render-message.js';
import type { Card } from '../../../cards/model.js';
import { digestCard } from '../../../src/domain/digest/compute.js';
import { DIGEST_FIGURES_VERSION, type BranchFigures, type DigestFigures } from '../../../src/domain/digest/types.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const chars = (s: string): number => [...s].length;

/** The busiest card the digest makes: 100 branches with everything wrong, and the quiet one. */
function figures(n: number, trouble: boolean): DigestFigures {
  const branches: BranchFigures[] = Array.from({ length: n }, (_, i) => ({
    branchId: i + 1, name: `第${i + 1}党支部（某某处室名称较长）`, members: 100, monthTotal: 900, monthDone: (i * 37) % 900,
    overdue: trouble ? 400 + i : 0, overdueItems: trouble ? 40 : 0, oldestOverdue: trouble ? { itemId: 1, title: '原原本本学习全会公报并撰写学习心得体会', due: '2026-01-31' } : null,
    dueSoon: 0, drillOmitted: 0,
  }));
  return {
    version: DIGEST_FIGURES_VERSION, date: '2026-11-18', month: '2026-11', dueSoonUntil: '2026-11-23', computedAt: '2026-11-18T00:30:00.000Z', scope: { kind: 'agency' },
    totals: { branches: n, members: 100 * n, monthTotal: 900 * n, monthDone: 0, overdue: trouble ? 450 * n : 0, overdueBranches: trouble ? n : 0, dueSoon: 0 },
    branches,
    dueSoon: trouble ? Array.from({ length: 40 }, (_, i) => ({ itemId: i, title: `观看专题党课视频第${i}讲`, due: '2026-11-20', open: 3000, branchIds: [1, 2, 3] })) : [],
    cadence: trouble ? branches.flatMap((b) => ['branch_committee', 'theme_day'].map((kind) => ({ branchId: b.branchId, branchName: b.name, kind, meeting: kind === 'theme_day' ? '主题党日' : '支部委员会', period: '2026-10', periodEnd: '2026-10-31' }))) : [],
    scoring: trouble ? [{ roundId: 1, title: '2026年第四季度互观互检', closesAt: '2026-11-25T10:00:00.000Z', expected: 870, submitted: 400, pendingScorers: 20, pendingScorersInScope: 20, branchIds: [1] }] : [],
    trend: [], dimensions: [], drill: [],
  };
}

const cards: [string, Card][] = [
  ['100 branches, everything wrong', digestCard({ key: 'digest:2026-11-18:1', figures: figures(100, true), previous: figures(100, false), timezone: 'Asia/Shanghai', detailUrl: 'https://h5.example.org/h5/digest?t=abc.def&d=2026-11-18', skipQuietDays: false }).card!],
  ['quiet', digestCard({ key: 'digest:2026-11-18:2', figures: figures(5, false), previous: undefined, timezone: 'Asia/Shanghai', detailUrl: 'https://h5.example.org/h5/digest?t=abc.def&d=2026-11-18', skipQuietDays: false }).card!],
];

describe.each(cards)('digest card (%s) on every platform', (_name, card) => {
  it('stays short enough for a card: the detail page has the rest', () => {
    expect(card.fallbackText.split('\n').length).toBeLessThanOrEqual(30);
  });

  it('WeCom: template card within limits, opens the detail page; markdown ≤ 2048 B', () => {
    const tc = renderWecomTemplateCard(card);
    expect(chars(tc.main_title?.title ?? '')).toBeLessThanOrEqual(WECOM_LIMITS.chars.title);
    expect(chars(tc.sub_title_text ?? '')).toBeLessThanOrEqual(WECOM_LIMITS.chars.subTitle);
    expect(tc.card_action?.url).toBe(card.link!.url);
    expect(bytes(renderWecomMarkdownMessage(card, { agentId: 1, touser: ['u'] }).markdown.content)).toBeLessThanOrEqual(WECOM_LIMITS.markdownBytes);
  });

  it('DingTalk: card values ≤ 1 KB, action card ≤ 15 000 B', () => {
    for (const v of Object.values(renderDingtalkCardParamMap(card))) expect(bytes(v)).toBeLessThanOrEqual(DINGTALK_LIMITS.cardParamValueBytes);
    expect(bytes(renderDingtalkActionCard(card, { conversation: 'single' }).msgParam)).toBeLessThanOrEqual(DINGTALK_LIMITS.msgParamBytes);
  });

  it('sandbox shows the title', () => {
    expect(renderSandboxCard(card)).toContain(card.header.title);
  });
});
