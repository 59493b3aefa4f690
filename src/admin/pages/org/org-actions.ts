/** How the 组织 pages run a change: who and when for the audit log, and refusals shown back on the page. */
import type { Context } from 'koa';
import type { WriteContext } from '../../../db/repositories/org.js';
import { AppError } from '../../../errors.js';
import type { AppDeps } from '../../../http/deps.js';
import { actorOf, type ConsoleUser } from '../../console-user.js';
import { redirectWithFlash } from '../../layout.js';

/**
 * The repository functions (the same as the admin API's) write the audit entry themselves in the change's
 * transaction; the console passes the person as the actor ("person:<id>"), like their changes in the messenger.
 */
export const writeContext = (user: ConsoleUser, deps: AppDeps): WriteContext => ({ actor: actorOf(user), at: deps.clock.now() });

/**
 * Runs a change and redirects (303) to its page with a message. A refusal a person can act on (a bad name, a
 * taken account, a unit that still has members) goes back to `back` as an error message; "forbidden" and "not
 * found" stay errors (error pages with their status).
 */
export async function changeOrFlash(ctx: Context, back: string, change: () => Promise<{ to: string; message: string }>): Promise<void> {
  let done: { to: string; message: string };
  try {
    done = await change();
  } catch (e) {
    if (e instanceof AppError && e.expose && e.status !== 403 && e.status !== 404) {
      redirectWithFlash(ctx, back, `未保存：${e.message}`, 'error');
      return;
    }
    throw e;
  }
  redirectWithFlash(ctx, done.to, done.message);
}
