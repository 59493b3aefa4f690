import type { DbOrTx } from '../../db/client.js';
import type { AdminPrincipal } from '../../db/repositories/admin-tokens.js';
import { subtreeIds } from '../../db/repositories/org-people-read.js';
import { ForbiddenError } from '../../errors.js';

/**
 * The units a principal may see: everything for admins and unscoped leader tokens, the scope unit and what is
 * below it otherwise. Checked here, on the server, for every read — not only hidden in a UI.
 */
export async function visibleUnitIds(db: DbOrTx, principal: AdminPrincipal): Promise<Set<number> | 'all'> {
  if (principal.role === 'admin' || principal.scopeUnitId === null) return 'all';
  return new Set(await subtreeIds(db, principal.scopeUnitId));
}

export function assertVisible(visible: Set<number> | 'all', unitId: number): void {
  if (visible !== 'all' && !visible.has(unitId)) throw new ForbiddenError('该单位不在您的查看范围内');
}
