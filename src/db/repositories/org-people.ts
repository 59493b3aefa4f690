import { and, eq, inArray, ne, or } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { isUniqueViolation } from '../pg-error.js';
import { orgUnits, people, personRoles, platformIdentities } from '../schema/index.js';
import { appendAudit } from './audit.js';
import { lockOrg, throwIfProblems, type WriteContext } from './org-common.js';
import { getPerson, type PersonView } from './org-people-read.js';
import {
  checkIdentities, checkMobile, checkPersonName, checkRoles, PLATFORM_LABELS, type IdentityInput, type RoleInput,
} from '../../domain/org/person-input.js';
import type { RoleName } from '../../domain/org/types.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';

export interface CreatePersonInput {
  name: string;
  unitId: number;
  mobile?: string | null;
  /** Default: 党员. */
  roles?: RoleInput[];
  identities?: IdentityInput[];
}

export async function createPerson(db: DbOrTx, input: CreatePersonInput, ctx: WriteContext): Promise<PersonView> {
  const problems: string[] = [];
  const name = checkPersonName(input.name, problems);
  const mobile = checkMobile(input.mobile, problems);
  const roles = checkRoles(input.roles ?? [{ role: 'member' }], problems);
  const identities = checkIdentities(input.identities ?? [], problems).filter((i) => i.externalId !== null);
  throwIfProblems(problems);
  const id = await db.transaction(async (tx) => {
    await lockOrg(tx);
    const unit = await activeUnit(tx, input.unitId);
    const roleRows = await resolveRoles(tx, unit, roles);
    await checkIdentitiesFree(tx, identities, null);
    const [row] = await tx.insert(people).values({ name, unitId: unit.id, mobile, createdAt: ctx.at, updatedAt: ctx.at }).returning({ id: people.id });
    if (!row) throw new Error('insert returned no row');
    await writeRoles(tx, row.id, roleRows);
    await writeIdentities(tx, row.id, identities, ctx.at);
    await appendAudit(tx, ctx.at, {
      actor: ctx.actor, action: 'person.create', subjectType: 'person', subjectId: row.id,
      data: { name, unitId: unit.id, mobile, roles: roleRows, identities },
    });
    return row.id;
  });
  return getPerson(db, id);
}

export interface UpdatePersonInput {
  name?: string;
  unitId?: number;
  /** Null clears the number. */
  mobile?: string | null;
  /** Replaces all roles. */
  roles?: RoleInput[];
  /** Sets (or with externalId null removes) the identity on each listed platform; other platforms stay. */
  identities?: IdentityInput[];
  active?: boolean;
}

export async function updatePerson(db: DbOrTx, id: number, patch: UpdatePersonInput, ctx: WriteContext): Promise<PersonView> {
  const problems: string[] = [];
  const name = patch.name === undefined ? undefined : checkPersonName(patch.name, problems);
  const mobile = patch.mobile === undefined ? undefined : checkMobile(patch.mobile, problems);
  const roles = patch.roles === undefined ? undefined : checkRoles(patch.roles, problems);
  const identities = patch.identities === undefined ? [] : checkIdentities(patch.identities, problems);
  throwIfProblems(problems);
  await db.transaction(async (tx) => {
    await lockOrg(tx);
    const before = await getPerson(tx, id);
    const after: Record<string, unknown> = {};
    const previous: Record<string, unknown> = {};
    const note = (field: string, from: unknown, to: unknown): void => {
      previous[field] = from;
      after[field] = to;
    };
    if (name !== undefined && name !== before.name) note('name', before.name, name);
    if (mobile !== undefined && mobile !== before.mobile) note('mobile', before.mobile, mobile);
    if (patch.active !== undefined && patch.active !== before.active) note('active', before.active, patch.active);
    const unit = patch.unitId !== undefined && patch.unitId !== before.unitId ? await activeUnit(tx, patch.unitId) : undefined;
    if (unit) note('unitId', before.unitId, unit.id);
    const columns = { ...after };
    if (roles !== undefined) {
      const roleRows = await resolveRoles(tx, unit ?? (await activeUnit(tx, before.unitId, false)), roles);
      const key = (r: { role: string; scopeUnitId: number | null }): string => `${r.role}@${r.scopeUnitId ?? ''}`;
      const oldKeys = before.roles.map(key).sort().join(',');
      if (roleRows.map(key).sort().join(',') !== oldKeys) {
        await tx.delete(personRoles).where(eq(personRoles.personId, id));
        await writeRoles(tx, id, roleRows);
        note('roles', before.roles.map(({ role, scopeUnitId }) => ({ role, scopeUnitId })), roleRows);
      }
    }
    const changedIds = identities.filter((i) => (before.identities.find((b) => b.platform === i.platform)?.externalId ?? null) !== i.externalId);
    if (changedIds.length > 0) {
      await checkIdentitiesFree(tx, changedIds, id);
      await tx.delete(platformIdentities).where(and(eq(platformIdentities.personId, id), inArray(platformIdentities.platform, changedIds.map((i) => i.platform))));
      await writeIdentities(tx, id, changedIds, ctx.at);
      note('identities', before.identities.filter((b) => changedIds.some((i) => i.platform === b.platform)), changedIds);
    }
    if (Object.keys(after).length === 0) return;
    await tx.update(people).set({ ...columns, updatedAt: ctx.at }).where(eq(people.id, id));
    await appendAudit(tx, ctx.at, { actor: ctx.actor, action: 'person.update', subjectType: 'person', subjectId: id, data: { before: previous, after } });
  });
  return getPerson(db, id);
}

