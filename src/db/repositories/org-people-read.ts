import { and, count, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { rows as resultRows } from '../migrate.js';
import { orgUnits, people, personRoles, platformIdentities } from '../schema/index.js';
import type { PlatformName, RoleName, UnitKind } from '../../domain/org/types.js';
import { NotFoundError } from '../../errors.js';

export interface PersonView {
  id: number;
  name: string;
  unitId: number;
  unitName: string;
  unitKind: UnitKind;
  mobile: string | null;
  active: boolean;
  roles: { role: RoleName; scopeUnitId: number | null; scopeUnitName: string | null }[];
  identities: { platform: PlatformName; externalId: string }[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ListPeopleQuery {
  /** People in this unit or any unit below it. */
  unitId?: number;
  /**
   * Only people in these units (already expanded to subtrees by the caller; combined with unitId, both must
   * hold): the admin console's scope of a leader of several branches. Undefined = everyone.
   */
  unitIds?: readonly number[];
  /** Part of a name, a mobile number or a platform account. */
  q?: string;
  includeInactive?: boolean;
  limit?: number;
  offset?: number;
}

export const MAX_PAGE_SIZE = 500;

export async function listPeople(db: DbOrTx, query: ListPeopleQuery = {}): Promise<{ total: number; items: PersonView[] }> {
  const conditions: SQL[] = [];
  if (!query.includeInactive) conditions.push(eq(people.active, true));
  if (query.unitIds !== undefined) {
    if (query.unitIds.length === 0) return { total: 0, items: [] };
    conditions.push(inArray(people.unitId, [...query.unitIds]));
  }
  if (query.unitId !== undefined) conditions.push(inArray(people.unitId, await subtreeIds(db, query.unitId)));
  const q = query.q?.trim();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const byAccount = db.select({ id: platformIdentities.personId }).from(platformIdentities).where(ilike(platformIdentities.externalId, pattern));
    const match = or(ilike(people.name, pattern), ilike(people.mobile, pattern), inArray(people.id, byAccount));
    if (match) conditions.push(match);
  }
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const [totalRow] = await db.select({ n: count() }).from(people).where(where);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_PAGE_SIZE);
  const rows = await db.select({ id: people.id }).from(people).where(where).orderBy(people.id).limit(limit).offset(Math.max(query.offset ?? 0, 0));
  return { total: Number(totalRow?.n ?? 0), items: await personViews(db, rows.map((r) => r.id)) };
}

export async function getPerson(db: DbOrTx, id: number): Promise<PersonView> {
  const [view] = await personViews(db, [id]);
  if (!view) throw new NotFoundError(`人员不存在（id=${id}）`);
  return view;
}

/** Who a platform account belongs to (active or not: the caller decides what an inactive person may do). */
export async function findPersonByIdentity(db: DbOrTx, platform: PlatformName, externalId: string): Promise<PersonView | undefined> {
  const [row] = await db
    .select({ personId: platformIdentities.personId })
    .from(platformIdentities)
    .where(and(eq(platformIdentities.platform, platform), eq(platformIdentities.externalId, externalId)));
  if (!row) return undefined;
  const [view] = await personViews(db, [row.personId]);
  return view;
}

/** Full views in the order of `ids`; unknown ids are left out. */
export async function personViews(db: DbOrTx, ids: readonly number[]): Promise<PersonView[]> {
  if (ids.length === 0) return [];
  const idList = [...ids];
  const rows = await db
    .select({ person: people, unitName: orgUnits.name, unitKind: orgUnits.kind })
    .from(people)
    .innerJoin(orgUnits, eq(orgUnits.id, people.unitId))
    .where(inArray(people.id, idList));
  const roles = await db
    .select({ personId: personRoles.personId, role: personRoles.role, scopeUnitId: personRoles.scopeUnitId, scopeUnitName: orgUnits.name })
    .from(personRoles)
    .leftJoin(orgUnits, eq(orgUnits.id, personRoles.scopeUnitId))
    .where(inArray(personRoles.personId, idList))
    .orderBy(personRoles.id);
  const identities = await db.select().from(platformIdentities).where(inArray(platformIdentities.personId, idList)).orderBy(platformIdentities.platform);
  const byId = new Map(rows.map((r) => [r.person.id, r]));
  return idList.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const { person } = r;
    return [{
      id: person.id,
      name: person.name,
      unitId: person.unitId,
      unitName: r.unitName,
      unitKind: r.unitKind,
      mobile: person.mobile,
      active: person.active,
      roles: roles.filter((x) => x.personId === id).map(({ role, scopeUnitId, scopeUnitName }) => ({ role, scopeUnitId, scopeUnitName })),
      identities: identities.filter((x) => x.personId === id).map(({ platform, externalId }) => ({ platform, externalId })),
      createdAt: person.createdAt,
      updatedAt: person.updatedAt,
    }];
  });
}

/** The unit and every unit below it. */
export async function subtreeIds(db: DbOrTx, unitId: number): Promise<number[]> {
  const result = await db.execute<{ id: number }>(sql`
    with recursive t(id) as (select ${unitId}::int union all select u.id from org_units u join t on u.parent_id = t.id)
    select id from t`);
  return resultRows<{ id: number }>(result).map((r) => Number(r.id));
}
