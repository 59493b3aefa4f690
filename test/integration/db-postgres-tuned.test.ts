import net, { type AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { MAX_PREPARED_PARAMETERS, tunedClient } from '../../src/db/postgres-tuned.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

/**
 * src/db/postgres-tuned.ts, the postgres.js client drizzle gets on PostgreSQL. Two parts:
 *
 * - The transaction contract, through drizzle, on whichever database the tests run on: the embedded database
 *   (PGlite) is the reference the tuned client must behave like, PostgreSQL checks that it does.
 * - What the tuning changes on the wire (prepared statements, BEGIN sent with the first statement or not at all,
 *   COMMIT pipelined, a lost connection): PostgreSQL only (set TEST_DATABASE_URL), because PGlite has no wire.
 */
describe(`tuned client: transactions through drizzle (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  const count = async (): Promise<number> => Number(rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from tuned_t`))[0]!.n);

  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
    await t.database.db.execute(sql`create table tuned_t (id int primary key, note text)`);
  });
  afterAll(async () => t.drop());

  it('commits what the callback did and returns its value', async () => {
    const value = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into tuned_t values (${1}, ${'a'})`);
      await tx.execute(sql`insert into tuned_t values (${2}, ${'b'})`);
      return 'done';
    });
    expect(value).toBe('done');
    expect(await count()).toBe(2);
  });

  it('rolls everything back when the callback throws', async () => {
    await expect(
      t.database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into tuned_t values (${10}, ${'x'})`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await count()).toBe(2);
  });

  it('a transaction that runs no statement returns the callback value, and a throwing one its error', async () => {
    expect(await t.database.db.transaction(async () => 42)).toBe(42);
    await expect(t.database.db.transaction(async () => Promise.reject(new Error('nothing ran')))).rejects.toThrow('nothing ran');
    // The connection is fine afterwards.
    expect(await count()).toBe(2);
  });

  it('a failing statement fails the transaction and rolls back the statements before it', async () => {
    await expect(
      t.database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into tuned_t values (${20}, ${'y'})`);
        await tx.execute(sql`insert into tuned_t values (${1}, ${'duplicate'})`);
      }),
    ).rejects.toThrow();
    expect(await count()).toBe(2);
  });

  it('a nested transaction (savepoint) that fails is undone alone', async () => {
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into tuned_t values (${30}, ${'outer'})`);
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute(sql`insert into tuned_t values (${31}, ${'inner'})`);
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await tx.execute(sql`insert into tuned_t values (${32}, ${'outer again'})`);
    });
    const ids = rows<{ id: number }>(await t.database.db.execute(sql`select id from tuned_t where id >= 30 order by id`)).map((r) => r.id);
    expect(ids).toEqual([30, 32]);
  });

  it('a last statement the callback does not wait for is committed with the transaction (the inbox does that)', async () => {
    const handled = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into tuned_t values (${40}, ${'first'})`);
      const last = Promise.resolve(tx.execute(sql`insert into tuned_t values (${41}, ${'last'}) returning id`));
      last.catch(() => undefined);
      return { last };
    });
    expect(rows<{ id: number }>(await handled.last)[0]!.id).toBe(41);
    expect(rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from tuned_t where id in (40, 41)`))[0]!.n).toBe(2);
  });
});

