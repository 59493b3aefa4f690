import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

/**
 * assignment_progress (migration 0009) is derived by triggers: one row per assignment, done = its latest
 * completion record (highest id) is a completion. Written here only through the tables the application writes.
 */
describe(`assignment_progress follows assignments and completion records (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  let person = 0;
  let items: number[] = [];
  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const progress = async (assignmentId: number) =>
    (await q<{ done: boolean; record_id: number | string | null; due_date: string | null; changed_at: string | Date | null }>(sql`
      select done, record_id, due_date::text as due_date, changed_at from assignment_progress where assignment_id = ${assignmentId}`))[0];
  const record = async (assignmentId: number, action: 'complete' | 'revoke', at: string) =>
    Number((await q<{ id: number | string }>(sql`
      insert into completion_records (assignment_id, person_id, action, source, at) values (${assignmentId}, ${person}, ${action}, 'admin', ${at}::timestamptz) returning id`))[0]!.id);

  beforeAll(async () => {
    t = await createTestDatabase();
    await t.database.db.execute(sql`
      with c as (insert into org_units (kind, name) values ('committee', '机关党委') returning id)
      insert into org_units (parent_id, kind, name) select id, 'branch', '第一党支部' from c`);
    person = (await q<{ id: number }>(sql`insert into people (name, unit_id) select '张伟', id from org_units where kind = 'branch' returning id`))[0]!.id;
    items = (await q<{ id: number }>(sql`
      with p as (insert into plans (year, title, created_at, created_by) values (2026, '要点', now(), 'test') returning id)
      insert into plan_items (plan_id, path, position, level, title, due_date, created_at)
      select p.id, '1.' || k, k, 'task', '任务' || k, '2026-11-30', now() from p, generate_series(1, 3) k
      returning id`)).map((r) => r.id);
  });
  afterAll(async () => t.drop());

  it('a row for every assignment inserted, also many in one statement', async () => {
    const ids = (await q<{ id: number | string }>(sql`
      insert into assignments (item_id, assignee_kind, person_id, due_date, created_at)
      select id, 'person', ${person}, null, now() from plan_items order by id returning id`)).map((r) => Number(r.id));
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(await progress(id)).toEqual({ done: false, record_id: null, due_date: null, changed_at: null });
  });

  it('the latest record decides: complete, undo, complete again', async () => {
    const [a] = (await q<{ id: number | string }>(sql`select id from assignments where item_id = ${items[0]!}`)).map((r) => Number(r.id));
    const c1 = await record(a!, 'complete', '2026-11-03T02:00:00Z');
    expect(await progress(a!)).toMatchObject({ done: true });
    expect(Number((await progress(a!))!.record_id)).toBe(c1);
    const r1 = await record(a!, 'revoke', '2026-11-03T03:00:00Z');
    expect(await progress(a!)).toMatchObject({ done: false });
    expect(Number((await progress(a!))!.record_id)).toBe(r1);
    await record(a!, 'complete', '2026-11-04T02:00:00Z');
    const p = (await progress(a!))!;
    expect(p.done).toBe(true);
    expect(new Date(p.changed_at!).toISOString()).toBe('2026-11-04T02:00:00.000Z');
  });

  it('several records in one statement: the highest id wins', async () => {
    const [b] = (await q<{ id: number | string }>(sql`select id from assignments where item_id = ${items[1]!}`)).map((r) => Number(r.id));
    await t.database.db.execute(sql`
      insert into completion_records (assignment_id, person_id, action, source, at)
      values (${b!}, ${person}, 'complete', 'admin', '2026-11-05T01:00:00Z'), (${b!}, ${person}, 'revoke', 'admin', '2026-11-05T01:05:00Z')`);
    expect(await progress(b!)).toMatchObject({ done: false });
  });

  it('a record with a lower id arriving later (another transaction committing late) does not overwrite the later one', async () => {
    const [c] = (await q<{ id: number | string }>(sql`select id from assignments where item_id = ${items[2]!}`)).map((r) => Number(r.id));
    await t.database.db.execute(sql`
      insert into completion_records (id, assignment_id, person_id, action, source, at) overriding system value
      values (9000000002, ${c!}, ${person}, 'complete', 'admin', '2026-11-06T01:00:00Z')`);
    await t.database.db.execute(sql`
      insert into completion_records (id, assignment_id, person_id, action, source, at) overriding system value
      values (9000000001, ${c!}, ${person}, 'revoke', 'admin', '2026-11-06T00:59:00Z')`);
    expect(await progress(c!)).toMatchObject({ done: true });
    expect(Number((await progress(c!))!.record_id)).toBe(9000000002);
  });

  it('an assignment\'s own due date is mirrored when it changes (a plan re-import)', async () => {
    const [a] = (await q<{ id: number | string }>(sql`select id from assignments where item_id = ${items[0]!}`)).map((r) => Number(r.id));
    await t.database.db.execute(sql`update assignments set due_date = '2026-12-15' where id = ${a!}`);
    expect(await progress(a!)).toMatchObject({ due_date: '2026-12-15', done: true });
  });
});
