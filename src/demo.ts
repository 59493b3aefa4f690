import { asc, eq } from 'drizzle-orm';
import type { Database } from './db/client.js';
import { chats, orgUnits } from './db/schema/index.js';
import type { Clock } from './domain/clock.js';
import { seedDemoOrg } from './importers/import-org-file.js';

const DEMO_ACTOR = 'system:demo-seed';

/**
 * Demo data for a fresh demo install: the demo organisation (through the same import as a real file) and a
 * sandbox group chat per branch plus one for the 机关党委, so group features can be tried. Runs only when the
 * database has no organisation yet; returns whether it seeded.
 */
export async function seedDemoIfEmpty(database: Database, clock: Clock): Promise<boolean> {
  const [any] = await database.db.select({ id: orgUnits.id }).from(orgUnits).limit(1);
  if (any) return false;
  await seedDemo(database, clock);
  return true;
}

/** Idempotent: running it again changes nothing. */
export async function seedDemo(database: Database, clock: Clock): Promise<{ unchanged: boolean; chatsCreated: number }> {
  const report = await seedDemoOrg(database, { actor: DEMO_ACTOR, clock });
  const units = await database.db
    .select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind })
    .from(orgUnits)
    .where(eq(orgUnits.active, true))
    .orderBy(asc(orgUnits.id));
  const groups = units
    .filter((u) => u.kind !== 'group')
    .map((u) => ({
      platform: 'sandbox' as const,
      externalId: u.kind === 'committee' ? 'committee' : `branch-${u.id}`,
      name: u.kind === 'committee' ? `${u.name}工作群` : `${u.name}群`,
      unitId: u.id,
      createdAt: clock.now(),
    }));
  const created = groups.length
    ? await database.db.insert(chats).values(groups).onConflictDoNothing({ target: [chats.platform, chats.externalId] }).returning({ id: chats.id })
    : [];
  return { unchanged: report.unchanged && created.length === 0, chatsCreated: created.length };
}
