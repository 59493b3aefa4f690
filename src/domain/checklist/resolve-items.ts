import type { AssignmentView, ListSnapshot } from './types.js';

export type Resolution = { ok: true; assignmentIds: number[] } | { ok: false; message: string };

/**
 * Turns the numbers a person typed into assignments, against the list card they last saw (numbers mean what
 * was on *their* screen, not what the list is now). `all` takes every open entry of that card.
 */
export function resolveItems(
  snapshot: ListSnapshot | undefined,
  items: readonly number[],
  all: boolean,
  current: readonly AssignmentView[],
): Resolution {
  const open = new Set(current.filter((a) => !a.completion).map((a) => a.assignmentId));
  if (!snapshot || snapshot.entries.length === 0) {
    if (!all && items.length === 0 && open.size === 1) return { ok: true, assignmentIds: [...open] };
    return { ok: false, message: '还没有给您发过清单。请先回复“我的任务”查看清单，再按序号回复，如“完成 1”。' };
  }
  const byNo = new Map(snapshot.entries.map((e) => [e.no, e.assignmentId]));
  if (all) {
    const ids = snapshot.entries.map((e) => e.assignmentId).filter((id) => open.has(id));
    return ids.length ? { ok: true, assignmentIds: ids } : { ok: false, message: '清单上的事项都已完成，没有需要登记的了。' };
  }
  if (items.length === 0) {
    const openOnCard = snapshot.entries.filter((e) => open.has(e.assignmentId));
    if (openOnCard.length === 1) return { ok: true, assignmentIds: [openOnCard[0]!.assignmentId] };
    if (openOnCard.length === 0) return { ok: false, message: '清单上的事项都已完成，没有需要登记的了。' };
    return { ok: false, message: `请告诉我是哪一项：回复序号即可，如“完成 ${openOnCard[0]!.no}”或“${openOnCard.map((e) => e.no).slice(0, 3).join('、')} 完成”。` };
  }
  const missing = items.filter((n) => !byNo.has(n));
  if (missing.length > 0) {
    const valid = snapshot.entries.map((e) => e.no);
    return {
      ok: false,
      message: `清单上没有第 ${missing.join('、')} 项。您最近收到的清单共 ${valid.length} 项（序号 ${rangeText(valid)}），请核对后再回复。`,
    };
  }
  return { ok: true, assignmentIds: items.map((n) => byNo.get(n)!) };
}

function rangeText(nos: number[]): string {
  if (nos.length === 0) return '无';
  const sorted = [...nos].sort((a, b) => a - b);
  return sorted.length > 1 && sorted[sorted.length - 1]! - sorted[0]! === sorted.length - 1 ? `${sorted[0]}–${sorted[sorted.length - 1]}` : sorted.join('、');
}
