import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDb, type Database } from '../src/db/client.js';
import { migrate, rows } from '../src/db/migrate.js';

/**
 * The database a benchmark runs on: PGlite in memory by default; with BENCH_DATABASE_URL (or TEST_DATABASE_URL)
 * a throw-away PostgreSQL database created next to the given one, migrated with the production migrate(), and
 * dropped by `drop()`.
 */
export async function openBenchDatabase(): Promise<{ database: Database; label: string; drop(): Promise<void> }> {
  const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!baseUrl) {
    const database = await openDb({ dataDir: 'memory://' });
    await migrate(database);
    return { database, label: 'PGlite (in memory)', drop: () => database.close() };
  }
  const name = `dj_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const database = await openDb({ databaseUrl: url.toString(), maxConnections: 10 });
  await migrate(database);
  const version = rows<{ v: string }>(await database.db.execute(sql`select current_setting('server_version') as v`))[0]?.v ?? '?';
  return {
    database,
    label: `PostgreSQL ${version} (${url.host}, throw-away db ${name})`,
    async drop() {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
