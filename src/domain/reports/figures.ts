import type { Figures, ItemFigureRow, ListKind } from './types.js';

/** The additive part of Figures; rates are derived by `withRates`. */
export type Counts = Pick<Figures, 'planned' | 'dueByNow' | 'done' | 'doneLate' | 'overdue' | 'openNotDue'>;

export const ZERO: Counts = { planned: 0, dueByNow: 0, done: 0, doneLate: 0, overdue: 0, openNotDue: 0 };

export function countsOf(row: Pick<ItemFigureRow, 'planned' | 'done' | 'doneLate' | 'overdue' | 'dueByCutoff'>): Counts {
  return {
    planned: row.planned,
    dueByNow: row.dueByCutoff,
    done: row.done,
    doneLate: row.doneLate,
    overdue: row.overdue,
    openNotDue: row.planned - row.done - row.overdue,
  };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return {
    planned: a.planned + b.planned,
    dueByNow: a.dueByNow + b.dueByNow,
    done: a.done + b.done,
    doneLate: a.doneLate + b.doneLate,
    overdue: a.overdue + b.overdue,
    openNotDue: a.openNotDue + b.openNotDue,
  };
}

/** Rates as fractions (0..1), kept to four decimals so a sheet and a page show the same percentage. */
const rate = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

export function withRates(c: Counts): Figures {
  return { ...c, completionRate: rate(c.done, c.planned), dueCompletionRate: rate(c.dueByNow - c.overdue, c.dueByNow) };
}

export function sumFigures(list: readonly Counts[]): Figures {
  return withRates(list.reduce<Counts>((acc, c) => addCounts(acc, c), ZERO));
}

/** "87.5%", or "—" for no rate. */
export function percent(r: number | null): string {
  if (r === null) return '—';
  const p = Math.round(r * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

export const LIST_KIND_LABELS: Record<ListKind, string> = {
  must_study: '必学清单',
  elective_study: '选学清单',
  self_study: '自学清单',
  work: '工作清单',
  innovation: '创新清单',
};

export const SOURCE_LABELS = { card: '卡片', text: '文字回复', admin: '管理员登记' } as const;

export const UNTAGGED = '未标注维度';

/**
 * A branch item's state in words: one assignment (the branch's own) gets its state, several (each member's
 * study item) get the count.
 */
export function itemStatus(row: Pick<ItemFigureRow, 'assignee' | 'planned' | 'done' | 'doneLate' | 'overdue' | 'extended'>): string {
  if (row.assignee === 'unit' && row.planned === 1) {
    const ext = row.extended > 0 ? '（已延期）' : '';
    if (row.done === 1) return row.doneLate === 1 ? `逾期完成${ext}` : `已完成${ext}`;
    return row.overdue === 1 ? `逾期未完成${ext}` : `未到期${ext}`;
  }
  const who = row.assignee === 'person' ? '人' : '项';
  const parts = [`${row.done}/${row.planned}${who}完成`];
  if (row.doneLate) parts.push(`逾期完成${row.doneLate}${who}`);
  if (row.overdue) parts.push(`逾期未完成${row.overdue}${who}`);
  return parts.join('，');
}
