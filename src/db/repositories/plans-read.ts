/** Reading plans: the dimension configuration, plan lists, a plan's tree, a unit's assignments. */
import { and, asc, desc, eq, gte, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { assignments, dimensions, orgUnits, people, planItems, plans } from '../schema/index.js';
import type { ItemLevel, ListKind } from './plans-desired.js';
import type { DimensionConfig } from '../../domain/plans/dimensions.js';
import { NotFoundError } from '../../errors.js';

/** The agency's dimensions (五型) from the `dimensions` table: active names in their order, aliases → name. */
export async function loadDimensionConfig(db: DbOrTx): Promise<DimensionConfig> {
  const rows = await db.select().from(dimensions).where(eq(dimensions.active, true)).orderBy(asc(dimensions.sort), asc(dimensions.id));
  const aliases: Record<string, string> = {};
  for (const r of rows) for (const a of r.aliases) if (a !== '' && !(a in aliases)) aliases[a] = r.name;
  return { names: rows.map((r) => r.name), aliases };
}

export interface PlanSummary {
  id: number;
  year: number;
  title: string;
  sourceName: string | null;
  createdAt: string;
  createdBy: string;
  /** Active items per level. */
  aspects: number;
  goals: number;
  tasks: number;
}

/** Every plan, newest year first. */
export async function listPlans(db: DbOrTx): Promise<PlanSummary[]> {
  const all = await db.select().from(plans).orderBy(desc(plans.year), asc(plans.id));
  const counts = await db
    .select({ planId: planItems.planId, level: planItems.level, n: sql<number>`count(*)::int` })
    .from(planItems)
    .where(and(isNotNull(planItems.planId), eq(planItems.active, true)))
    .groupBy(planItems.planId, planItems.level);
  const count = (planId: number, level: ItemLevel): number => Number(counts.find((c) => c.planId === planId && c.level === level)?.n ?? 0);
  return all.map((p) => ({
    id: p.id, year: p.year, title: p.title, sourceName: p.sourceName, createdAt: p.createdAt.toISOString(), createdBy: p.createdBy,
    aspects: count(p.id, 'aspect'), goals: count(p.id, 'goal'), tasks: count(p.id, 'task'),
  }));
}

export interface PlanTreeNode {
  id: number;
  path: string;
  marker: string;
  level: ItemLevel;
  title: string;
  text: string;
  dueDate: string | null;
  listKind: ListKind | null;
  dimensions: string[];
  responsible: { unitId: number | null; unitName: string | null; personId: number | null; personName: string | null; text: string | null };
  active: boolean;
  /** Assignments of this item: to 党支部 (units) and to people. */
  assignments: { total: number; units: number; people: number };
  children: PlanTreeNode[];
}

export interface PlanTree extends Omit<PlanSummary, 'aspects' | 'goals' | 'tasks'> {
  items: PlanTreeNode[];
}

/** A plan with its items nested in document order; deactivated items only when asked. */
export async function getPlanTree(db: DbOrTx, planId: number, opts: { includeInactive?: boolean } = {}): Promise<PlanTree> {
  const [plan] = await db.select().from(plans).where(eq(plans.id, planId));
  if (!plan) throw new NotFoundError(`计划不存在（id=${planId}）`);
  const rows = await db
    .select({ item: planItems, unitName: orgUnits.name, personName: people.name })
    .from(planItems)
    .leftJoin(orgUnits, eq(orgUnits.id, planItems.responsibleUnitId))
    .leftJoin(people, eq(people.id, planItems.responsiblePersonId))
    .where(and(eq(planItems.planId, planId), opts.includeInactive ? undefined : eq(planItems.active, true)))
    .orderBy(asc(planItems.position), asc(planItems.id));
  const counts = await db
    .select({ itemId: assignments.itemId, kind: assignments.assigneeKind, n: sql<number>`count(*)::int` })
    .from(assignments)
    .innerJoin(planItems, eq(planItems.id, assignments.itemId))
    .where(eq(planItems.planId, planId))
    .groupBy(assignments.itemId, assignments.assigneeKind);
  const count = (itemId: number, kind: 'unit' | 'person'): number => Number(counts.find((c) => c.itemId === itemId && c.kind === kind)?.n ?? 0);

  const nodes = new Map<number, PlanTreeNode>();
  for (const { item: i, unitName, personName } of rows) {
    const units = count(i.id, 'unit');
    const persons = count(i.id, 'person');
    nodes.set(i.id, {
      id: i.id, path: i.path, marker: i.marker, level: i.level, title: i.title, text: i.text, dueDate: i.dueDate, listKind: i.listKind,
      dimensions: i.dimensions,
      responsible: { unitId: i.responsibleUnitId, unitName, personId: i.responsiblePersonId, personName, text: i.responsibleText },
      active: i.active, assignments: { total: units + persons, units, people: persons }, children: [],
    });
  }
  const roots: PlanTreeNode[] = [];
  for (const { item } of rows) {
    const node = nodes.get(item.id);
    if (!node) continue;
    const parent = item.parentId === null ? undefined : nodes.get(item.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return { id: plan.id, year: plan.year, title: plan.title, sourceName: plan.sourceName, createdAt: plan.createdAt.toISOString(), createdBy: plan.createdBy, items: roots };
}

export interface UnitAssignment {
  id: number;
  itemId: number;
  planId: number | null;
  planYear: number | null;
  planTitle: string | null;
  path: string;
  marker: string;
  level: ItemLevel;
  title: string;
  listKind: ListKind | null;
  dimensions: string[];
  dueDate: string | null;
}

/** What a unit (党支部) has been assigned, active items only, by due date; `from`/`to` (YYYY-MM-DD) are inclusive. */
export async function listAssignmentsForUnit(db: DbOrTx, unitId: number, opts: { from?: string; to?: string } = {}): Promise<UnitAssignment[]> {
  const [unit] = await db.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.id, unitId));
  if (!unit) throw new NotFoundError(`组织单位不存在（id=${unitId}）`);
  const where: SQL[] = [eq(assignments.unitId, unitId), eq(planItems.active, true)];
  if (opts.from !== undefined) where.push(gte(assignments.dueDate, opts.from));
  if (opts.to !== undefined) where.push(lte(assignments.dueDate, opts.to));
  const rows = await db
    .select({ a: assignments, i: planItems, planYear: plans.year, planTitle: plans.title })
    .from(assignments)
    .innerJoin(planItems, eq(planItems.id, assignments.itemId))
    .leftJoin(plans, eq(plans.id, planItems.planId))
    .where(and(...where))
    .orderBy(sql`${assignments.dueDate} asc nulls last`, asc(planItems.planId), asc(assignments.id));
  return rows.map(({ a, i, planYear, planTitle }) => ({
    id: a.id, itemId: i.id, planId: i.planId, planYear, planTitle, path: i.path, marker: i.marker, level: i.level, title: i.title,
    listKind: i.listKind, dimensions: i.dimensions, dueDate: a.dueDate,
  }));
}
