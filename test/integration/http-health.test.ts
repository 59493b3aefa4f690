import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestApp, type RunningApp } from '../support/app.js';

describe('health, readiness and metrics', () => {
  let t: TestDatabase;
  let app: RunningApp;
  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
  });
  afterAll(async () => {
    await app.close();
    await t.drop().catch(() => undefined);
  });

  it('healthz answers while the process is up', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('readyz is 200 with the database up and migrations applied', async () => {
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true } } });
  });

  it('metrics are in Prometheus text format and count requests by route pattern', async () => {
    await fetch(`${app.url}/healthz`);
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('djb_process_cpu_user_seconds_total');
    expect(text).toMatch(/djb_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/);
  });

  it('an unknown route is a JSON 404 in Chinese', async () => {
    const res = await fetch(`${app.url}/nope`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('/nope');
  });

  it('keeps a sane caller request id and replaces a hostile one', async () => {
    const ok = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(ok.headers.get('x-request-id')).toBe('abc-123');
    const bad = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': '<script>' } });
    expect(bad.headers.get('x-request-id')).not.toBe('<script>');
  });

  // Last: it takes the database away.
  it('readyz is 503 once the database is gone, while healthz still answers', async () => {
    await t.database.close();
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: { database: { ok: boolean }; migrations: { ok: boolean } } };
    expect(body.status).toBe('not_ready');
    expect(body.checks.database.ok).toBe(false);
    expect(body.checks.migrations.ok).toBe(false);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
