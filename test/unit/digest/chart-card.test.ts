import { describe, expect, it } from 'vitest';
import { renderDingtalkActionCard } from '../../../adapters/dingtalk/render-action-card.js';
import { renderDingtalkCardParamMap } from '../../../adapters/dingtalk/render-card.js';
import { DINGTALK_LIMITS } from '../../../adapters/dingtalk/limits.js';
import { renderSandboxCard } from '../../../adapters/sandbox/render-card.js';
import { WECOM_LIMITS as L } from '../../../adapters/wecom/limits.js';
import { renderWecomTemplateCard } from '../../../adapters/wecom/render-card.js';
import { renderWecomMarkdownMessage } from '../../../adapters/wecom/render-message.js';
import { DIGEST_TEXT_BYTES } from '../../../cards/builders/digest.js';
import { escapeMarkdown } from '../../../cards/markdown.js';
import { makeCard } from '../../../cards/index.js';
import type { Card, CardBlock } from '../../../cards/model.js';
import { DIGEST_CHART_ASPECT, DIGEST_CHART_BRANCHES, digestChartRows, digestChartTitle } from '../../../src/domain/digest/chart.js';
import { digestCard } from '../../../src/domain/digest/compute.js';
import { DIGEST_FIGURES_VERSION, type BranchFigures, type DigestFigures } from '../../../src/domain/digest/types.js';
import { checkTemplateCard } from '../../fakes/wecom-card-rules.js';

/**
 * The digest card with its chart image (issue 10): the image first, the text exactly as without it; no image
 * on a quiet day or without a font (LinkSigner.digestChart → null); WeCom shows it as news_notice with the
 * text in vertical_content_list, and as the same text_notice as before without the image.
 */
const TZ = 'Asia/Shanghai';
const DETAIL = 'https://h5.example.org/h5/digest?t=abc.def&d=2026-11-18';
const CHART = 'https://h5.example.org/h5/digest/chart.png?t=eyJwIjoxLCJyIjoiZGlnZXN0LWNoYXJ0OjIwMjYtMTEtMTgiLCJlIjoxNzk1MDAwMDAwfQ.c2lnbmF0dXJlLW9mLXRoaXJ0eS10d28tYnl0ZXMtLS0tLQ&d=2026-11-18';
const chars = (s: string): number => [...s].length;
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function figures(n: number, trouble: boolean, over: Partial<DigestFigures> = {}): DigestFigures {
  const branches: BranchFigures[] = Array.from({ length: n }, (_, i) => ({
    branchId: i + 1, name: `第${i + 1}党支部（某某处室）`, members: 30, monthTotal: 40, monthDone: (i * 7) % 40,
    overdue: trouble && i % 2 === 0 ? 3 + i : 0, overdueItems: trouble && i % 2 === 0 ? 1 : 0,
    oldestOverdue: trouble && i % 2 === 0 ? { itemId: 1, title: '整改台账', due: '2026-10-30' } : null, dueSoon: 0, drillOmitted: 0,
  }));
  const sum = (f: (b: BranchFigures) => number) => branches.reduce((s, b) => s + f(b), 0);
  return {
    version: DIGEST_FIGURES_VERSION, date: '2026-11-18', month: '2026-11', dueSoonUntil: '2026-11-23', computedAt: '2026-11-18T00:30:00.000Z', scope: { kind: 'agency' },
    totals: { branches: n, members: sum((b) => b.members), monthTotal: sum((b) => b.monthTotal), monthDone: sum((b) => b.monthDone), overdue: sum((b) => b.overdue), overdueBranches: branches.filter((b) => b.overdue > 0).length, dueSoon: 0 },
    branches,
    dueSoon: trouble ? [{ itemId: 9, title: '观看专题党课视频', due: '2026-11-20', open: 12, branchIds: [1, 2] }] : [],
    cadence: trouble ? [{ branchId: 2, branchName: branches[1]?.name ?? '', kind: 'branch_committee', meeting: '支部委员会', period: '2026-10', periodEnd: '2026-10-31' }] : [],
    scoring: [], trend: [], dimensions: [], drill: [],
    ...over,
  };
}

const card = (f: DigestFigures, chartUrl: string | null | undefined, previous?: DigestFigures): Card =>
  digestCard({ key: 'digest:2026-11-18:7', figures: f, previous, timezone: TZ, detailUrl: DETAIL, skipQuietDays: false, ...(chartUrl !== undefined ? { chartUrl } : {}) }).card!;
const textBytes = (c: Card): number => c.blocks.reduce((n, b) => n + (b.type === 'text' ? bytes(escapeMarkdown(b.text)) : 0), 0);

