import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedMigrationCount, expectedMigrationCount, migrate, rows } from '../../src/db/migrate.js';
import { pgError } from '../../src/db/pg-error.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

describe(`migrate() on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => t.drop());

  it('applies every shipped migration, and a second run is a no-op', async () => {
    expect(await appliedMigrationCount(t.database)).toBe(0);
    await migrate(t.database);
    expect(await appliedMigrationCount(t.database)).toBe(expectedMigrationCount());
    await migrate(t.database);
    expect(await appliedMigrationCount(t.database)).toBe(expectedMigrationCount());
    const tables = rows<{ table_name: string }>(
      await t.database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`),
    ).map((r) => r.table_name);
    expect(tables).toEqual(
      expect.arrayContaining(['org_units', 'people', 'person_roles', 'platform_identities', 'chats', 'calendar_overrides', 'admin_tokens', 'audit_log']),
    );
  });

  it('refuses to update or delete audit log rows', async () => {
    await t.database.db.execute(
      sql`insert into audit_log (at, actor, action, subject_type, prev_hash, hash) values (now(), 'test', 'x', 'y', '', 'h1')`,
    );
    const update = await t.database.db.execute(sql`update audit_log set actor = 'evil'`).catch((e: unknown) => e);
    expect(pgError(update)?.message).toMatch(/append-only/);
    const del = await t.database.db.execute(sql`delete from audit_log`).catch((e: unknown) => e);
    expect(pgError(del)?.message).toMatch(/append-only/);
    const left = rows<{ actor: string }>(await t.database.db.execute(sql`select actor from audit_log`));
    expect(left).toEqual([{ actor: 'test' }]);
  });
});
