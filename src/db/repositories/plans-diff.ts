/** A plan import's changes against what is stored, described in Chinese for the report. No writes here. */
import type { planItems } from '../schema/index.js';
import { LEVEL_LABELS, type DesiredItem, type ListKind } from './plans-desired.js';

export type StoredItem = typeof planItems.$inferSelect;

export interface ItemChange {
  desired: DesiredItem;
  /** Absent: the item is new. */
  existing?: StoredItem;
  /** What differs (for the report), empty for a new item. */
  fields: string[];
}

export interface PlanDiff {
  create: ItemChange[];
  update: ItemChange[];
  /** Active stored items the file no longer has. */
  deactivate: StoredItem[];
  unchangedCount: number;
}

const LIST_KIND_LABELS: Record<ListKind, string> = {
  must_study: '学习清单', elective_study: '选学清单', self_study: '自学清单', work: '工作清单', innovation: '创新清单',
};

function sameArray(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function shorten(s: string, max = 30): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function listKindLabel(k: ListKind | null): string {
  return k === null ? '无' : LIST_KIND_LABELS[k];
}

function dims(d: readonly string[]): string {
  return d.length === 0 ? '无' : d.join('、');
}

/** The fields of `existing` that the file changes, as short Chinese phrases. */
function changedFields(d: DesiredItem, e: StoredItem, parentId: number | null): string[] {
  const out: string[] = [];
  if (!e.active) out.push('重新启用');
  if (e.title !== d.title) out.push(`标题“${shorten(e.title)}”→“${shorten(d.title)}”`);
  if (e.text !== d.text) out.push('内容有改动');
  if (e.dueDate !== d.dueDate) out.push(`完成时限 ${e.dueDate ?? '无'}→${d.dueDate}`);
  if (!sameArray(e.dimensions, d.dimensions)) out.push(`五型维度 ${dims(e.dimensions)}→${dims(d.dimensions)}`);
  if (e.level !== d.level) out.push(`层级 ${LEVEL_LABELS[e.level]}→${LEVEL_LABELS[d.level]}`);
  if (e.listKind !== d.listKind) out.push(`清单类型 ${listKindLabel(e.listKind)}→${listKindLabel(d.listKind)}`);
  if (e.responsibleUnitId !== d.responsibleUnitId || e.responsiblePersonId !== d.responsiblePersonId || e.responsibleText !== d.responsibleText) {
    out.push('责任单位/责任人有改动');
  }
  if (e.marker !== d.marker) out.push(`编号 ${e.marker}→${d.marker}`);
  if (e.parentId !== parentId || e.position !== d.position) out.push('位置有调整');
  return out;
}

/** Compares the file's items with the stored ones (inactive included), matching them by path. */
export function diffPlan(desired: readonly DesiredItem[], stored: readonly StoredItem[]): PlanDiff {
  const byPath = new Map(stored.map((s) => [s.path, s]));
  const diff: PlanDiff = { create: [], update: [], deactivate: [], unchangedCount: 0 };
  for (const d of desired) {
    const existing = byPath.get(d.path);
    if (!existing) {
      diff.create.push({ desired: d, fields: [] });
      continue;
    }
    const parentId = d.parentPath === null ? null : (byPath.get(d.parentPath)?.id ?? -1);
    const fields = changedFields(d, existing, parentId);
    if (fields.length > 0) diff.update.push({ desired: d, existing, fields });
    else diff.unchangedCount++;
  }
  const wanted = new Set(desired.map((d) => d.path));
  diff.deactivate = stored.filter((s) => s.active && !wanted.has(s.path));
  return diff;
}

/** One Chinese line per change: new items, changed items (each in document order), then deactivations. */
export function describeDiff(diff: PlanDiff): string[] {
  const label = (d: { level: DesiredItem['level']; path: string; title: string }): string => `${LEVEL_LABELS[d.level]} ${d.path} ${shorten(d.title)}`;
  return [
    ...diff.create.map((c) => `新增${label(c.desired)}`),
    ...diff.update.map((c) => `修改${label(c.desired)}：${c.fields.join('；')}`),
    ...diff.deactivate.map((s) => `停用${label(s)}（文件中已没有）`),
  ];
}
