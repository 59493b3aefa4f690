import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';

export const ORG_TABLES = ['org_units', 'people', 'person_roles', 'platform_identities', 'chats', 'audit_log'] as const;

/** Row count of every organisation table and the audit log. */
export async function countOrgRows(database: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ORG_TABLES) {
    const [r] = rows<{ n: number }>(await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)));
    out[table] = Number(r?.n ?? -1);
  }
  return out;
}

/** Audit rows in order: [action, subjectType, subjectId]. */
export async function auditTrail(database: Database): Promise<{ action: string; subject_type: string; subject_id: string | null; actor: string; data: Record<string, unknown> }[]> {
  return rows(await database.db.execute(sql`select action, subject_type, subject_id, actor, data from audit_log order by id`));
}
