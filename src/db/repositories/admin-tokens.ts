import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { ConflictError, ValidationError } from '../../errors.js';
import type { Db } from '../client.js';
import { isUniqueViolation } from '../pg-error.js';
import { adminTokens, orgUnits } from '../schema/index.js';
import { appendAudit } from './audit.js';

export type TokenRole = 'admin' | 'leader';

export interface AdminPrincipal {
  tokenId: number;
  name: string;
  role: TokenRole;
  /** A leader's token may be limited to one unit (and what is below it); admins see everything. */
  scopeUnitId: number | null;
}

const PREFIX = 'djb_';

/** SHA-256 is enough here: tokens are 256 random bits, so there is nothing to brute-force a slow hash against. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createAdminToken(
  db: Db,
  input: { name: string; role: TokenRole; scopeUnitId?: number | null; actor: string; at: Date },
): Promise<{ token: string; id: number }> {
  const name = input.name.trim();
  if (!name) throw new ValidationError('令牌名称不能为空');
  const token = PREFIX + randomBytes(32).toString('base64url');
  try {
    return await db.transaction(async (tx) => {
      if (input.scopeUnitId != null) {
        const [unit] = await tx.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.id, input.scopeUnitId));
        if (!unit) throw new ValidationError(`单位 ${input.scopeUnitId} 不存在`);
      }
      const [row] = await tx
        .insert(adminTokens)
        .values({ name, tokenHash: hashToken(token), role: input.role, scopeUnitId: input.scopeUnitId ?? null, createdAt: input.at })
        .returning({ id: adminTokens.id });
      if (!row) throw new Error('insert returned no row');
      // The audit row names the token, never its value or hash.
      await appendAudit(tx, input.at, { actor: input.actor, action: 'admin_token.create', subjectType: 'admin_token', subjectId: row.id, data: { name, role: input.role, scopeUnitId: input.scopeUnitId ?? null } });
      return { token, id: row.id };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(`已有名为“${name}”的令牌`);
    throw e;
  }
}

/** Looks a presented bearer token up by its hash; revoked and malformed tokens find nothing. */
export async function findAdminByToken(db: Db, token: string, at: Date): Promise<AdminPrincipal | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
  const [row] = await db
    .update(adminTokens)
    .set({ lastUsedAt: at })
    .where(and(eq(adminTokens.tokenHash, hashToken(token)), isNull(adminTokens.revokedAt)))
    .returning({ id: adminTokens.id, name: adminTokens.name, role: adminTokens.role, scopeUnitId: adminTokens.scopeUnitId });
  if (!row || (row.role !== 'admin' && row.role !== 'leader')) return undefined;
  return { tokenId: row.id, name: row.name, role: row.role, scopeUnitId: row.scopeUnitId };
}

export async function revokeAdminToken(db: Db, input: { name: string; actor: string; at: Date }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(adminTokens)
      .set({ revokedAt: input.at })
      .where(and(eq(adminTokens.name, input.name), isNull(adminTokens.revokedAt)))
      .returning({ id: adminTokens.id });
    if (!row) return false;
    await appendAudit(tx, input.at, { actor: input.actor, action: 'admin_token.revoke', subjectType: 'admin_token', subjectId: row.id, data: { name: input.name } });
    return true;
  });
}
