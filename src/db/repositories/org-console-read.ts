import { and, count, desc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { auditLog, people, platformIdentities } from '../schema/index.js';
import { MAX_PAGE_SIZE, personViews, subtreeIds, type PersonView } from './org-people-read.js';

/**
 * Reads for the admin console's 组织 pages that the admin API's listPeople does not cover: a leader's scope is a
 * set of units (several branches), not one subtree, so the people list is filtered by a set of unit ids.
 */
export interface ConsolePeopleQuery {
  /** Only people in these units (already expanded to subtrees by the caller); undefined = everyone. */
  unitIds?: readonly number[];
  /** People in this unit or any unit below it (combined with unitIds: both must hold). */
  unitId?: number;
  /** Part of a name, a mobile number or a platform account. */
  q?: string;
  includeInactive?: boolean;
  limit?: number;
  offset?: number;
}

export async function listPeopleForConsole(db: DbOrTx, query: ConsolePeopleQuery): Promise<{ total: number; items: PersonView[] }> {
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

export interface AuditLine {
  at: Date;
  actor: string;
  action: string;
  data: unknown;
}

/** The latest audit entries about one subject (a person, a unit), newest first. */
export async function recentAuditOf(db: DbOrTx, subjectType: string, subjectId: string | number, limit = 20): Promise<AuditLine[]> {
  return db
    .select({ at: auditLog.at, actor: auditLog.actor, action: auditLog.action, data: auditLog.data })
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, subjectType), eq(auditLog.subjectId, String(subjectId))))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
