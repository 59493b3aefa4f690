import { sql } from 'drizzle-orm';
import type { Context } from 'koa';
import type { DbOrTx } from '../db/client.js';
import { rows } from '../db/migrate.js';
import { appendAudit, type AuditEntry } from '../db/repositories/audit.js';
import { subtreeIds } from '../db/repositories/org-people-read.js';
import { leaderScopes } from '../db/repositories/admin-sessions.js';
import type { PersonView } from '../domain/conversation/ports.js';
import { ForbiddenError } from '../errors.js';
import type { FormData } from './forms.js';

/**
 * Who is using the console, decided on every request from the person's current roles (a role taken away ends
 * the access at the next click, not at the next sign-in): admins see and change everything; leaders see the
 * units under their 分管范围 (none given = the whole agency) and change nothing.
 */
export interface ConsoleUser {
  sessionId: number;
  person: PersonView;
  role: 'admin' | 'leader';
  canWrite: boolean;
  /** Unit ids this user may see, or 'all'. Checked by every page and action on the server. */
  visible: Set<number> | 'all';
  /** The form token of this session (hidden field `_csrf`). */
  csrf: string;
}

/** The console role of a person, or null when they have no business there. */
export async function consoleRoleOf(db: DbOrTx, person: PersonView): Promise<Pick<ConsoleUser, 'role' | 'canWrite' | 'visible'> | null> {
  if (person.roles.includes('admin')) return { role: 'admin', canWrite: true, visible: 'all' };
  if (!person.roles.includes('leader')) return null;
  const scopes = await leaderScopes(db, person.id);
  if (scopes.length === 0 || scopes.includes(null)) return { role: 'leader', canWrite: false, visible: 'all' };
  const visible = new Set<number>();
  for (const unitId of scopes) for (const id of await subtreeIds(db, unitId!)) visible.add(id);
  // A scope at the 机关党委 (the root) covers everything: the same as no scope, and pages can take the short path.
  const [all] = rows<{ n: number }>(await db.execute(sql`select count(*)::int as n from org_units`));
  if (visible.size >= Number(all?.n ?? Infinity)) return { role: 'leader', canWrite: false, visible: 'all' };
  return { role: 'leader', canWrite: false, visible };
}

/** The signed-in user of a console request (set by the session middleware). */
export function consoleUser(ctx: Context): ConsoleUser {
  const user = ctx.state.consoleUser as ConsoleUser | undefined;
  if (!user) throw new ForbiddenError('请先登录管理后台。');
  return user;
}

/** The parsed body of a console POST (parsed once, by the CSRF check). */
export function postedForm(ctx: Context): FormData {
  const form = ctx.state.form as FormData | undefined;
  if (!form) throw new Error('postedForm: no form on this request (only POST requests under /admin have one)');
  return form;
}

/** Throws unless the user may change things: leaders look, admins act — enforced here, not by hiding buttons. */
export function requireWrite(user: ConsoleUser): void {
  if (!user.canWrite) throw new ForbiddenError('领导账号只能查看，不能修改。如需修改，请联系机关党委管理员。');
}

export function canSeeUnit(user: ConsoleUser, unitId: number | null): boolean {
  return user.visible === 'all' || (unitId !== null && user.visible.has(unitId));
}

export function requireUnit(user: ConsoleUser, unitId: number | null): void {
  if (!canSeeUnit(user, unitId)) throw new ForbiddenError('该单位不在您的查看范围内。');
}

/** The audit actor of console changes: the person, like their changes through the messenger. */
export const actorOf = (user: ConsoleUser): string => `person:${user.person.id}`;

/** Writes one audit entry for a console change (inside the change's transaction); marks it as made in the console. */
export function auditConsole(tx: DbOrTx, user: ConsoleUser, at: Date, entry: Omit<AuditEntry, 'actor'>): Promise<string> {
  return appendAudit(tx, at, { ...entry, actor: actorOf(user), data: { ...(entry.data ?? {}), via: 'console', session: user.sessionId } });
}
