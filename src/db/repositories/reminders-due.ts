import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';

/** An open assignment with its effective due date (approved extension applied) and whose it is. */
export interface OpenDeadline {
  assignmentId: number;
  title: string;
  due: string;
  /** The responsible person (person assignments) or null (branch-level items go to the secretaries). */
  personId: number | null;
  personName: string | null;
  branchId: number | null;
  branchName: string | null;
  branchLevel: boolean;
}

/**
 * Every open assignment due between two dates, in one query: the latest completion record decides "open",
 * the latest approved extension moves the due date. Inactive items and people are left out.
 */
export async function openDeadlines(db: DbOrTx, from: string, to: string): Promise<OpenDeadline[]> {
  const res = rows<{ assignment_id: number | string; title: string; due: string; person_id: number | null; person_name: string | null; branch_id: number | null; branch_name: string | null; unit_id: number | null }>(
    await db.execute(sql`
      with open as (
        select a.id, a.person_id, a.unit_id, i.title,
               coalesce(ext.requested_until, a.due_date, i.due_date) as due
        from assignments a
        join plan_items i on i.id = a.item_id and i.active
        left join lateral (select e.requested_until from extension_requests e where e.assignment_id = a.id and e.status = 'approved' order by e.id desc limit 1) ext on true
        left join lateral (select c.action from completion_records c where c.assignment_id = a.id order by c.id desc limit 1) r on true
        where r.action is distinct from 'complete'
      )
      select o.id as assignment_id, o.title, o.due::text as due, o.person_id, p.name as person_name, o.unit_id,
             b.id as branch_id, b.name as branch_name
      from open o
      left join people p on p.id = o.person_id
      left join org_units pu on pu.id = p.unit_id
      left join org_units b on b.id = coalesce(o.unit_id, case pu.kind when 'group' then pu.parent_id when 'branch' then pu.id end) and b.active
      where o.due between ${from}::date and ${to}::date
        and (o.person_id is null or p.active) and (o.unit_id is null or b.id is not null)
      order by o.due, o.id`),
  );
  return res.map((r) => ({
    assignmentId: Number(r.assignment_id), title: r.title, due: r.due, personId: r.person_id, personName: r.person_name,
    branchId: r.branch_id, branchName: r.branch_name, branchLevel: r.unit_id !== null,
  }));
}

export interface BranchInfo {
  id: number;
  name: string;
  hasGroups: boolean;
  secretaryIds: number[];
  memberIds: number[];
}

/** Branches with their secretaries and active members (members of its 党小组 included), in one query. */
export async function branchesWithPeople(db: DbOrTx): Promise<BranchInfo[]> {
  const res = rows<{ id: number; name: string; has_groups: boolean; secretaries: number[] | null; members: number[] | null }>(
    await db.execute(sql`
      select b.id, b.name,
             exists (select 1 from org_units g where g.parent_id = b.id and g.kind = 'group' and g.active) as has_groups,
             (select array_agg(distinct r.person_id order by r.person_id) from person_roles r join people p on p.id = r.person_id and p.active
               where r.role = 'secretary' and r.scope_unit_id = b.id) as secretaries,
             (select array_agg(p.id order by p.id) from people p join org_units u on u.id = p.unit_id
               where p.active and (u.id = b.id or (u.parent_id = b.id and u.kind = 'group'))) as members
      from org_units b where b.kind = 'branch' and b.active
      order by b.id`),
  );
  return res.map((r) => ({ id: r.id, name: r.name, hasGroups: r.has_groups, secretaryIds: r.secretaries ?? [], memberIds: r.members ?? [] }));
}

/** The 机关党委 staff who receive the second escalation. */
export async function adminIds(db: DbOrTx): Promise<number[]> {
  const res = rows<{ id: number }>(
    await db.execute(sql`select distinct r.person_id as id from person_roles r join people p on p.id = r.person_id and p.active where r.role = 'admin' order by 1`),
  );
  return res.map((r) => r.id);
}

/** Which branch each person belongs to (their unit, or the branch above their 党小组); null at committee level. */
export async function branchOfPeople(db: DbOrTx, personIds: number[]): Promise<Map<number, number | null>> {
  if (personIds.length === 0) return new Map();
  const res = rows<{ id: number; branch_id: number | null }>(
    await db.execute(sql`
      select p.id, case u.kind when 'group' then u.parent_id when 'branch' then u.id end as branch_id
      from people p join org_units u on u.id = p.unit_id
      where p.id in (select unnest(${`{${personIds.join(',')}}`}::int[]))`),
  );
  return new Map(res.map((r) => [r.id, r.branch_id]));
}