describe('digest card with the chart image', () => {
  it('puts the image first and leaves every text block exactly as it was', () => {
    const f = figures(8, true);
    const prev = figures(8, false, { date: '2026-11-17' });
    const withChart = card(f, CHART, prev);
    const without = card(f, undefined, prev);
    expect(withChart.blocks[0]).toEqual({ type: 'image', url: CHART, alt: `完成率最低的 ${DIGEST_CHART_BRANCHES} 个支部（本月）`, aspectRatio: DIGEST_CHART_ASPECT });
    expect(withChart.blocks.slice(1)).toEqual(without.blocks);
    expect(withChart.header).toEqual(without.header);
    expect(withChart.link).toEqual(without.link);
    expect(textBytes(withChart)).toBeLessThanOrEqual(DIGEST_TEXT_BYTES);
  });

  it('says "各支部本月完成率" when every branch is on the image', () => {
    const c = card(figures(DIGEST_CHART_BRANCHES, true), CHART);
    expect(c.blocks[0]).toMatchObject({ type: 'image', alt: '各支部本月完成率' });
    expect(digestChartTitle(figures(DIGEST_CHART_BRANCHES + 1, true))).toBe('完成率最低的 6 个支部（本月）');
    expect(digestChartRows(figures(2, false))).toEqual([
      { branch: '第1党支部（某某处室）', done: 0, total: 40 }, { branch: '第2党支部（某某处室）', done: 7, total: 40 },
    ]);
  });

  it('no image on a quiet day, without a font (null link), or with nothing due this month', () => {
    const quiet = card(figures(5, false), CHART);
    expect(quiet.blocks).toEqual([]);
    const f = figures(5, true);
    expect(card(f, null)).toEqual(card(f, undefined));
    expect(card(f, null).blocks.some((b) => b.type === 'image')).toBe(false);
    const nothingDue = figures(3, true);
    const empty = { ...nothingDue, branches: nothingDue.branches.map((b) => ({ ...b, monthTotal: 0, monthDone: 0 })), totals: { ...nothingDue.totals, monthTotal: 0, monthDone: 0 } };
    expect(card(empty, CHART).blocks.some((b) => b.type === 'image')).toBe(false);
  });
});

