/**
 * Editing one plan item by hand (the admin console): requirement text, title, due date, responsible unit/person,
 * list kind and dimensions. Validated against the same rules the import applies (list kinds only on tasks,
 * dimensions from the `dimensions` table, people and units matched by name among active ones), written with its
 * audit entry in one transaction.
 *
 * Due dates follow the import's rule (plans-import.ts writeItems) for open assignments: those still on the item's old
 * date move with it; an assignment given its own date keeps it, and an approved extension still decides over either.
 * Completed assignments keep the date they were completed against, so whether they were done on time (年中查账、
 * 年底交账) does not change after the fact.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { assignmentProgress, assignments, orgUnits, people, planItems, plans } from '../schema/index.js';
import { appendAudit } from './audit.js';
import { loadDimensionConfig } from './plans-read.js';
import { LEVEL_LABELS, type ListKind } from './plans-desired.js';
import { normalizePersonName } from '../../domain/org/text.js';
import { NotFoundError, ValidationError } from '../../errors.js';

export const LIST_KIND_VALUES: readonly ListKind[] = ['must_study', 'elective_study', 'self_study', 'work', 'innovation'];

export const LIST_KIND_NAMES: Readonly<Record<ListKind, string>> = {
  must_study: '学习清单', elective_study: '选学清单', self_study: '自学清单', work: '工作清单', innovation: '创新清单',
};

export interface PlanItemEdit {
  title: string;
  /** 工作要求 (the item's text). */
  text: string;
  /** YYYY-MM-DD */
  dueDate: string;
  /** An active unit, or null. */
  responsibleUnitId: number | null;
  /** A name that must match exactly one active person; '' = none. */
  responsiblePersonName: string;
  /** What neither names (e.g. "各党支部书记"); '' = none. */
  responsibleText: string;
  /** Tasks only; ignored (kept null) for aspects and goals. */
  listKind: ListKind | null;
  dimensions: string[];
}

export interface PlanItemEditResult {
  itemId: number;
  planId: number;
  changed: boolean;
  /** Chinese phrases, one per changed field. */
  fields: string[];
  /** Open assignments whose due date moved with the item. */
  assignmentsMoved: number;
}

const MAX_TITLE = 200;
const MAX_TEXT = 5000;
const MAX_RESPONSIBLE_TEXT = 200;

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Validates and applies an edit. Throws ValidationError listing every problem (Chinese), NotFoundError for an
 * unknown item. Nothing changed → nothing written, no audit entry.
 */
