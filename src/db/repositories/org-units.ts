import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { isUniqueViolation } from '../pg-error.js';
import { orgUnits, people } from '../schema/index.js';
import { appendAudit } from './audit.js';
import { lockOrg, throwIfProblems, type WriteContext } from './org-common.js';
import { checkUnitName } from '../../domain/org/person-input.js';
import { unitMatchKey } from '../../domain/org/text.js';
import type { UnitKind } from '../../domain/org/types.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';

export interface UnitView {
  id: number;
  parentId: number | null;
  kind: UnitKind;
  name: string;
  active: boolean;
  /** Active people directly in this unit. */
  memberCount: number;
  /** Active people in this unit and the units below it. */
  totalMemberCount: number;
}

const KIND_LABELS: Record<UnitKind, string> = { committee: '机关党委', branch: '党支部', group: '党小组' };
/** What each kind of unit must sit under. */
const PARENT_KIND: Record<UnitKind, UnitKind | null> = { committee: null, branch: 'committee', group: 'branch' };

/** Every unit (active only unless asked), depth first: the root, a branch, its groups, the next branch… */
export async function listUnits(db: DbOrTx, opts: { includeInactive?: boolean } = {}): Promise<UnitView[]> {
  const units = await db.select().from(orgUnits).orderBy(orgUnits.id);
  const counts = await db
    .select({ unitId: people.unitId, n: sql<number>`count(*)::int` })
    .from(people)
    .where(eq(people.active, true))
    .groupBy(people.unitId);
  const direct = new Map(counts.map((c) => [c.unitId, Number(c.n)]));
  const children = new Map<number | null, typeof units>();
  for (const u of units) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u]);
  const out: UnitView[] = [];
  const visit = (u: (typeof units)[number]): number => {
    const view: UnitView = { id: u.id, parentId: u.parentId, kind: u.kind, name: u.name, active: u.active, memberCount: direct.get(u.id) ?? 0, totalMemberCount: 0 };
    if (opts.includeInactive || u.active) out.push(view);
    view.totalMemberCount = view.memberCount + (children.get(u.id) ?? []).reduce((sum, c) => sum + visit(c), 0);
    return view.totalMemberCount;
  };
  for (const root of children.get(null) ?? []) visit(root);
  return out;
}

export async function getUnit(db: DbOrTx, id: number): Promise<UnitView> {
  const unit = (await listUnits(db, { includeInactive: true })).find((u) => u.id === id);
  if (!unit) throw new NotFoundError(`组织单位不存在（id=${id}）`);
  return unit;
}

export interface CreateUnitInput {
  parentId: number | null;
  kind: UnitKind;
  name: string;
}

/** A branch goes under the 机关党委, a group under a branch; names are unique among siblings. */
export async function createUnit(db: DbOrTx, input: CreateUnitInput, ctx: WriteContext): Promise<UnitView> {
  const problems: string[] = [];
  const name = checkUnitName(input.name, problems);
  if (!(input.kind in PARENT_KIND)) problems.push(`单位类型“${String(input.kind)}”无法识别（可用：committee、branch、group）`);
  throwIfProblems(problems);
  const id = await db.transaction(async (tx) => {
    await lockOrg(tx);
    await checkPlacement(tx, input.kind, input.parentId, name, null);
    const [row] = await tx
      .insert(orgUnits)
      .values({ parentId: input.parentId, kind: input.kind, name, createdAt: ctx.at, updatedAt: ctx.at })
      .returning({ id: orgUnits.id })
      .catch((e: unknown) => {
        throw isUniqueViolation(e) ? new ConflictError(`已有同名单位“${name}”`) : e;
      });
    if (!row) throw new Error('insert returned no row');
    await appendAudit(tx, ctx.at, { actor: ctx.actor, action: 'unit.create', subjectType: 'org_unit', subjectId: row.id, data: { kind: input.kind, name, parentId: input.parentId } });
    return row.id;
  });
  return getUnit(db, id);
}

export interface UpdateUnitInput {
  name?: string;
  /** Moves a 党小组 to another branch. */
  parentId?: number;
}

