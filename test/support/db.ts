import postgres from 'postgres';
import { openDb, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

/**
 * A fresh, migrated database for one test file: on real PostgreSQL when TEST_DATABASE_URL is set (CI sets
 * it), a throw-away database created next to it, so test files never see each other's rows; otherwise an
 * in-memory PGlite. Both go through the production migrate().
 */
export interface TestDatabase {
  database: Database;
  /** Connection string of the throw-away PostgreSQL database (undefined on PGlite). */
  url?: string;
  drop(): Promise<void>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const database = await openDb({ dataDir: 'memory://' });
    if (opts.migrate !== false) await migrate(database);
    return { database, drop: () => database.close() };
  }
  const name = `dj_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(testDatabaseUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const database = await openDb({ databaseUrl: url.toString(), maxConnections: 5 });
  if (opts.migrate !== false) await migrate(database);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const a = postgres(testDatabaseUrl, { max: 1, onnotice: () => undefined });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}