export async function editPlanItem(
  db: Db,
  itemId: number,
  edit: PlanItemEdit,
  ctx: { actor: string; at: Date; auditData?: Record<string, unknown> },
): Promise<PlanItemEditResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ item: planItems, planYear: plans.year })
      .from(planItems)
      .innerJoin(plans, eq(plans.id, planItems.planId))
      .where(eq(planItems.id, itemId))
      .for('update', { of: planItems });
    if (!row) throw new NotFoundError(`计划条目不存在（id=${itemId}）`);
    const { item, planYear } = row;

    const problems: string[] = [];
    const title = edit.title.trim();
    const text = edit.text.replace(/\r\n?/g, '\n').trim();
    if (title === '') problems.push('标题不能为空');
    if (title.length > MAX_TITLE) problems.push(`标题过长（${title.length} 字，最多 ${MAX_TITLE} 字）`);
    if (text.length > MAX_TEXT) problems.push(`工作要求过长（${text.length} 字，最多 ${MAX_TEXT} 字）`);

    const dueDate = edit.dueDate.trim();
    const earliest = `${planYear}-01-01`;
    const latest = `${planYear + 1}-12-31`;
    if (dueDate === '') problems.push('完成时限不能为空');
    else if (!validDate(dueDate)) problems.push(`完成时限“${dueDate}”不是有效日期（格式 YYYY-MM-DD）`);
    else if (dueDate < earliest || dueDate > latest) problems.push(`完成时限应在 ${earliest} 至 ${latest} 之间（${planYear} 年计划）`);

    let listKind: ListKind | null = null;
    if (item.level === 'task') {
      if (edit.listKind === null) problems.push('任务须选择清单类型');
      else if (!LIST_KIND_VALUES.includes(edit.listKind)) problems.push(`清单类型“${String(edit.listKind)}”无法识别`);
      else listKind = edit.listKind;
    } else if (edit.listKind !== null && edit.listKind !== item.listKind) {
      problems.push(`${LEVEL_LABELS[item.level]}没有清单类型，只有任务有`);
    }

    const config = await loadDimensionConfig(tx);
    const unknownDims = edit.dimensions.filter((d) => !config.names.includes(d));
    if (unknownDims.length > 0) problems.push(`五型维度“${unknownDims.join('、')}”不在已配置的维度中（${config.names.join('、')}）`);
    const dimensions = config.names.filter((n) => edit.dimensions.includes(n));

    let responsibleUnitId: number | null = null;
    if (edit.responsibleUnitId !== null) {
      const [unit] = await tx.select({ id: orgUnits.id }).from(orgUnits).where(and(eq(orgUnits.id, edit.responsibleUnitId), eq(orgUnits.active, true)));
      if (!unit) problems.push('所选责任单位不存在或已停用');
      else responsibleUnitId = unit.id;
    }

    let responsiblePersonId: number | null = null;
    const personName = normalizePersonName(edit.responsiblePersonName);
    if (personName !== '') {
      const found = await tx.select({ id: people.id, name: people.name }).from(people).where(eq(people.active, true));
      const matches = found.filter((p) => normalizePersonName(p.name) === personName);
      if (matches.length === 0) problems.push(`找不到名为“${personName}”的在用人员；不在名单中的责任人请写在“其他责任说明”里`);
      else if (matches.length > 1) problems.push(`有 ${matches.length} 位名为“${personName}”的人员，无法确定是谁；请写在“其他责任说明”里`);
      else responsiblePersonId = matches[0]!.id;
    }
    const responsibleText = edit.responsibleText.trim();
    if (responsibleText.length > MAX_RESPONSIBLE_TEXT) problems.push(`其他责任说明过长（最多 ${MAX_RESPONSIBLE_TEXT} 字）`);

    if (problems.length > 0) throw new ValidationError(`计划条目有${problems.length}处问题：${problems.join('；')}`, problems);

    const next = {
      title, text, dueDate, listKind: item.level === 'task' ? listKind : item.listKind, dimensions,
      responsibleUnitId, responsiblePersonId, responsibleText: responsibleText === '' ? null : responsibleText,
    };
    const fields: string[] = [];
    if (item.title !== next.title) fields.push('标题');
    if (item.text !== next.text) fields.push('工作要求');
    if (item.dueDate !== next.dueDate) fields.push(`完成时限 ${item.dueDate ?? '无'}→${next.dueDate}`);
    if (item.listKind !== next.listKind) {
      fields.push(`清单类型 ${item.listKind ? LIST_KIND_NAMES[item.listKind] : '无'}→${next.listKind ? LIST_KIND_NAMES[next.listKind] : '无'}`);
    }
    if (!sameSet(item.dimensions, next.dimensions)) fields.push(`五型维度 ${item.dimensions.join('、') || '无'}→${next.dimensions.join('、') || '无'}`);
    if (item.responsibleUnitId !== next.responsibleUnitId) fields.push('责任单位');
    if (item.responsiblePersonId !== next.responsiblePersonId) fields.push('责任人');
    if ((item.responsibleText ?? null) !== next.responsibleText) fields.push('其他责任说明');
    if (fields.length === 0) return { itemId, planId: item.planId!, changed: false, fields, assignmentsMoved: 0 };

    await tx.update(planItems).set(next).where(eq(planItems.id, itemId));
    let assignmentsMoved = 0;
    if (item.dueDate !== next.dueDate) {
      const moved = await tx
        .update(assignments)
        .set({ dueDate: next.dueDate })
        .where(and(
          eq(assignments.itemId, itemId),
          item.dueDate === null ? isNull(assignments.dueDate) : eq(assignments.dueDate, item.dueDate),
          sql`not exists (select 1 from ${assignmentProgress} g where g.assignment_id = ${assignments.id} and g.done)`,
        ))
        .returning({ id: assignments.id });
      assignmentsMoved = moved.length;
    }
    const before = {
      title: item.title, text: item.text, dueDate: item.dueDate, listKind: item.listKind, dimensions: item.dimensions,
      responsibleUnitId: item.responsibleUnitId, responsiblePersonId: item.responsiblePersonId, responsibleText: item.responsibleText,
    };
    await appendAudit(tx, ctx.at, {
      actor: ctx.actor, action: 'plan_item.edit', subjectType: 'plan_item', subjectId: itemId,
      data: { planId: item.planId, path: item.path, changes: fields, before, after: next, assignmentsMoved, ...(ctx.auditData ?? {}) },
    });
    return { itemId, planId: item.planId!, changed: true, fields, assignmentsMoved };
  });
}

/** What a due-date change would do to an item's assignments: how many move, and how many keep their date. */
export async function dueDateFollowers(db: Db, itemId: number): Promise<{ follow: number; ownDate: number; done: number }> {
  const [r] = await db
    .select({
      follow: sql<number>`count(*) filter (where ${assignments.dueDate} is not distinct from ${planItems.dueDate} and not coalesce(${assignmentProgress.done}, false))::int`,
      ownDate: sql<number>`count(*) filter (where ${assignments.dueDate} is distinct from ${planItems.dueDate} and not coalesce(${assignmentProgress.done}, false))::int`,
      done: sql<number>`count(*) filter (where coalesce(${assignmentProgress.done}, false))::int`,
    })
    .from(assignments)
    .innerJoin(planItems, eq(planItems.id, assignments.itemId))
    .leftJoin(assignmentProgress, eq(assignmentProgress.assignmentId, assignments.id))
    .where(eq(assignments.itemId, itemId));
  return { follow: Number(r?.follow ?? 0), ownDate: Number(r?.ownDate ?? 0), done: Number(r?.done ?? 0) };
}
