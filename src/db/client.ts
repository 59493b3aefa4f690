import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
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

/** How many distinct statements each connection may keep prepared (PostgreSQL holds them per session). */
const MAX_PREPARED_STATEMENTS = 500;
/** Statements with more parameters than this (multi-row VALUES, long IN lists) vary in text and run unprepared. */
const MAX_PREPARED_PARAMETERS = 64;

type Unsafe = (query: string, params?: unknown[], options?: object) => postgres.PendingQuery<postgres.Row[]>;
type TxFn = (tx: postgres.Sql) => unknown;
/** postgres.js's Query: a lazy promise that calls its handler when first awaited. */
type QueryInternals = Promise<unknown> & { handler: ((q: Promise<unknown>) => unknown) & { debug?: unknown } };

/**
 * The postgres.js client as drizzle gets it, tuned for round trips (each costs a write and a read on both
 * sides, and under load those system calls are most of the database time):
 *
 * - Prepared statements. drizzle runs every query unnamed (`prepare: false`); postgres.js then needs the
 *   parameter types from the server before it can send the values: Parse/Describe, wait, Bind/Execute — two
 *   round trips for every statement with parameters. A named statement is described once per connection and
 *   then costs one. Only statements of bounded size are prepared, and at most MAX_PREPARED_STATEMENTS distinct
 *   texts per process (further texts run unnamed as before), which bounds what each connection keeps. The
 *   server infers the same parameter types for the same text, so values and results are unchanged; postgres.js
 *   re-prepares a statement that DDL invalidated.
 * - `BEGIN` goes out in the same write as the transaction's first statement instead of costing a round trip of
 *   its own (postgres.js's `begin` waits for its answer). Likewise `COMMIT` goes out right behind a last
 *   statement the callback started but did not wait for (`handleInbound` does that); such a statement's error
 *   still fails the transaction (PostgreSQL answers the COMMIT of an aborted transaction with ROLLBACK).
 *   Otherwise transactions behave as postgres.js's `begin`: on a reserved connection; any statement that failed
 *   inside — even one whose error the callback caught — fails the transaction with that error; any error rolls
 *   back; `COMMIT` only after `BEGIN` succeeded, and checked to have committed; savepoints for nested
 *   transactions; a connection lost mid-transaction fails it at once.
 */
