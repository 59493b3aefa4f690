import type { CallbackAction, Card, CardBlock, CardItem, ItemState } from './model.js';

/** Chinese words and marks for item states; every renderer uses these so the platforms read the same. */
export const ITEM_STATE_LABEL: Readonly<Record<ItemState, string>> = {
  open: '待完成',
  done: '已完成',
  overdue: '已逾期',
  extended: '已延期',
};

export const ITEM_STATE_MARK: Readonly<Record<ItemState, string>> = {
  open: '○',
  done: '✓',
  overdue: '!',
  extended: '↻',
};

/** "2. ✓ 学习党章（已完成）· 截止 11-30" */
export function formatItemLine(item: CardItem): string {
  const detail = item.detail === undefined || item.detail === '' ? '' : ` · ${item.detail}`;
  const state = item.state === 'open' ? '' : `（${ITEM_STATE_LABEL[item.state]}）`;
  return `${item.no}. ${ITEM_STATE_MARK[item.state]} ${item.title}${state}${detail}`;
}

export function formatField(label: string, value: string): string {
  return `${label}：${value}`;
}

export function itemsOf(card: Omit<Card, 'fallbackText'>): readonly CardItem[] {
  return card.blocks.flatMap((b) => (b.type === 'items' ? b.items : []));
}

export function itemActions(card: Card): CallbackAction[] {
  return itemsOf(card).flatMap((i) => (i.action ? [i.action] : []));
}

/**
 * The hint shown where item buttons do not fit: `回复序号即可，如“完成 2、3”`. The example uses the first open
 * items that have an action, so it is always something the person can really send.
 */
export function replyHint(card: Omit<Card, 'fallbackText'>): string | undefined {
  const block = card.blocks.find(
    (b): b is Extract<CardBlock, { type: 'items' }> => b.type === 'items' && b.items.some((i) => i.action),
  );
  if (!block) return undefined;
  const nos = block.items.filter((i) => i.action).slice(0, 2).map((i) => String(i.no));
  const verb = block.replyVerb ?? '完成';
  return `回复序号即可，如“${verb} ${nos.join('、')}”`;
}

/** "11-22 09:31" in the business time zone. */
export function formatShortTime(at: Date, timeZone = 'Asia/Shanghai'): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).formatToParts(at);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** "✓ 已完成 11-22 09:31" — the status line of an updated card. */
export function formatStatusLine(mark: string, label: string, at: Date, timeZone = 'Asia/Shanghai'): string {
  return `${mark} ${label} ${formatShortTime(at, timeZone)}`;
}
