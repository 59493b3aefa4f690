import { formatNumber } from '../scoring/numbers.js';
import { computeSheet } from '../scoring/sheet.js';
import type { Scheme, SheetEntry } from '../scoring/types.js';
import { MEETING_NAMES, type MeetingKind } from '../reminders/settings.js';

/**
 * 台账 (the inspection pack): labels and the few pieces of shaping the ledger's sheets need. The rows themselves
 * come straight from the append-only tables; nothing here aggregates them away.
 */

export const ACTION_LABELS = { complete: '完成', revoke: '撤销' } as const;
export const RECORDED_VIA_LABELS: Record<string, string> = { card: '卡片', text: '文字回复', admin: '管理员登记' };
export const SHEET_STATUS_LABELS = { draft: '草稿', submitted: '已提交' } as const;
export const ROUND_STATUS_LABELS = { open: '评分中', closed: '已结束评分', published: '已发布' } as const;
export const SCORER_ROLE_LABELS = { peer: '互评', committee: '机关党委点评' } as const;
export const EXTENSION_STATUS_LABELS = { pending: '待审批', approved: '已同意', rejected: '已驳回' } as const;

export function meetingName(kind: string): string {
  return MEETING_NAMES[kind as MeetingKind] ?? kind;
}

/**
 * A sheet's points in scheme order, compactly: "1.1:8；1.2:6.5；1.4:-2（10月支委会未按期召开）". Deductions carry a
 * minus sign; items left empty are left out; entries for items the scheme does not know are kept at the end.
 */
export function pointsText(scheme: Scheme | null, entries: readonly SheetEntry[]): string {
  const byId = new Map(entries.map((e) => [e.itemId, e]));
  const order = scheme ? scheme.categories.flatMap((c) => c.items) : [];
  const known = new Set(order.map((i) => i.id));
  const one = (itemId: string, minus: boolean): string | null => {
    const e = byId.get(itemId);
    if (!e || e.points === null || e.points === undefined) return null;
    const reason = (e.reason ?? '').trim();
    return `${itemId}:${minus && e.points !== 0 ? '-' : ''}${formatNumber(e.points)}${reason ? `（${reason}）` : ''}`;
  };
  const parts = [
    ...order.map((i) => one(i.id, i.kind === 'minus')),
    ...entries.filter((e) => !known.has(e.itemId)).map((e) => one(e.itemId, false)),
  ].filter((p): p is string => p !== null);
  return parts.join('；');
}

/** The total recorded on submit, else (a draft) what its entries add up to under the scheme now. */
export function sheetTotal(scheme: Scheme | null, totalCents: number | null, entries: readonly SheetEntry[]): number | null {
  if (totalCents !== null) return totalCents / 100;
  return scheme ? computeSheet(scheme, [...entries]).total : null;
}

/** How an inspector checks the printed chain head (the summary sheet's sentence). */
export function auditCheckSentence(head: string): string {
  return (
    '核验方法：审计日志每条记录的哈希都包含上一条记录的哈希（SHA-256 哈希链），链头即导出时最后一条记录的哈希。' +
    `核验时请在服务器上运行 npm run cli -- report audit --head ${head}：程序从第一条记录起重新计算整条哈希链，` +
    '并确认上面的链头仍在链上、位置不变。导出之后若有人改动、删除或插入了此前的任何记录，重新计算的哈希链就不会再经过这个链头，核验即不通过；' +
    '导出之后正常新增的记录只会接在链头之后，不影响核验。'
  );
}