export async function updateUnit(db: DbOrTx, id: number, patch: UpdateUnitInput, ctx: WriteContext): Promise<UnitView> {
  const problems: string[] = [];
  const newName = patch.name === undefined ? undefined : checkUnitName(patch.name, problems);
  throwIfProblems(problems);
  await db.transaction(async (tx) => {
    await lockOrg(tx);
    const unit = await loadUnit(tx, id);
    const name = newName ?? unit.name;
    const parentId = patch.parentId ?? unit.parentId;
    if (name === unit.name && parentId === unit.parentId) return;
    if (parentId !== unit.parentId && unit.kind !== 'group') throw new ValidationError(`只有党小组可以调整所属党支部`);
    await checkPlacement(tx, unit.kind, parentId, name, id);
    await tx.update(orgUnits).set({ name, parentId, updatedAt: ctx.at }).where(eq(orgUnits.id, id));
    await appendAudit(tx, ctx.at, {
      actor: ctx.actor, action: 'unit.update', subjectType: 'org_unit', subjectId: id,
      data: { before: { name: unit.name, parentId: unit.parentId }, after: { name, parentId } },
    });
  });
  return getUnit(db, id);
}

/** Refused while active people or active sub-units remain; the 机关党委 itself is never deactivated. */
export async function deactivateUnit(db: DbOrTx, id: number, ctx: WriteContext): Promise<UnitView> {
  await db.transaction(async (tx) => {
    await lockOrg(tx);
    const unit = await loadUnit(tx, id);
    if (!unit.active) return;
    if (unit.kind === 'committee') throw new ConflictError('不能停用机关党委');
    const view = (await listUnits(tx)).find((u) => u.id === id);
    if (view && view.totalMemberCount > 0) {
      throw new ConflictError(`“${unit.name}”还有 ${view.totalMemberCount} 名在册人员，请先调整或停用这些人员`);
    }
    const activeChildren = await tx.select({ name: orgUnits.name }).from(orgUnits).where(and(eq(orgUnits.parentId, id), eq(orgUnits.active, true)));
    if (activeChildren.length > 0) {
      throw new ConflictError(`“${unit.name}”下还有在用的党小组：${activeChildren.map((c) => c.name).join('、')}，请先停用`);
    }
    await tx.update(orgUnits).set({ active: false, updatedAt: ctx.at }).where(eq(orgUnits.id, id));
    await appendAudit(tx, ctx.at, { actor: ctx.actor, action: 'unit.deactivate', subjectType: 'org_unit', subjectId: id, data: { name: unit.name } });
  });
  return getUnit(db, id);
}

async function loadUnit(tx: DbOrTx, id: number): Promise<typeof orgUnits.$inferSelect> {
  const [unit] = await tx.select().from(orgUnits).where(eq(orgUnits.id, id));
  if (!unit) throw new NotFoundError(`组织单位不存在（id=${id}）`);
  return unit;
}

/** The kind fits the parent, the parent is in use, and no sibling has the same name (ignoring bracket width). */
async function checkPlacement(tx: DbOrTx, kind: UnitKind, parentId: number | null, name: string, selfId: number | null): Promise<void> {
  const parentKind = PARENT_KIND[kind];
  if (parentKind === null) {
    if (parentId !== null) throw new ValidationError('机关党委是最上级单位，不能设上级');
    const [root] = await tx.select().from(orgUnits).where(sql`${orgUnits.parentId} is null`);
    if (root && root.id !== selfId) throw new ConflictError(`机关党委已存在：${root.name}`);
    return;
  }
  if (parentId === null) throw new ValidationError(`${KIND_LABELS[kind]}必须指定上级${KIND_LABELS[parentKind]}`);
  const [parent] = await tx.select().from(orgUnits).where(eq(orgUnits.id, parentId));
  if (!parent) throw new NotFoundError(`上级单位不存在（id=${parentId}）`);
  if (parent.kind !== parentKind) throw new ValidationError(`${KIND_LABELS[kind]}只能设在${KIND_LABELS[parentKind]}下，“${parent.name}”是${KIND_LABELS[parent.kind]}`);
  if (!parent.active) throw new ConflictError(`上级单位“${parent.name}”已停用`);
  const siblings = await tx.select().from(orgUnits).where(eq(orgUnits.parentId, parentId));
  const clash = siblings.find((s) => s.id !== selfId && unitMatchKey(s.name) === unitMatchKey(name));
  if (clash) throw new ConflictError(`“${parent.name}”下已有名为“${clash.name}”的单位${clash.active ? '' : '（已停用）'}`);
}
