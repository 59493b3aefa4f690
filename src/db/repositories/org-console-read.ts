import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { auditLog } from '../schema/index.js';

/** Reads for the admin console's 组织 pages beyond the admin API's (the people list is listPeople with `unitIds`). */
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
