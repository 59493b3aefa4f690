import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { ValidationError } from '../../errors.js';

/** Who makes a change, and when (from the injected Clock): every write records both in the audit log. */
export interface WriteContext {
  actor: string;
  at: Date;
}

/**
 * Serialises writes to the organisation (imports, admin edits) across instances, so an import's snapshot is
 * still true when its plan is applied. Held until the transaction ends; taken before the audit lock.
 */
const ORG_WRITE_LOCK = 727_010;

export async function lockOrg(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ORG_WRITE_LOCK})`);
}

/** All problems of one input at once. */
export function throwIfProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new ValidationError(problems.join('；'), problems.map((message) => ({ message })));
}

/** Splits a list into chunks, keeping multi-row statements under PostgreSQL's parameter limit. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
