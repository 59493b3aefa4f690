import Router from '@koa/router';
import { appliedMigrationCount, expectedMigrationCount } from '../../db/migrate.js';
import type { AppDeps } from '../deps.js';

const CHECK_TIMEOUT_MS = 2000;

/** /healthz: the process answers. /readyz: it can do its work (database up, schema current, streams up). */
export function healthRoutes(deps: AppDeps): Router {
  const router = new Router();
  const expected = expectedMigrationCount();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    checks.database = await withTimeout(async () => {
      await deps.database.ping();
      return { ok: true };
    });
    checks.migrations = checks.database.ok
      ? await withTimeout(async () => {
          const applied = await appliedMigrationCount(deps.database);
          return applied >= expected ? { ok: true } : { ok: false, detail: `${applied}/${expected} applied` };
        })
      : { ok: false, detail: 'database unreachable' };
    for (const extra of deps.readiness ?? []) checks[extra.name] = await withTimeout(() => extra.check());
    const ok = Object.values(checks).every((c) => c.ok);
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ready' : 'not_ready', checks };
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  return router;
}

async function withTimeout(fn: () => Promise<{ ok: boolean; detail?: string }>): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<{ ok: boolean; detail: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message.split('\n')[0] : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}
