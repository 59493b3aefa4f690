/**
 * Completion of plan items, per item and 党支部, read in one statement. The rules are the ones the digest and the
 * year reports use: an assignment is done when its latest completion record is a completion (assignment_progress,
 * kept by triggers); its due date is the approved extension, else its own, else the item's; it is overdue when not
 * done and that date is before today. A branch's figures count the branch's own assignments and those of people
 * (and 党小组) in it.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { rows } from '../../../db/migrate.js';

export interface ProgressRow {
  planId: number;
  itemId: number;
  /** null: assigned to the 机关党委 itself or to someone outside every branch. */
  branchId: number | null;
  total: number;
  done: number;
  overdue: number;
}

export interface Figures {
  total: number;
  done: number;
  overdue: number;
}

export const ZERO: Figures = { total: 0, done: 0, overdue: 0 };

export function add(a: Figures, b: Figures): Figures {
  return { total: a.total + b.total, done: a.done + b.done, overdue: a.overdue + b.overdue };
}

/** Per (plan, item, branch) figures of active items of the given plans (all plans when `planIds` is absent). */
export async function planProgress(db: DbOrTx, today: string, planIds?: readonly number[]): Promise<ProgressRow[]> {
  const filter = planIds === undefined ? sql`i.plan_id is not null` : sql`i.plan_id = any(${`{${planIds.map(Number).join(',')}}`}::int[])`;
  const res = rows<{ plan_id: number; item_id: number; branch_id: number | null; total: number; done: number; overdue: number }>(
    await db.execute(sql`
      select i.plan_id, i.id as item_id,
             coalesce(case u.kind when 'branch' then u.id when 'group' then u.parent_id end,
                      case pu.kind when 'branch' then pu.id when 'group' then pu.parent_id end) as branch_id,
             count(*)::int as total,
             count(*) filter (where coalesce(g.done, false))::int as done,
             count(*) filter (where not coalesce(g.done, false) and coalesce(x.requested_until, a.due_date, i.due_date) < ${today}::date)::int as overdue
      from plan_items i
      join assignments a on a.item_id = i.id
      left join assignment_progress g on g.assignment_id = a.id
      left join lateral (select e.requested_until from extension_requests e
                         where e.assignment_id = a.id and e.status = 'approved' order by e.id desc limit 1) x on true
      left join org_units u on u.id = a.unit_id
      left join people p on p.id = a.person_id
      left join org_units pu on pu.id = p.unit_id
      where ${filter} and i.active
      group by 1, 2, 3`),
  );
  return res.map((r) => ({
    planId: Number(r.plan_id), itemId: Number(r.item_id), branchId: r.branch_id === null ? null : Number(r.branch_id),
    total: Number(r.total), done: Number(r.done), overdue: Number(r.overdue),
  }));
}

export type ItemAssignmentState = 'done' | 'overdue' | 'extended' | 'open';

export interface ItemAssignmentRow {
  assignmentId: number;
  branchId: number | null;
  branchName: string | null;
  /** The assignee: the branch itself, or a person's name. */
  assignee: string;
  assigneeKind: 'unit' | 'person';
  /** Effective due date (extension, own, item's). */
  due: string | null;
  ownDue: string | null;
  extended: boolean;
  done: boolean;
  doneAt: Date | null;
  state: ItemAssignmentState;
}

/** Every assignment of one item with its branch and state (at most `limit`, branches first). */
export async function itemAssignments(db: DbOrTx, itemId: number, today: string, limit = 500): Promise<ItemAssignmentRow[]> {
  const res = rows<{
    id: number | string; branch_id: number | null; branch_name: string | null; assignee: string; kind: 'unit' | 'person';
    due: string | null; own_due: string | null; extended: boolean; done: boolean; done_at: string | Date | null;
  }>(
    await db.execute(sql`
      select a.id, b.id as branch_id, b.name as branch_name, coalesce(p.name, u.name) as assignee, a.assignee_kind::text as kind,
             coalesce(x.requested_until, a.due_date, i.due_date)::text as due, coalesce(a.due_date, i.due_date)::text as own_due,
             x.requested_until is not null as extended, coalesce(g.done, false) as done, case when g.done then g.changed_at end as done_at
      from assignments a
      join plan_items i on i.id = a.item_id
      left join assignment_progress g on g.assignment_id = a.id
      left join lateral (select e.requested_until from extension_requests e
                         where e.assignment_id = a.id and e.status = 'approved' order by e.id desc limit 1) x on true
      left join org_units u on u.id = a.unit_id
      left join people p on p.id = a.person_id
      left join org_units pu on pu.id = p.unit_id
      left join org_units b on b.id = coalesce(case u.kind when 'branch' then u.id when 'group' then u.parent_id end,
                                               case pu.kind when 'branch' then pu.id when 'group' then pu.parent_id end)
      where a.item_id = ${itemId}
      order by a.assignee_kind, b.id nulls last, a.id
      limit ${limit}`),
  );
  return res.map((r) => {
    const done = Boolean(r.done);
    const state: ItemAssignmentState = done ? 'done' : r.due !== null && r.due < today ? 'overdue' : r.extended ? 'extended' : 'open';
    return {
      assignmentId: Number(r.id), branchId: r.branch_id === null ? null : Number(r.branch_id), branchName: r.branch_name, assignee: r.assignee,
      assigneeKind: r.kind, due: r.due, ownDue: r.own_due, extended: Boolean(r.extended), done,
      doneAt: r.done_at === null ? null : new Date(r.done_at), state,
    };
  });
}
