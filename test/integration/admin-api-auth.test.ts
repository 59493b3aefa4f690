import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, revokeAdminToken } from '../../src/db/repositories/admin-tokens.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startTestApp, type RunningApp } from '../support/app.js';

describe('admin API: tokens, errors, OpenAPI, calendar', () => {
  let t: TestDatabase;
  let app: RunningApp;
  let adminToken: string;
  let leaderToken: string;
  const at = new Date('2026-11-22T02:00:00Z');

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestApp(t.database);
    adminToken = (await createAdminToken(t.database.db, { name: '党务办公室', role: 'admin', actor: 'test', at })).token;
    leaderToken = (await createAdminToken(t.database.db, { name: '分管领导', role: 'leader', actor: 'test', at })).token;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const call = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${app.url}/api/v1${path}`, {
      ...init,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
    });

  it('refuses requests without a token, or with a wrong or revoked one', async () => {
    const none = await call('/calendar/2026');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await call('/calendar/2026', { token: 'djb_wrong' })).status).toBe(401);
    const { token } = await createAdminToken(t.database.db, { name: '临时', role: 'admin', actor: 'test', at });
    expect((await call('/calendar/2026', { token })).status).toBe(200);
    expect(await revokeAdminToken(t.database.db, { name: '临时', actor: 'test', at })).toBe(true);
    expect((await call('/calendar/2026', { token })).status).toBe(401);
  });

  it('stores only a hash of the token', async () => {
    const rows = await t.database.db.query.adminTokens.findMany();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(r.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.tokenHash).not.toBe(adminToken);
    }
  });

  it('refuses a duplicate token name with a Chinese conflict message', async () => {
    await expect(createAdminToken(t.database.db, { name: '党务办公室', role: 'admin', actor: 'test', at })).rejects.toThrow('已有名为“党务办公室”的令牌');
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const res = await fetch(`${app.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    const put = doc.paths['/api/v1/calendar/days/{date}']?.put;
    expect(put?.requestBody?.content['application/json']?.schema.properties).toHaveProperty('workday');
  });

  it('sets a calendar override as admin, validates input, and keeps leaders read-only', async () => {
    const ok = await call('/calendar/days/2027-02-06', { method: 'PUT', token: adminToken, body: JSON.stringify({ workday: true, note: '春节调休上班' }) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ changed: true, day: { date: '2027-02-06', workday: true, source: 'override', name: '春节调休上班' } });

    const read = await call('/calendar/2027', { token: leaderToken });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ year: 2027, holidayDataAvailable: false, overrides: [{ date: '2027-02-06', workday: true, note: '春节调休上班' }] });

    const forbidden = await call('/calendar/days/2027-02-07', { method: 'PUT', token: leaderToken, body: JSON.stringify({ workday: true }) });
    expect(forbidden.status).toBe(403);

    const badDate = await call('/calendar/days/2027-02-30', { method: 'PUT', token: adminToken, body: JSON.stringify({ workday: true }) });
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as { error: { message: string } }).error.message).toContain('YYYY-MM-DD');

    const badBody = await call('/calendar/days/2027-02-07', { method: 'PUT', token: adminToken, body: '{"workday": "yes"' });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { error: { message: string } }).error.message).toBe('请求体不是有效的 JSON');

    // Nothing was written by the refused requests.
    expect((await (await call('/calendar/days/2027-02-07', { token: adminToken })).json())).toMatchObject({ workday: false, source: 'weekday' });
  });

  it('never logs a token', async () => {
    await call('/calendar/2026', { token: adminToken });
    expect(app.logs.text).not.toContain(adminToken);
    expect(app.logs.text).not.toContain(leaderToken);
  });
});
