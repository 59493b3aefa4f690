import { and, eq, inArray } from 'drizzle-orm';
import type { PlatformId } from '../../domain/messaging/types.js';
import type { DbOrTx } from '../client.js';
import { people, platformIdentities } from '../schema/index.js';

export interface PersonRecipient {
  personId: number;
  platform: PlatformId;
  id: string;
}

/**
 * Where to reach each active person: the first of the enabled platforms (in priority order) on which they
 * have an identity. The sandbox needs no identity row (its id is the person id). People reachable nowhere
 * are left out and counted by the caller.
 */
export async function activeRecipients(db: DbOrTx, platforms: readonly PlatformId[]): Promise<Map<number, PersonRecipient>> {
  const active = await db.select({ id: people.id }).from(people).where(eq(people.active, true));
  const external = platforms.filter((p) => p !== 'sandbox');
  const identities = external.length
    ? await db
        .select({ personId: platformIdentities.personId, platform: platformIdentities.platform, externalId: platformIdentities.externalId })
        .from(platformIdentities)
        .innerJoin(people, eq(people.id, platformIdentities.personId))
        .where(and(eq(people.active, true), inArray(platformIdentities.platform, external)))
    : [];
  const byPerson = new Map<number, Map<PlatformId, string>>();
  for (const i of identities) (byPerson.get(i.personId) ?? byPerson.set(i.personId, new Map()).get(i.personId)!).set(i.platform, i.externalId);
  const out = new Map<number, PersonRecipient>();
  for (const { id } of active) {
    for (const platform of platforms) {
      const ext = platform === 'sandbox' ? String(id) : byPerson.get(id)?.get(platform);
      if (ext) {
        out.set(id, { personId: id, platform, id: ext });
        break;
      }
    }
  }
  return out;
}
