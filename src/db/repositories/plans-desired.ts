/**
 * What a plan document asks for, as plan_items rows keyed by path: levels, list kinds, due dates, inherited
 * dimensions and the responsible unit/person resolved against the organisation. No writes here.
 */
import { planItems } from '../../domain/plans/plan-items.js';
import type { PlanDetailsMap, PlanNode, PlanOutline } from '../../domain/plans/types.js';
import { normalizePersonName, unitMatchKey } from '../../domain/org/text.js';
import { ValidationError } from '../../errors.js';

export type ItemLevel = 'aspect' | 'goal' | 'task';
export type ListKind = 'must_study' | 'elective_study' | 'self_study' | 'work' | 'innovation';

export interface DesiredItem {
  /** Outline markers from the root, e.g. "一、/1." (a repeated marker among siblings gets "#2"). */
  path: string;
  parentPath: string | null;
  position: number;
  level: ItemLevel;
  marker: string;
  title: string;
  text: string;
  dueDate: string;
  dimensions: string[];
  listKind: ListKind | null;
  responsibleUnitId: number | null;
  responsiblePersonId: number | null;
  responsibleText: string | null;
}

/** Active units and people, for matching 责任单位 / 责任人 by name. */
export interface OrgNames {
  units: readonly { id: number; name: string }[];
  people: readonly { id: number; name: string }[];
}

export const LEVEL_LABELS: Record<ItemLevel, string> = { aspect: '方面', goal: '目标', task: '任务' };

/** 清单类型 as spreadsheets write it. */
const LIST_KINDS: readonly [RegExp, ListKind][] = [
  [/^(学习清单|必学清单|必学)$/, 'must_study'],
  [/^(选学清单|选学)$/, 'elective_study'],
  [/^(自学清单|自学)$/, 'self_study'],
  [/^(工作清单|工作|任务清单)$/, 'work'],
  [/^(创新清单|创新|品牌清单)$/, 'innovation'],
];

export function listKindOf(cell: string): ListKind | undefined {
  const s = cell.normalize('NFKC').replace(/\s+/g, '');
  return LIST_KINDS.find(([re]) => re.test(s))?.[1];
}

/** Names that match exactly one entry; the rest are ambiguous and stay text. */
function uniqueIndex(entries: readonly { id: number; name: string }[], key: (name: string) => string): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const e of entries) {
    const k = key(e.name);
    out.set(k, out.has(k) ? null : e.id);
  }
  return out;
}

/**
 * Levels: a top-level node is an aspect (方面), a leaf is a task, anything between is a goal. A leaf directly
 * under an aspect is a task. A document with no nesting at all (only "1." "2." …) is a flat list of tasks.
 */
export function desiredItems(outline: PlanOutline, opts: { year: number; details?: PlanDetailsMap; org: OrgNames }): DesiredItem[] {
  const flat = outline.nodes.every((n) => n.children.length === 0);
  const units = uniqueIndex(opts.org.units, unitMatchKey);
  const people = uniqueIndex(opts.org.people, normalizePersonName);
  const pathOf = new Map<PlanNode, string>();
  const taken = new Set<string>();
  const problems: string[] = [];
  const out: DesiredItem[] = [];

  for (const item of planItems(outline, { year: opts.year, ...(opts.details ? { details: opts.details } : {}) })) {
    const { node, ancestors } = item;
    const parent = ancestors[ancestors.length - 1];
    const parentPath = parent ? (pathOf.get(parent) ?? null) : null;
    const base = parentPath === null ? node.marker : `${parentPath}/${node.marker}`;
    let path = base;
    for (let n = 2; taken.has(path); n++) path = `${base}#${n}`;
    taken.add(path);
    pathOf.set(node, path);

    const level: ItemLevel = node.children.length === 0 && (ancestors.length > 0 || flat) ? 'task' : ancestors.length === 0 ? 'aspect' : 'goal';
    const where = item.details?.rowNumber === undefined ? `条目“${path}”` : `第${item.details.rowNumber}行`;
    if (node.title === '') problems.push(`${where}：标题为空`);

    let listKind: ListKind | null = null;
    if (level === 'task') {
      const cell = item.details?.listKind;
      listKind = cell === undefined ? 'work' : (listKindOf(cell) ?? null);
      if (listKind === null) problems.push(`${where}：清单类型“${cell}”无法识别（可用：学习清单、选学清单、自学清单、工作清单、创新清单）`);
    }

    const unitText = item.details?.responsibleUnit;
    const personText = item.details?.responsiblePerson;
    const responsibleUnitId = unitText === undefined ? null : (units.get(unitMatchKey(unitText)) ?? null);
    const responsiblePersonId = personText === undefined ? null : (people.get(normalizePersonName(personText)) ?? null);
    const unmatched = [responsibleUnitId === null ? unitText : undefined, responsiblePersonId === null ? personText : undefined].filter((s): s is string => s !== undefined && s !== '');

    out.push({
      path, parentPath, position: item.path[item.path.length - 1] ?? 0, level, marker: node.marker, title: node.title, text: node.text,
      dueDate: item.deadline, dimensions: item.dimensions, listKind, responsibleUnitId, responsiblePersonId,
      responsibleText: unmatched.length > 0 ? unmatched.join('；') : null,
    });
  }
  if (problems.length > 0) {
    throw new ValidationError(`计划有${problems.length}处问题：${problems.join('；')}`, problems.map((message) => ({ message })));
  }
  return out;
}

/** Per top-level section: its marker, title, direct children and the tasks below it. */
export function treeSummary(items: readonly DesiredItem[]): { marker: string; title: string; children: number; tasks: number }[] {
  return items
    .filter((i) => i.parentPath === null)
    .map((root) => ({
      marker: root.marker,
      title: root.title,
      children: items.filter((i) => i.parentPath === root.path).length,
      tasks: items.filter((i) => i.level === 'task' && (i.path === root.path || i.path.startsWith(`${root.path}/`))).length,
    }));
}
