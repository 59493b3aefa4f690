import type { Card, CardBlock, CardItem, ItemState } from '../model.js';
import { callback, DEFAULT_SOURCE, makeCard } from './make-card.js';
import { formatShortTime, formatStatusLine } from '../format.js';

export interface ChecklistItemInput {
  readonly id: string;
  readonly title: string;
  readonly state: ItemState;
  /** "11-30" */
  readonly due?: string;
  /** Who is responsible; shown on branch checklists. */
  readonly assignee?: string;
}

export interface ChecklistInput {
  readonly key: string;
  /** A person's own list (with 完成 buttons) or a branch's list (for the secretary, no buttons). */
  readonly scope: 'person' | 'branch';
  /** "张三" or "第一党支部" */
  readonly ownerName: string;
  readonly items: readonly ChecklistItemInput[];
  readonly detailUrl: string;
}

function itemDetail(i: ChecklistItemInput, scope: ChecklistInput['scope']): string | undefined {
  const parts = [scope === 'branch' ? i.assignee : undefined, i.due ? `截止 ${i.due}` : undefined].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** Checklist: open items numbered 1..N, 完成 buttons where the platform allows, link to the H5 detail page. */
export function buildChecklistCard(input: ChecklistInput): Card {
  const items: CardItem[] = input.items.map((it, i) => {
    const detail = itemDetail(it, input.scope);
    const actionable = input.scope === 'person' && it.state !== 'done';
    return {
      no: i + 1,
      title: it.title,
      state: it.state,
      ...(detail ? { detail } : {}),
      ...(actionable ? { action: callback('complete', '完成', `完成 ${i + 1}`, { item: it.id }) } : {}),
    };
  });
  const done = input.items.filter((i) => i.state === 'done').length;
  const overdue = input.items.filter((i) => i.state === 'overdue').length;
  const blocks: CardBlock[] =
    items.length === 0
      ? [{ type: 'text', text: '目前没有待办事项，辛苦了！' }]
      : [
          { type: 'emphasis', figure: `${done}/${items.length}`, label: '已完成' },
          ...(overdue > 0 ? [{ type: 'text' as const, text: `其中 ${overdue} 项已逾期，请尽快处理。` }] : []),
          { type: 'items', items, replyVerb: '完成' },
        ];
  return makeCard({
    kind: 'checklist',
    key: input.key,
    header: {
      title: input.scope === 'person' ? `${input.ownerName}的待办清单` : `${input.ownerName}工作清单`,
      subtitle: `共 ${items.length} 项，待完成 ${items.length - done} 项`,
      source: DEFAULT_SOURCE,
    },
    blocks,
    actions: [],
    link: { label: '查看清单详情', url: input.detailUrl },
  });
}

export interface CompletionInput {
  readonly key: string;
  readonly recordId: string;
  readonly itemTitle: string;
  readonly completedAt: Date;
  /** 心得 or other evidence the person gave. */
  readonly evidence?: string;
  /** How it was recorded, e.g. "按钮" or "文字回复". */
  readonly via?: string;
  readonly detailUrl: string;
  readonly timeZone?: string;
}

/** Completion confirmation: what was recorded, with an 撤销 button. */
export function buildCompletionCard(input: CompletionInput): Card {
  const status = formatStatusLine('✓', '已完成', input.completedAt, input.timeZone);
  return makeCard({
    kind: 'completion',
    key: input.key,
    header: { title: '已记录完成', subtitle: input.itemTitle, source: DEFAULT_SOURCE },
    blocks: [
      {
        type: 'fields',
        fields: [
          { label: '事项', value: input.itemTitle },
          { label: '记录时间', value: formatShortTime(input.completedAt, input.timeZone) },
          ...(input.via ? [{ label: '方式', value: input.via }] : []),
        ],
      },
      ...(input.evidence ? [{ type: 'text' as const, text: `心得：${input.evidence}` }] : []),
    ],
    actions: [callback('undo', '撤销', '撤销', { record: input.recordId }, 'danger')],
    link: { label: '查看我的清单', url: input.detailUrl },
    status,
  });
}
