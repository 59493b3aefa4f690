import postgres from 'postgres';

/** How many distinct statements each connection may keep prepared (PostgreSQL holds them per session). */
export const MAX_PREPARED_STATEMENTS = 500;
/** Statements with more parameters than this (multi-row VALUES, long IN lists) vary in text and run unprepared. */
export const MAX_PREPARED_PARAMETERS = 64;

type Unsafe = (query: string, params?: unknown[], options?: object) => postgres.PendingQuery<postgres.Row[]>;
type TxFn = (tx: postgres.Sql) => unknown;
/** postgres.js's Query: a lazy promise that calls its handler when first awaited. */
type QueryInternals = Promise<unknown> & { handler: ((q: Promise<unknown>) => unknown) & { debug?: unknown } };
/** postgres.js's connection object as `onexecute` gets it. */
type Connection = { onclose: ((err: unknown) => void) | null };

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
 * - `BEGIN` is sent with the transaction's first statement, in the same write, instead of costing a round trip
 *   of its own (postgres.js's `begin` waits for its answer); a transaction whose callback runs no statement
 *   sends nothing at all (PostgreSQL takes a transaction's snapshot at its first statement anyway, not at
 *   `BEGIN`). `COMMIT` goes out without waiting for `BEGIN`'s answer, and right behind a last statement the
 *   callback started but did not wait for (`handleInbound` does that); such a statement's error still fails
 *   the transaction (PostgreSQL answers the COMMIT of an aborted transaction with ROLLBACK).
 *   Otherwise transactions behave as postgres.js's `begin`: on a reserved connection; any statement that failed
 *   inside — even one whose error the callback caught — fails the transaction with that error; any error rolls
 *   back; a transaction whose `BEGIN` failed fails with that error; `COMMIT` is checked to have committed;
 *   savepoints for nested transactions; a connection lost mid-transaction fails it at once.
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

  /** One transaction on a reserved connection. */
  interface TxState {
    conn: postgres.ReservedSql;
    /** `BEGIN with these options`; sent by `start()`. */
    options: string;
    /** Set once `BEGIN` is queued: resolves to its error, if any (never rejects). */
    began?: Promise<unknown>;
    /** Set when the connection closed under the transaction. */
    closed?: unknown;
    /** The connection object, once `BEGIN` was written (to watch it close). */
    connection?: Connection;
    onLost(err: unknown): void;
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
   * Queues `BEGIN` unless it already is. Called before the first statement of the transaction is created, so
   * that `BEGIN` reaches the connection first (postgres.js hands a query over one microtask after it is started)
   * and goes out in the same write (small messages wait for the next `setImmediate`).
   */
  const start = (tx: TxState): void => {
    if (tx.began) return;
    const onexecute = (c: Connection) => {
      tx.connection = c;
      // As postgres.js's begin: a connection that closes mid-transaction fails it at once.
      c.onclose = (err: unknown) => {
        tx.closed = err ?? new Error('the database connection closed');
        tx.onLost(tx.closed);
      };
      return true; // keep the connection open for the next statement (pipelining)
    };
    tx.began = (tx.conn.unsafe as Unsafe)(`begin ${tx.options}`, [], { onexecute }).execute().then(
      () => undefined,
      (err: unknown) => err ?? new Error('BEGIN failed'),
    );
  };

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

  /** The statements of `scope`: on the reserved connection, after `BEGIN`, preparing, their first error recorded. */
  const scopedClient = (tx: TxState, scope: Scope): postgres.Sql => {
    const conn = tx.conn;
    let savepoints = 0;
    const unsafe = preparing(conn.unsafe as Unsafe, conn);
    const proxy: postgres.Sql = new Proxy(conn, {
      get(t, prop, receiver) {
        if (prop === 'unsafe') {
          return (...args: Parameters<Unsafe>) => {
            start(tx);
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
            start(tx);
            await control(tx, `savepoint ${name}`);
            return runScope(
              tx,
              fn,
              async (inner) => {
                // A statement still running when the callback returned may have failed meanwhile.
                if (inner.error !== undefined) throw inner.error;
              },
              () => control(tx, `rollback to savepoint ${name}`),
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
  const control = async (tx: TxState, statement: string): Promise<void> => {
    if (tx.closed !== undefined) throw tx.closed;
    await tx.conn.unsafe(statement);
  };

  /** Runs `fn` as one scope; `finish` commits (or ends the savepoint), `undo` rolls back. */
  async function runScope(tx: TxState, fn: TxFn, finish: (scope: Scope) => Promise<void>, undo: () => Promise<unknown>): Promise<unknown> {
    const scope: Scope = { waiting: 0 };
    try {
      const result = await fn(scopedClient(tx, scope));
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

  async function commit(tx: TxState, scope: Scope): Promise<void> {
    // Nothing was sent: there is nothing to commit.
    if (!tx.began) return;
    if (tx.closed !== undefined) throw tx.closed;
    // Queued behind every statement of the transaction, without waiting for BEGIN's answer first.
    const committing = tx.conn.unsafe('commit').execute();
    committing.catch(() => undefined);
    const beginError = await tx.began;
    if (beginError) {
      await committing.catch(() => undefined);
      throw beginError;
    }
    const done = await committing;
    // A failed statement aborts the transaction, and COMMIT then answers ROLLBACK.
    if (done.command !== 'COMMIT') throw scope.error ?? new Error(`the transaction was not committed (${done.command})`);
  }

  async function rollback(tx: TxState): Promise<void> {
    if (!tx.began) return;
    await tx.began;
    if (tx.closed !== undefined) return;
    await tx.conn.unsafe('rollback').catch(() => undefined);
  }

  async function begin(optionsOrFn: string | TxFn, maybeFn?: TxFn): Promise<unknown> {
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
    const options = typeof optionsOrFn === 'string' ? optionsOrFn.replace(/[^a-z ]/gi, '') : '';
    const conn = await client.reserve();
    let onLost!: (err: unknown) => void;
    const lost = new Promise<never>((_, reject) => {
      onLost = reject;
    });
    lost.catch(() => undefined);
    const tx: TxState = { conn, options, onLost };
    try {
      return await Promise.race([
        runScope(
          tx,
          fn,
          (scope) => commit(tx, scope),
          () => rollback(tx),
        ),
        lost,
      ]);
    } finally {
      if (tx.connection) tx.connection.onclose = null;
      // A connection lost mid-transaction is already back among the pool's closed connections (reconnected on
      // demand), so it is not released.
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