export function tunedClient(client: postgres.Sql): postgres.Sql {
  const prepared = new Set<string>();
  const shouldPrepare = (query: string, params: readonly unknown[] | undefined): boolean => {
    const n = params?.length ?? 0;
    if (n === 0 || n > MAX_PREPARED_PARAMETERS) return false;
    if (prepared.has(query)) return true;
    if (prepared.size >= MAX_PREPARED_STATEMENTS) return false;
    prepared.add(query);
    return true;
  };
  const preparing = (unsafe: Unsafe, self: object): Unsafe => (query, params, options) =>
    unsafe.call(self, query, params ?? [], { ...options, prepare: shouldPrepare(query, params) });

  /** One transaction on a reserved connection: whether the connection closed under it. */
  interface TxState {
    closed?: unknown;
  }
  /** The statements of one transaction or savepoint. */
  interface Scope {
    /** The first error of any of them (as postgres.js's `uncaughtError`). */
    error?: unknown;
    /** Created but not yet handed to the connection (postgres.js does that one microtask after `then`). */
    waiting: number;
    handedOver?: () => void;
  }

  /**
   * Resolves once every statement of `scope` that has been started is queued on the connection, so that a
   * `COMMIT` sent next is ordered after it — also a statement the callback started but left to be awaited
   * after the transaction (see `handleInbound`'s last statement).
   */
  const handedOver = (scope: Scope): Promise<void> | undefined => {
    if (scope.waiting === 0) return undefined;
    return new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('a statement of the transaction was never executed')), 5000);
      scope.handedOver = () => {
        clearTimeout(guard);
        resolve();
      };
    });
  };

  /** The statements of `scope`: on the reserved connection, preparing, their first error recorded. */
  const scopedClient = (conn: postgres.ReservedSql, tx: TxState, scope: Scope): postgres.Sql => {
    let savepoints = 0;
    const unsafe = preparing(conn.unsafe as Unsafe, conn);
    const proxy: postgres.Sql = new Proxy(conn, {
      get(t, prop, receiver) {
        if (prop === 'unsafe') {
          return (...args: Parameters<Unsafe>) => {
            const q = unsafe(...args) as unknown as QueryInternals;
            const run = q.handler;
            scope.waiting++;
            q.handler = Object.assign(
              (x: Promise<unknown>) => {
                if (--scope.waiting === 0 && scope.handedOver) {
                  scope.handedOver();
                  scope.handedOver = undefined;
                }
                x.catch((err: unknown) => {
                  scope.error ??= err;
                });
                // Never write to a connection that has gone (postgres.js would throw from a timer).
                if (tx.closed !== undefined) return (x as unknown as { reject(e: unknown): void }).reject(tx.closed);
                return run(x);
              },
              { debug: run.debug },
            );
            return q;
          };
        }
        if (prop === 'savepoint') {
          // As postgres.js: `savepoint`, the callback in a scope of its own, `rollback to savepoint` if it fails.
          return async (nameOrFn: string | TxFn, maybeFn?: TxFn) => {
            const fn = typeof nameOrFn === 'function' ? nameOrFn : maybeFn!;
            const name = `s${savepoints++}${typeof nameOrFn === 'string' ? `_${nameOrFn.replace(/[^a-z0-9_]/gi, '')}` : ''}`;
            await control(conn, tx, `savepoint ${name}`);
            return runScope(
              conn,
              tx,
              fn,
              async (scope) => {
                // A statement still running when the callback returned may have failed meanwhile.
                if (scope.error !== undefined) throw scope.error;
              },
              () => control(conn, tx, `rollback to savepoint ${name}`),
            );
          };
        }
        if (prop === 'release' || prop === 'begin' || prop === 'reserve' || prop === 'end') {
          return () => Promise.reject(new Error(`${String(prop)}() is not available inside a transaction`));
        }
        return Reflect.get(t, prop, receiver) as unknown;
      },
    }) as unknown as postgres.Sql;
    return proxy;
  };

  /** A transaction-control statement on the reserved connection, unless the connection has gone. */
  const control = async (conn: postgres.ReservedSql, tx: TxState, statement: string): Promise<void> => {
    if (tx.closed !== undefined) throw tx.closed;
    await conn.unsafe(statement);
  };

  /** Runs `fn` as one scope; `finish` commits (or ends the savepoint), `undo` rolls back. */
  async function runScope(conn: postgres.ReservedSql, tx: TxState, fn: TxFn, finish: (scope: Scope) => Promise<void>, undo: () => Promise<unknown>): Promise<unknown> {
    const scope: Scope = { waiting: 0 };
    try {
      const result = await fn(scopedClient(conn, tx, scope));
      await handedOver(scope);
      if (scope.error !== undefined) throw scope.error;
      await finish(scope);
      return result;
    } catch (err) {
      if (tx.closed === undefined) await undo();
      // A statement refused because an earlier one aborted the transaction: report the earlier one.
      throw err instanceof postgres.PostgresError && err.code === '25P02' && scope.error !== undefined ? scope.error : err;
    }
  }

  async function begin(optionsOrFn: string | TxFn, maybeFn?: TxFn): Promise<unknown> {
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
    const options = typeof optionsOrFn === 'string' ? optionsOrFn.replace(/[^a-z ]/gi, '') : '';
    const conn = await client.reserve();
    const tx: TxState = {};
    let connection: { onclose: ((err: unknown) => void) | null } | undefined;
    let began!: Promise<unknown>;
    // As postgres.js's begin: a connection that closes mid-transaction fails it at once. It is then already
    // back among the pool's closed connections (reconnected on demand), so it is not released.
    const lost = new Promise<never>((_, reject) => {
      const onexecute = (c: { onclose: ((err: unknown) => void) | null }) => {
        connection = c;
        c.onclose = (err: unknown) => {
          tx.closed = err ?? new Error('the database connection closed');
          reject(tx.closed);
        };
        return true; // keep the connection open for the next statement (pipelining)
      };
      // Queued now, written with the first statement of `fn` (postgres.js sends small messages on setImmediate).
      began = (conn.unsafe as Unsafe)(`begin ${options}`, [], { onexecute }).execute().then(
        () => undefined,
        (err: unknown) => err ?? new Error('BEGIN failed'),
      );
    });
    lost.catch(() => undefined);
    try {
      return await Promise.race([
        runScope(
          conn,
          tx,
          fn,
          async (scope) => {
            const beginError = await began;
            if (beginError) throw beginError;
            const done = await conn.unsafe('commit');
            // A failed statement aborts the transaction, and COMMIT then answers ROLLBACK.
            if (done.command !== 'COMMIT') throw scope.error ?? new Error(`the transaction was not committed (${done.command})`);
          },
          async () => {
            await began;
            await conn.unsafe('rollback').catch(() => undefined);
          },
        ),
        lost,
      ]);
    } finally {
      if (connection) connection.onclose = null;
      if (tx.closed === undefined) conn.release();
    }
  }

  return new Proxy(client, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (prop === 'unsafe') return preparing(value as Unsafe, t);
      if (prop === 'begin') return begin;
      return value;
    },
  });
}

/** This process's listeners, by channel. */
class LocalListeners {
  private readonly byChannel = new Map<string, Set<() => void>>();

  add(channel: string, fn: () => void): () => void {
    let set = this.byChannel.get(channel);
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  fire(channel: string): void {
    for (const fn of this.byChannel.get(channel) ?? []) {
      try {
        fn();
      } catch {
        // a hint; the listener's own poll covers it
      }
    }
  }
}

/** Minimum time between two coalesced notifications of a channel to other processes. */
const NOTIFY_GAP_MS = 50;

/** `pg_notify` for other processes, coalesced per channel (see Database.notify). */
class RemoteNotifier {
  private readonly state = new Map<string, { busy: boolean; again: boolean }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly send: (channel: string) => Promise<unknown>) {}

  schedule(channel: string): void {
    let st = this.state.get(channel);
    if (!st) this.state.set(channel, (st = { busy: false, again: false }));
    if (st.busy) {
      st.again = true;
      return;
    }
    this.run(channel, st);
  }

  private run(channel: string, st: { busy: boolean; again: boolean }): void {
    if (this.closed) return;
    st.busy = true;
    st.again = false;
    void this.send(channel)
      .catch(() => undefined) // a hint; the dispatchers' polls cover a lost one
      .then(() => {
        if (this.closed) return;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          st.busy = false;
          if (st.again) this.run(channel, st);
        }, NOTIFY_GAP_MS);
        timer.unref();
        this.timers.add(timer);
      });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function openPostgres(url: string, max: number): Database {
  // onnotice: PostgreSQL NOTICEs (e.g. "relation already exists, skipping") are not our log lines.
  const sql = postgres(url, { max, onnotice: () => undefined, connect_timeout: 10, idle_timeout: 60 });
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
