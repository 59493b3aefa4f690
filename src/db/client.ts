import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { LocalListeners, RemoteNotifier } from './notify.js';
import { tunedClient } from './postgres-tuned.js';
import { lockDataDir } from './data-dir-lock.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** Both drivers produce this type, so repositories are written once. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle is a Db too (drizzle's transaction extends the database class). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** LISTEN on a channel; returns the unlisten function. Notifications are hints, never the only path. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /**
   * Wakes the listeners of `channel`: this process's at once, other processes' by `pg_notify`, coalesced (at
   * most one in flight, NOTIFY_GAP_MS apart; one always goes out after the last call). Call it after the commit
   * that made the work visible. Unlike a NOTIFY inside the transaction it adds nothing to the commit, where
   * PostgreSQL serialises every notifying transaction on one lock held through the WAL flush.
   */
  notify(channel: string): void;
  /** Runs `fn` on one connection holding a session advisory lock (serialises migrate across instances). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl?: string;
  /** Embedded database folder; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  maxConnections?: number;
}

export async function openDb(opts: OpenDbOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.maxConnections ?? 10);
  return openPglite(opts.dataDir ?? './data');
}

function openPostgres(url: string, max: number): Database {
  // onnotice: PostgreSQL NOTICEs (e.g. "relation already exists, skipping") are not our log lines.
  const sql = postgres(url, { max, onnotice: () => undefined, connect_timeout: 10, idle_timeout: 60 });
  // Prepared statements, BEGIN/COMMIT pipelined with the statements: see postgres-tuned.ts.
  const db = drizzlePostgres(tunedClient(sql), { schema }) as unknown as Db;
  const local = new LocalListeners();
  // The payload of this process's own notifications: its listeners were woken directly already.
  const self = `pid:${process.pid}:${randomUUID()}`;
  const remote = new RemoteNotifier((channel) => sql`select pg_notify(${channel}, ${self})`.execute());
  return {
    db,
    kind: 'postgres',
    async ping() {
      await sql`select 1`;
    },
    async listen(channel, onNotify) {
      const off = local.add(channel, onNotify);
      try {
        const sub = await sql.listen(channel, (payload) => {
          if (payload !== self) onNotify();
        });
        return async () => {
          off();
          await sub.unlisten();
        };
      } catch (err) {
        off();
        throw err;
      }
    },
    notify(channel) {
      local.fire(channel);
      remote.schedule(channel);
    },
    async withAdvisoryLock(key, fn) {
      const conn = await sql.reserve();
      try {
        await conn`select pg_advisory_lock(${key})`;
        try {
          return await fn();
        } finally {
          await conn`select pg_advisory_unlock(${key})`;
        }
      } finally {
        conn.release();
      }
    },
    async close() {
      remote.close();
      await sql.end({ timeout: 5 });
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  let target = dataDir;
  let unlock = () => undefined as void;
  if (!dataDir.startsWith('memory://')) {
    unlock = lockDataDir(resolve(dataDir));
    target = resolve(dataDir, 'pglite');
    mkdirSync(target, { recursive: true });
  }
  const client = new PGlite(target);
  try {
    await client.waitReady;
  } catch (e) {
    unlock();
    throw e;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const local = new LocalListeners();
  let closed = false;
  return {
    db,
    kind: 'pglite',
    async ping() {
      if (closed) throw new Error('embedded database is closed');
      await client.query('select 1');
    },
    async listen(channel, onNotify) {
      const off = local.add(channel, onNotify);
      let unsub: () => Promise<void>;
      try {
        unsub = await client.listen(channel, () => onNotify());
      } catch (err) {
        off();
        throw err;
      }
      return async () => {
        off();
        if (!closed) await unsub();
      };
    },
    // One process owns an embedded database: its listeners are all here.
    notify(channel) {
      local.fire(channel);
    },
    // One process owns an embedded database, so there is nobody to serialise against.
    async withAdvisoryLock(_key, fn) {
      return fn();
    },
    async close() {
      if (closed) return;
      closed = true;
      // Closing flushes PGlite's files; without it the next start on the same folder may find it unclean.
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}