describe('digest card with the image on WeCom', () => {
  const cases: [string, DigestFigures, DigestFigures | undefined][] = [
    ['8 branches, some trouble, with changes', figures(8, true), figures(8, false, { date: '2026-11-17' })],
    ['100 branches, trouble everywhere', figures(100, true), figures(100, false, { date: '2026-11-17' })],
    ['3 branches, no previous day', figures(3, true), undefined],
  ];

  it.each(cases)('%s → news_notice: card_image with aspect_ratio, ≤ 4 vertical entries within the 字 budgets, accepted by the fake', (_name, f, prev) => {
    const c = card(f, CHART, prev);
    const tc = renderWecomTemplateCard(c);
    expect(tc.card_type).toBe('news_notice');
    expect(tc.card_image).toEqual({ url: CHART, aspect_ratio: 2 });
    expect(tc.emphasis_content).toBeUndefined();
    expect(tc.sub_title_text).toBeUndefined();
    expect(tc.main_title).toEqual({ title: c.header.title, desc: c.header.subtitle });
    expect(tc.card_action).toEqual({ type: 1, url: DETAIL });
    const list = tc.vertical_content_list!;
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(L.verticalContent);
    for (const e of list) {
      expect(chars(e.title)).toBeLessThanOrEqual(L.chars.title);
      expect(chars(e.desc ?? '')).toBeLessThanOrEqual(L.chars.verticalDesc);
    }
    const attention = c.blocks.find((b) => b.type === 'emphasis')!;
    expect(list[0]).toEqual({ title: `${attention.figure} 项需关注` });
    expect(checkTemplateCard(tc as unknown as Record<string, unknown>)).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('lays out the text blocks: first line as title, the rest as desc; the fourth entry carries what is left', () => {
    const c = card(figures(8, true), CHART, figures(8, false, { date: '2026-11-17' }));
    const texts = c.blocks.filter((b): b is Extract<CardBlock, { type: 'text' }> => b.type === 'text').map((b) => b.text.split('\n'));
    expect(texts.length).toBe(4); // exceptions, branches, summary, changes: with the figure, 5 entries → 4
    const list = renderWecomTemplateCard(c).vertical_content_list!;
    expect(list).toHaveLength(4);
    const [exceptions, branches, summary, changes] = texts as [string[], string[], string[], string[]];
    // The exceptions: the first, ellipsized to the title's 26 字, as title; as many others as fit desc's 112 字,
    // the rest counted and pointing to the detail page.
    expect(chars(exceptions[0]!)).toBeGreaterThan(L.chars.title);
    expect(list[1]!.title).toBe(`${[...exceptions[0]!].slice(0, L.chars.title - 1).join('')}…`);
    const desc = list[1]!.desc!.split('\n');
    expect(desc.slice(0, -1)).toEqual(exceptions.slice(1, desc.length));
    expect(desc.at(-1)).toBe(`…另有 ${exceptions.length - desc.length} 行，见“查看详情与图表”`);
    // The branch lines fit as they are (the card itself already ends them in "…另有 N 个支部，见详情").
    expect(list[2]).toEqual({ title: '本月完成情况：', desc: branches.slice(1).join('\n') });
    expect(branches.at(-1)).toMatch(/^…另有 \d+ 个支部，见详情$/);
    // The fourth: the summary, and the changes under it.
    expect(list[3]).toEqual({ title: summary[0], desc: changes.join('\n') });
  });

  it('without the image: the same text_notice as the text-only card', () => {
    const f = figures(8, true);
    const tc = renderWecomTemplateCard(card(f, null));
    expect(tc.card_type).toBe('text_notice');
    expect(tc.card_image).toBeUndefined();
    expect(tc).toEqual(renderWecomTemplateCard(card(f, undefined)));
    expect(checkTemplateCard(tc as unknown as Record<string, unknown>).errcode).toBe(0);
  });

  it('the busiest card with its image still fits every platform', () => {
    const c = card(figures(100, true), CHART, figures(100, false, { date: '2026-11-17' }));
    expect(bytes(renderWecomMarkdownMessage(c, { agentId: 1, touser: ['u'] }).markdown.content)).toBeLessThanOrEqual(L.markdownBytes);
    const params = renderDingtalkCardParamMap(c);
    expect(params).toMatchObject({ hasImage: 'true', imageUrl: CHART });
    for (const v of Object.values(params)) expect(bytes(v)).toBeLessThanOrEqual(DINGTALK_LIMITS.cardParamValueBytes);
    expect(bytes(renderDingtalkActionCard(c, { conversation: 'single' }).msgParam)).toBeLessThanOrEqual(DINGTALK_LIMITS.msgParamBytes);
    expect(renderSandboxCard(c)).toContain('class="card-image"');
  });
});

describe('WeCom news_notice from any card with one image', () => {
  const H5 = 'https://h5.example.org';
  const make = (blocks: CardBlock[], over: Partial<Omit<Card, 'fallbackText'>> = {}): Card =>
    makeCard({ kind: 'help', key: 'k-2', header: { title: '标题' }, blocks, actions: [], link: { label: '详情', url: `${H5}/d` }, ...over });
  const img = (aspectRatio?: number): CardBlock => ({ type: 'image', url: `${H5}/p.png`, alt: '图', ...(aspectRatio !== undefined ? { aspectRatio } : {}) });

  it('clamps aspect_ratio to 1.3–2.25 (§8) and leaves it out when the card does not say', () => {
    expect(renderWecomTemplateCard(make([img(1)])).card_image).toEqual({ url: `${H5}/p.png`, aspect_ratio: 1.3 });
    expect(renderWecomTemplateCard(make([img(4)])).card_image).toEqual({ url: `${H5}/p.png`, aspect_ratio: 2.25 });
    expect(renderWecomTemplateCard(make([img(16 / 9)])).card_image).toEqual({ url: `${H5}/p.png`, aspect_ratio: 1.78 });
    expect(renderWecomTemplateCard(make([img()])).card_image).toEqual({ url: `${H5}/p.png` });
  });

  it('emphasis, multi-line text and fields that do not fit horizontally become entries; desc ends in "…另有 N 行"', () => {
    const long = Array.from({ length: 12 }, (_, i) => `第${i + 1}行：这一行有十几个字的说明文字`);
    const fields = Array.from({ length: 7 }, (_, i) => ({ label: `项${i + 1}`, value: `值${i + 1}` }));
    const tc = renderWecomTemplateCard(make([img(2), { type: 'emphasis', figure: '3', label: '项需关注' }, { type: 'text', text: long.join('\n') }, { type: 'fields', fields }]));
    expect(tc.card_type).toBe('news_notice');
    expect(tc.horizontal_content_list).toBeUndefined();
    const [fig, text, flds] = tc.vertical_content_list!;
    expect(fig).toEqual({ title: '3 项需关注' });
    expect(text!.title).toBe(long[0]);
    const desc = text!.desc!.split('\n');
    expect(desc.at(-1)).toBe(`…另有 ${12 - desc.length} 行，见“详情”`);
    expect(desc.slice(0, -1)).toEqual(long.slice(1, desc.length));
    expect(chars(text!.desc!)).toBeLessThanOrEqual(L.chars.verticalDesc);
    expect(flds).toEqual({ title: '项1：值1', desc: fields.slice(1).map((f) => `${f.label}：${f.value}`).join('\n') });
  });

  it('items, a status line or a second image keep text_notice', () => {
    expect(renderWecomTemplateCard(make([img(2), { type: 'items', items: [{ no: 1, title: '学习', state: 'open' }] }])).card_type).toBe('text_notice');
    expect(renderWecomTemplateCard(make([img(2), { type: 'text', text: '说明' }], { status: '✓ 已完成' })).card_type).toBe('text_notice');
    expect(renderWecomTemplateCard(make([img(2), img(2)])).card_type).toBe('text_notice');
  });
});
