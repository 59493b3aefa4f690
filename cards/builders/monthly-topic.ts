import type { Card, CardBlock, CardItem } from '../model.js';
import { callback, DEFAULT_SOURCE, makeCard } from './make-card.js';

export interface MonthlyTopicInput {
  readonly key: string;
  /** "2025年11月" */
  readonly month: string;
  readonly title: string;
  readonly summary: string;
  readonly source?: string;
  readonly materials: readonly { readonly title: string; readonly url: string }[];
  /** 必学 items; `done` for what this person has already studied. */
  readonly required: readonly { readonly id: string; readonly title: string; readonly done: boolean; readonly detail?: string }[];
  readonly detailUrl: string;
}

/** 每月主题: title, summary, materials as links, 必学 items with 已学习 buttons. */
export function buildMonthlyTopicCard(input: MonthlyTopicInput): Card {
  const items: CardItem[] = input.required.map((r, i) => ({
    no: i + 1,
    title: r.title,
    state: r.done ? 'done' : 'open',
    ...(r.detail ? { detail: r.detail } : {}),
    ...(r.done ? {} : { action: callback('learned', '已学习', `已学习 ${i + 1}`, { item: r.id }) }),
  }));
  const done = input.required.filter((r) => r.done).length;
  const blocks: CardBlock[] = [{ type: 'text', text: input.summary }];
  if (items.length > 0) {
    blocks.push({ type: 'emphasis', figure: `${done}/${items.length}`, label: '必学已学习' });
    blocks.push({ type: 'items', items, replyVerb: '已学习' });
  }
  return makeCard({
    kind: 'monthly-topic',
    key: input.key,
    header: { title: `${input.month}主题`, subtitle: input.title, source: input.source ?? DEFAULT_SOURCE },
    blocks,
    actions: input.materials.map((m) => ({ type: 'link', label: m.title, url: m.url })),
    link: { label: '查看本月主题', url: input.detailUrl },
  });
}
