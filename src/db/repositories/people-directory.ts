import { sql, type SQL } from 'drizzle-orm';
import type { PeopleDirectory, PersonView, RoleName } from '../../domain/conversation/ports.js';
import type { PlatformId } from '../../domain/messaging/types.js';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';

/**
 * Finds the person behind a platform identity. The sandbox is our own messenger: its person id *is* the
 * external id, so it needs no identity rows. Inactive people are not found: they can no longer act.
 */
export function peopleDirectory(db: DbOrTx): PeopleDirectory {
  return {
    async byPlatformIdentity(platform: PlatformId, externalId: string): Promise<PersonView | undefined> {
      if (platform === 'sandbox') {
        return /^\d{1,9}$/.test(externalId) ? personView(db, Number(externalId)) : undefined;
      }
      // Identity, person, unit, parent unit and roles in one round trip: this runs for every inbound event.
      return selectPersonView(
        db,
        sql`p.id = (select i.person_id from platform_identities i where i.platform = ${platform}::platform_name and i.external_id = ${externalId})`,
      );
    },
  };
}

export async function personView(db: DbOrTx, personId: number): Promise<PersonView | undefined> {
  return selectPersonView(db, sql`p.id = ${personId}`);
}

/** The columns of a person view (with `people p`, `org_units u` on p.unit_id and `org_units pu` on u.parent_id). */
export interface PersonViewRow {
  id: number;
  name: string;
  unit_id: number;
  unit_name: string;
  unit_kind: 'committee' | 'branch' | 'group';
  active: boolean;
  parent_id: number | null;
  parent_name: string | null;
  roles: string | null;
}

export const PERSON_VIEW_COLUMNS = sql.raw(`p.id, p.name, p.unit_id, u.name as unit_name, u.kind as unit_kind, p.active, pu.id as parent_id, pu.name as parent_name,
             (select string_agg(r.role::text, ',') from person_roles r where r.person_id = p.id) as roles`);

/** A person view row → PersonView; undefined for an inactive person (they can no longer act). */
export function toPersonView(p: PersonViewRow): PersonView | undefined {
  if (!p.active) return undefined;
  const set = new Set<RoleName>(['member', ...((p.roles ? p.roles.split(',') : []) as RoleName[])]);
  // A 党小组 member belongs to the branch above the group.
  const branch = p.unit_kind === 'branch' ? { id: p.unit_id, name: p.unit_name } : p.unit_kind === 'group' ? { id: p.parent_id, name: p.parent_name } : null;
  return { id: p.id, name: p.name, unitId: p.unit_id, unitName: p.unit_name, branchId: branch?.id ?? null, branchName: branch?.name ?? null, roles: [...set] };
}

async function selectPersonView(db: DbOrTx, where: SQL): Promise<PersonView | undefined> {
  const [p] = rows<PersonViewRow>(
    await db.execute(sql`
      select ${PERSON_VIEW_COLUMNS}
      from people p
      join org_units u on u.id = p.unit_id
      left join org_units pu on pu.id = u.parent_id
      where ${where}`),
  );
  return p ? toPersonView(p) : undefined;
}

/** The identity to message a person on a platform (the sandbox uses the person id itself). */
export async function recipientId(db: DbOrTx, platform: PlatformId, personId: number): Promise<string | undefined> {
  if (platform === 'sandbox') return String(personId);
  const [row] = rows<{ external_id: string }>(
    await db.execute(sql`select external_id from platform_identities where platform = ${platform}::platform_name and person_id = ${personId}`),
  );
  return row?.external_id;
}
