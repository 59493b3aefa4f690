import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { createAdminToken } from '../../src/db/repositories/admin-tokens.js';
import { seedDemo } from '../../src/demo.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestApp, type RunningApp } from '../support/app.js';

/** The reminder admin API over HTTP: settings per agency and branch, preview, burden, meetings, roles. */
describe('reminders admin API', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let app: RunningApp;
  let admin: string;
  let leader: string;
  let branchId: number;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    await seedDemo(t.database, app.clock, 'Asia/Shanghai');
    const at = app.clock.now();
    admin = (await createAdminToken(t.database.db, { name: '党务办公室', role: 'admin', actor: 'test', at })).token;
    leader = (await createAdminToken(t.database.db, { name: '分管领导', role: 'leader', actor: 'test', at })).token;
    branchId = rows<{ id: number }>(await t.database.db.execute(sql`select id from org_units where kind = 'branch' order by id limit 1`))[0]!.id;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const call = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${app.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });

  it('changes a branch setting without touching the agency default, and refuses bad values', async () => {
    const patch = await call(`/reminders/settings?branch=${branchId}`, admin, { method: 'PATCH', body: JSON.stringify({ weeklyCap: 3, quietStart: '20:30' }) });
    expect(patch.status).toBe(200);
    const branch = (await (await call(`/reminders/settings?branch=${branchId}`, leader)).json()) as Record<string, unknown>;
    const agency = (await (await call('/reminders/settings', leader)).json()) as Record<string, unknown>;
    expect(JSON.stringify(branch)).toContain('"weeklyCap":3');
    expect(JSON.stringify(agency)).not.toContain('"weeklyCap":3');
    const bad = await call('/reminders/settings', admin, { method: 'PATCH', body: JSON.stringify({ weeklyCap: -1 }) });
    expect(bad.status).toBe(400);
    const forbidden = await call('/reminders/settings', leader, { method: 'PATCH', body: JSON.stringify({ weeklyCap: 9 }) });
    expect(forbidden.status).toBe(403);
  });

  it('previews a day without sending, for admins only', async () => {
    const before = rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from outbox`))[0]!.n;
    const res = await call('/reminders/preview?date=2026-11-30', admin);
    expect(res.status).toBe(200);
    expect(rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from outbox`))[0]!.n).toBe(before);
    expect((await call('/reminders/preview?date=2026-11-30', leader)).status).toBe(403);
  });

  it('records a meeting for a branch and reports the burden figure without names', async () => {
    const ok = await call(`/branches/${branchId}/meetings`, admin, { method: 'POST', body: JSON.stringify({ kind: '支委会', heldOn: '2026-11-20' }) });
    expect(ok.status).toBe(201);
    const n = rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from meeting_records where unit_id = ${branchId}`))[0]!.n;
    expect(n).toBe(1);
    const future = await call(`/branches/${branchId}/meetings`, admin, { method: 'POST', body: JSON.stringify({ kind: '支委会', heldOn: '2027-01-01' }) });
    expect(future.status).toBe(400);
    const burden = await call('/reminders/burden', leader);
    expect(burden.status).toBe(200);
    const text = await burden.text();
    expect(text).not.toMatch(/张伟|王海峰|李秀梅/);
  });
});
