import { and, eq } from 'drizzle-orm';
import type { PeopleDirectory, PersonView, RoleName } from '../../domain/conversation/ports.js';
import type { PlatformId } from '../../domain/messaging/types.js';
import type { DbOrTx } from '../client.js';
import { orgUnits, people, personRoles, platformIdentities } from '../schema/index.js';

/**
 * Finds the person behind a platform identity. The sandbox is our own messenger: its person id *is* the
 * external id, so it needs no identity rows.
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

export async function personView(db: DbOrTx, personId: number): Promise<PersonView | undefined> {
  const [p] = await db
    .select({ id: people.id, name: people.name, unitId: people.unitId, unitName: orgUnits.name, active: people.active })
    .from(people)
    .innerJoin(orgUnits, eq(orgUnits.id, people.unitId))
    .where(eq(people.id, personId));
  if (!p || !p.active) return undefined;
  const roles = await db.select({ role: personRoles.role }).from(personRoles).where(eq(personRoles.personId, personId));
  const set = new Set<RoleName>(['member', ...roles.map((r) => r.role)]);
  return { id: p.id, name: p.name, unitId: p.unitId, unitName: p.unitName, roles: [...set] };
}