/** Never deletes: the person's records stay and keep their name. */
export async function deactivatePerson(db: DbOrTx, id: number, ctx: WriteContext): Promise<PersonView> {
  await db.transaction(async (tx) => {
    await lockOrg(tx);
    const person = await getPerson(tx, id);
    if (!person.active) return;
    await tx.update(people).set({ active: false, updatedAt: ctx.at }).where(eq(people.id, id));
    await appendAudit(tx, ctx.at, { actor: ctx.actor, action: 'person.deactivate', subjectType: 'person', subjectId: id, data: { name: person.name } });
  });
  return getPerson(db, id);
}

type UnitRow = typeof orgUnits.$inferSelect;

async function activeUnit(tx: DbOrTx, unitId: number, mustBeActive = true): Promise<UnitRow> {
  const [unit] = await tx.select().from(orgUnits).where(eq(orgUnits.id, unitId));
  if (!unit) throw new NotFoundError(`组织单位不存在（id=${unitId}）`);
  if (mustBeActive && !unit.active) throw new ConflictError(`单位“${unit.name}”已停用`);
  return unit;
}

/** Fills in default scopes: a secretary's branch (the unit's branch), a leader's whole 机关党委. */
async function resolveRoles(tx: DbOrTx, unit: UnitRow, roles: readonly RoleInput[]): Promise<{ role: RoleName; scopeUnitId: number | null }[]> {
  const out = new Map<string, { role: RoleName; scopeUnitId: number | null }>();
  for (const r of roles) {
    let scopeUnitId = r.scopeUnitId ?? null;
    if (r.scopeUnitId === undefined && r.role === 'secretary') scopeUnitId = unit.kind === 'group' ? unit.parentId : unit.id;
    if (r.scopeUnitId === undefined && r.role === 'leader') {
      const [root] = await tx.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.kind, 'committee'));
      scopeUnitId = root?.id ?? null;
    }
    if (r.scopeUnitId !== undefined && r.scopeUnitId !== null) {
      const [scope] = await tx.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.id, r.scopeUnitId));
      if (!scope) throw new ValidationError(`角色的适用单位不存在（id=${r.scopeUnitId}）`);
    }
    out.set(`${r.role}@${scopeUnitId ?? ''}`, { role: r.role, scopeUnitId });
  }
  return [...out.values()];
}

async function checkIdentitiesFree(tx: DbOrTx, identities: readonly IdentityInput[], selfId: number | null): Promise<void> {
  const wanted = identities.filter((i): i is IdentityInput & { externalId: string } => i.externalId !== null);
  if (wanted.length === 0) return;
  const match = or(...wanted.map((i) => and(eq(platformIdentities.platform, i.platform), eq(platformIdentities.externalId, i.externalId))));
  const taken = await tx
    .select({ platform: platformIdentities.platform, externalId: platformIdentities.externalId, name: people.name })
    .from(platformIdentities)
    .innerJoin(people, eq(people.id, platformIdentities.personId))
    .where(and(match, selfId === null ? undefined : ne(platformIdentities.personId, selfId)));
  if (taken.length > 0) {
    const messages = taken.map((t) => `${PLATFORM_LABELS[t.platform]} ${t.externalId} 已被 ${t.name} 使用`);
    throw new ConflictError(messages.join('；'), messages.map((message) => ({ message })));
  }
}

async function writeRoles(tx: DbOrTx, personId: number, roles: readonly { role: RoleName; scopeUnitId: number | null }[]): Promise<void> {
  if (roles.length > 0) await tx.insert(personRoles).values(roles.map((r) => ({ personId, ...r })));
}

async function writeIdentities(tx: DbOrTx, personId: number, identities: readonly IdentityInput[], at: Date): Promise<void> {
  const rows = identities.flatMap((i) => (i.externalId === null ? [] : [{ personId, platform: i.platform, externalId: i.externalId, createdAt: at }]));
  if (rows.length === 0) return;
  await tx.insert(platformIdentities).values(rows).catch((e: unknown) => {
    throw isUniqueViolation(e) ? new ConflictError('平台账号已被其他人员使用') : e;
  });
}
