import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { PeopleDirectory, PersonView, RoleName } from '../../domain/conversation/ports.js';
import type { PlatformId } from '../../domain/messaging/types.js';
import type { DbOrTx } from '../client.js';
import { orgUnits, people, personRoles, platformIdentities } from '../schema/index.js';

/**
 * Finds the person behind a platform identity. The sandbox is our own messenger: its person id *is* the
 * external id, so it needs no identity rows. Inactive people are not found: they can no longer act.
 */
export function peopleDirectory(db: DbOrTx): PeopleDirectory {
  return {
    async byPlatformIdentity(platform: PlatformId, externalId: string): Promise<PersonView | undefined> {
      let personId: number | undefined;
      if (platform === 'sandbox') {
        personId = /^\d{1,9}$/.test(externalId) ? Number(externalId) : undefined;
      } else {
        const [row] = await db
          .select({ personId: platformIdentities.personId })
          .from(platformIdentities)
          .where(and(eq(platformIdentities.platform, platform), eq(platformIdentities.externalId, externalId)));
        personId = row?.personId;
      }
      if (personId === undefined) return undefined;
      return personView(db, personId);
    },
  };
}

const parentUnit = alias(orgUnits, 'parent_unit');

export async function personView(db: DbOrTx, personId: number): Promise<PersonView | undefined> {
  const [p] = await db
    .select({
      id: people.id, name: people.name, unitId: people.unitId, unitName: orgUnits.name, unitKind: orgUnits.kind, active: people.active,
      parentId: parentUnit.id, parentName: parentUnit.name,
    })
    .from(people)
    .innerJoin(orgUnits, eq(orgUnits.id, people.unitId))
    .leftJoin(parentUnit, eq(parentUnit.id, orgUnits.parentId))
    .where(eq(people.id, personId));
  if (!p || !p.active) return undefined;
  const roles = await db.select({ role: personRoles.role }).from(personRoles).where(eq(personRoles.personId, personId));
  const set = new Set<RoleName>(['member', ...roles.map((r) => r.role)]);
  // A 党小组 member belongs to the branch above the group.
  const branch = p.unitKind === 'branch' ? { id: p.unitId, name: p.unitName } : p.unitKind === 'group' ? { id: p.parentId, name: p.parentName } : null;
  return { id: p.id, name: p.name, unitId: p.unitId, unitName: p.unitName, branchId: branch?.id ?? null, branchName: branch?.name ?? null, roles: [...set] };
}

/** The identity to message a person on a platform (the sandbox uses the person id itself). */
export async function recipientId(db: DbOrTx, platform: PlatformId, personId: number): Promise<string | undefined> {
  if (platform === 'sandbox') return String(personId);
  const [row] = await db
    .select({ externalId: platformIdentities.externalId })
    .from(platformIdentities)
    .where(and(eq(platformIdentities.platform, platform), eq(platformIdentities.personId, personId)));
  return row?.externalId;
}