/** A TCP proxy in front of PostgreSQL that counts the writes arriving from the client. */
async function countingProxy(target: URL): Promise<{ url: string; writes(): number; sockets: Set<net.Socket>; close(): Promise<void> }> {
  let writes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client);
    client.on('data', (chunk) => {
      writes++;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    writes: () => writes,
    sockets,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('tuned client: on the wire', () => {
  const needsPostgres = !testDatabaseUrl;
  let t: TestDatabase;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let raw: postgres.Sql;
  let client: postgres.Sql;
  const statements: string[] = [];

  beforeAll(async () => {
    if (needsPostgres) return;
    t = await createTestDatabase({ migrate: false });
    proxy = await countingProxy(new URL(t.url!));
    raw = postgres(proxy.url, {
      max: 1,
      onnotice: () => undefined,
      debug: (_connection, query) => statements.push(query.trim().toLowerCase()),
    });
    client = tunedClient(raw);
    await client.unsafe('create table wire_t (id int primary key, note text)');
  });
  afterAll(async () => {
    if (needsPostgres) return;
    await raw.end({ timeout: 1 });
    await proxy.close();
    await t.drop();
  });

  /** Statements and client writes during `fn`, once the connection is up. */
  const observe = async <T>(fn: () => Promise<T>): Promise<{ value: T; statements: string[]; writes: number }> => {
    await client.unsafe('select 1');
    statements.length = 0;
    const before = proxy.writes();
    const value = await fn();
    return { value, statements: [...statements], writes: proxy.writes() - before };
  };

  const title = (what: string) => `${what}${needsPostgres ? ' (needs real PostgreSQL: set TEST_DATABASE_URL)' : ''}`;

  it.skipIf(needsPostgres)(title('a transaction that runs no statement sends nothing'), async () => {
    const seen = await observe(() => client.begin(async () => 'nothing'));
    expect(seen.value).toBe('nothing');
    expect(seen.statements).toEqual([]);
    expect(seen.writes).toBe(0);
  });

  it.skipIf(needsPostgres)(title('BEGIN goes out with the first statement, COMMIT in a second write'), async () => {
    const seen = await observe(() =>
      client.begin(async (tx) => {
        const [row] = await tx.unsafe('insert into wire_t values ($1, $2) returning id', [1, 'a']);
        return row!.id as number;
      }),
    );
    expect(seen.value).toBe(1);
    expect(seen.statements).toEqual(['begin', 'insert into wire_t values ($1, $2) returning id', 'commit']);
    // Parse/Describe of a statement new to the connection needs one more round trip.
    expect(seen.writes).toBeLessThanOrEqual(3);
    const again = await observe(() => client.begin((tx) => tx.unsafe('insert into wire_t values ($1, $2) returning id', [2, 'b'])));
    expect(again.writes).toBe(2);
  });

  it.skipIf(needsPostgres)(title('COMMIT goes out right behind a last statement the callback did not wait for'), async () => {
    await client.unsafe('insert into wire_t values ($1, $2)', [99, 'warm up the statement']);
    const seen = await observe(async () => {
      const out = await client.begin(async (tx) => {
        const last = tx.unsafe('insert into wire_t values ($1, $2)', [3, 'c']);
        last.catch(() => undefined);
        return { last };
      });
      await out.last;
    });
    expect(seen.statements).toEqual(['begin', 'insert into wire_t values ($1, $2)', 'commit']);
    // BEGIN, the statement and COMMIT in one write: COMMIT waits neither for BEGIN's answer nor the statement's.
    expect(seen.writes).toBe(1);
    expect((await client.unsafe('select note from wire_t where id = 3'))[0]!.note).toBe('c');
  });

  it.skipIf(needsPostgres)(title('a failing last statement the callback did not wait for fails (rolls back) the transaction'), async () => {
    const attempt = client.begin(async (tx) => {
      await tx.unsafe('insert into wire_t values ($1, $2)', [4, 'd']);
      const last = tx.unsafe('insert into wire_t values ($1, $2)', [1, 'duplicate']);
      last.catch(() => undefined);
      return { last };
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    expect(await client.unsafe('select id from wire_t where id = 4')).toHaveLength(0);
  });

  it.skipIf(needsPostgres)(title('an error the callback caught still fails the transaction with that error'), async () => {
    const attempt = client.begin(async (tx) => {
      await tx.unsafe('insert into wire_t values ($1, $2)', [5, 'e']);
      await tx.unsafe('insert into wire_t values ($1, $2)', [1, 'duplicate']).catch(() => undefined);
      return 'looked fine';
    });
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    expect(await client.unsafe('select id from wire_t where id = 5')).toHaveLength(0);
  });

  it.skipIf(needsPostgres)(title('BEGIN carries the options; savepoints work inside'), async () => {
    const level = await client.begin('isolation level serializable', async (tx) => {
      await tx.savepoint(async (sp) => {
        await sp.unsafe('insert into wire_t values ($1, $2)', [6, 'f']);
        throw new Error('undo the savepoint');
      }).catch(() => undefined);
      return (await tx.unsafe('show transaction_isolation'))[0]!.transaction_isolation as string;
    });
    expect(level).toBe('serializable');
    expect(await client.unsafe('select id from wire_t where id = 6')).toHaveLength(0);
  });

  it.skipIf(needsPostgres)(title('statements with parameters are prepared once per connection, long ones are not'), async () => {
    const text = 'select $1::int + 1 as n';
    await client.unsafe(text, [1]);
    await client.unsafe(text, [2]);
    const many = Array.from({ length: MAX_PREPARED_PARAMETERS + 1 }, (_, i) => i);
    const long = `select ${many.map((i) => `$${i + 1}::int`).join(' + ')} as n`;
    expect(Number((await client.unsafe(long, many))[0]!.n)).toBe((many.length * (many.length - 1)) / 2);
    // max: 1, so this runs on the connection that ran the statements above.
    const prepared = (await client.unsafe('select statement from pg_prepared_statements')).map((r) => r.statement as string);
    expect(prepared).toContain(text);
    expect(prepared).not.toContain(long);
  });

  it.skipIf(needsPostgres)(title('a connection lost mid-transaction fails it at once, and the pool reconnects'), async () => {
    const killer = postgres(t.url!, { max: 1, onnotice: () => undefined });
    try {
      const started = Date.now();
      const attempt = client.begin(async (tx) => {
        const [row] = await tx.unsafe('select pg_backend_pid() as pid');
        await killer`select pg_terminate_backend(${row!.pid as number})`;
        await new Promise(() => undefined); // would wait forever, but for the lost connection
      });
      await expect(attempt).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await client.unsafe('select 1 as one'))[0]!.one).toBe(1);
    } finally {
      await killer.end({ timeout: 1 });
    }
  });
});
