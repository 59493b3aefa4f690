import { sql, type SQL } from 'drizzle-orm';
import type { DigestLeader, DigestRaw, DigestUnit, RawScoringRound } from '../../domain/digest/raw.js';
import { DRILL_ROWS_PER_BRANCH, type DrillRow } from '../../domain/digest/types.js';
import { addDays } from '../../domain/reminders/days.js';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';
import { overdueCadences } from './reminders-store.js';

/**
 * The leaders' digest figures, set-based: one statement for everything about assignments (per branch: this
 * month's totals and daily series, overdue with the oldest, due soon, 五型 dimensions, drill-down rows), one for
 * scoring rounds, and the reminder rules' three for the organisational-life cadence — whatever the number of
 * branches or leaders. Open assignments are found through assignment_progress's partial index (migration 0009),
 * never by asking every assignment for its latest completion record.
 */

const intArray = (ids: readonly number[]): string => `{${ids.map((n) => Math.trunc(n)).join(',')}}`;

export async function digestUnits(db: DbOrTx): Promise<DigestUnit[]> {
  const res = rows<{ id: number; kind: DigestUnit['kind']; parent_id: number | null; name: string }>(
    await db.execute(sql`select id, kind, parent_id, name from org_units where active order by (kind <> 'committee'), id`),
  );
  return res.map((r) => ({ id: r.id, kind: r.kind, parentId: r.parent_id, name: r.name }));
}

/** Active people with a leader role: their scope rows and their quiet-day preference, in one query. */
export async function digestLeaders(db: DbOrTx, personId?: number): Promise<DigestLeader[]> {
  const res = rows<{ person_id: number; name: string; scopes: (number | null)[]; skip: boolean | null }>(
    await db.execute(sql`
      select p.id as person_id, p.name, array_agg(r.scope_unit_id order by r.scope_unit_id) as scopes, d.skip_quiet_days as skip
      from people p
      join person_roles r on r.person_id = p.id and r.role = 'leader'
      left join digest_preferences d on d.person_id = p.id
      where p.active ${personId === undefined ? sql`` : sql`and p.id = ${personId}`}
      group by p.id, p.name, d.skip_quiet_days
      order by p.id`),
  );
  return res.map((r) => ({ personId: r.person_id, name: r.name, scopeUnitIds: (r.scopes ?? []).map((s) => (s === null ? null : Number(s))), skipQuietDays: r.skip ?? false }));
}

export interface ComputeOptions {
  /** Local date of the digest, and the last day of the due-soon window. */
  date: string;
  dueSoonUntil: string;
  now: Date;
  timezone: string;
}

interface AssignmentFigures {
  branches: { branch_id: number; name: string; members: number }[] | null;
  month: { branch_id: number; total: number; done: number }[] | null;
  due_by_day: { branch_id: number; day: string; n: number }[] | null;
  done_by_day: { branch_id: number; day: string; n: number }[] | null;
  overdue: { branch_id: number; n: number; items: number; item_id: number; title: string; due: string }[] | null;
  due_soon: { branch_id: number; item_id: number; title: string; due: string; n: number }[] | null;
  dimension_names: string[] | null;
  dimensions: { branch_id: number; name: string; total: number; done: number; overdue: number }[] | null;
  drill:
    | { branch_id: number; item_id: number; title: string; list_kind: string | null; due: string | null; dimensions: string[]; month_total: number; month_done: number; overdue: number; due_soon: number; oldest: string | null; rn: number; n: number }[]
    | null;
}

/** Raw per-branch figures for `branchIds` (active branches only; others are ignored). */
export async function computeDigest(db: DbOrTx, branchIds: readonly number[], opts: ComputeOptions): Promise<DigestRaw> {
  const monthStart = `${opts.date.slice(0, 7)}-01`;
  const monthEnd = addDays(`${addDays(monthStart, 40).slice(0, 7)}-01`, -1);
  // One transaction: one snapshot for all the figures, and JIT off — compiling this statement costs PostgreSQL
  // more (about 0.5 s) than running it, because its estimated cost is far above what it really reads.
  const [a, scoring, cadence] = await db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return [await assignmentFigures(tx, branchIds, opts, monthStart, monthEnd), await scoringRounds(tx, branchIds), await overdueCadences(tx, [...branchIds], opts.date)] as const;
  });
  const drill: DrillRow[] = (a.drill ?? [])
    .filter((r) => r.rn <= DRILL_ROWS_PER_BRANCH)
    .map((r) => ({
      branchId: r.branch_id, itemId: r.item_id, title: r.title, listKind: r.list_kind, due: r.due, dimensions: r.dimensions ?? [],
      monthTotal: r.month_total, monthDone: r.month_done, overdue: r.overdue, dueSoon: r.due_soon, oldestOverdue: r.oldest,
    }));
  const drillRows = new Map<number, number>();
  for (const r of a.drill ?? []) drillRows.set(r.branch_id, r.n);
  return {
    date: opts.date,
    month: opts.date.slice(0, 7),
    dueSoonUntil: opts.dueSoonUntil,
    computedAt: opts.now.toISOString(),
    branches: (a.branches ?? []).map((b) => ({ branchId: b.branch_id, name: b.name, members: b.members })),
    monthly: (a.month ?? []).map((m) => ({ branchId: m.branch_id, total: m.total, done: m.done })),
    dueByDay: (a.due_by_day ?? []).map((d) => ({ branchId: d.branch_id, day: d.day, n: d.n })),
    doneByDay: (a.done_by_day ?? []).map((d) => ({ branchId: d.branch_id, day: d.day, n: d.n })),
    overdue: (a.overdue ?? []).map((o) => ({ branchId: o.branch_id, count: o.n, items: o.items, oldest: { itemId: o.item_id, title: o.title, due: o.due } })),
    dueSoon: (a.due_soon ?? []).map((d) => ({ branchId: d.branch_id, itemId: d.item_id, title: d.title, due: d.due, open: d.n })),
    dimensionNames: a.dimension_names ?? [],
    dimensions: (a.dimensions ?? []).map((d) => ({ branchId: d.branch_id, name: d.name, total: d.total, done: d.done, overdue: d.overdue })),
    drill,
    drillRows: [...drillRows].map(([branchId, n]) => ({ branchId, rows: n })),
    cadence: cadence.map((c) => ({ branchId: c.unitId, branchName: c.unitName, kind: c.kind, meeting: c.meeting, period: c.period.key, periodEnd: c.period.end })),
    scoring,
  };
}

/**
 * Everything about assignments in one statement. `open_set`: open assignments due by the end of the due-soon
 * window (from the partial index of open rows); `month_set`: assignments due this month, from three disjoint
 * sources (own due date, item's due date, approved extension). Both carry the effective due date and the branch.
 */
async function assignmentFigures(db: DbOrTx, branchIds: readonly number[], opts: ComputeOptions, monthStart: string, monthEnd: string): Promise<AssignmentFigures> {
  const [row] = rows<Record<keyof AssignmentFigures, string | null>>(await db.execute(assignmentFiguresSql(branchIds, opts, monthStart, monthEnd)));
  const parsed = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(row ?? {})) parsed[k] = v === null ? null : JSON.parse(v);
  return parsed as unknown as AssignmentFigures;
}

/** The statement itself (exported for EXPLAIN in bench/digest.ts). */
export function assignmentFiguresSql(branchIds: readonly number[], opts: ComputeOptions, monthStart: string, monthEnd: string): SQL {
  const { date: today, dueSoonUntil: until } = opts;
  const year = Number(today.slice(0, 4));
  return sql`
    with
    br as not materialized (select u.id, u.name from org_units u where u.kind = 'branch' and u.active and u.id = any(${intArray(branchIds)}::int[])),
    ub as not materialized (
      select u.id, case u.kind when 'branch' then u.id else u.parent_id end as branch_id from org_units u
      where u.active and u.kind in ('branch', 'group') and (case u.kind when 'branch' then u.id else u.parent_id end) in (select id from br)),
    pb as not materialized (select p.id, ub.branch_id from people p join ub on ub.id = p.unit_id where p.active),
    ext as (
      select distinct on (e.assignment_id) e.assignment_id, e.requested_until from extension_requests e
      where e.status = 'approved' order by e.assignment_id, e.id desc),
    items as not materialized (select i.id, i.due_date from plan_items i where i.active),
    -- Open assignments due by the end of the window, and this month's assignments, each from three disjoint
    -- sources (own due date, the item's, an approved extension) read through indexes.
    open_raw as (
      select g.assignment_id, g.item_id, g.person_id, g.unit_id, g.due_date as due
      from assignment_progress g
      where not g.done and g.due_date <= ${until}::date and g.item_id in (select id from items)
        and not exists (select 1 from ext x where x.assignment_id = g.assignment_id)
      union all
      select g.assignment_id, g.item_id, g.person_id, g.unit_id, i.due_date
      from items i join assignment_progress g on g.item_id = i.id
      where i.due_date <= ${until}::date and not g.done and g.due_date is null
        and not exists (select 1 from ext x where x.assignment_id = g.assignment_id)
      union all
      select g.assignment_id, g.item_id, g.person_id, g.unit_id, x.requested_until
      from assignment_progress g join ext x on x.assignment_id = g.assignment_id
      where g.assignment_id = any(array(select assignment_id from ext where requested_until <= ${until}::date))
        and not g.done and x.requested_until <= ${until}::date and g.item_id in (select id from items)),
    -- Both sets are kept grouped (per branch, item, due date — and for this month's, done and the day it was
    -- done): every figure below reads these few thousand rows instead of the assignments again.
    open_set as materialized (
      select coalesce(pb.branch_id, ub.branch_id) as branch_id, r.item_id, r.due, count(*)::int as n
      from open_raw r left join pb on pb.id = r.person_id left join ub on ub.id = r.unit_id
      where coalesce(pb.branch_id, ub.branch_id) is not null
      group by 1, 2, 3),
    month_raw as (
      select g.assignment_id, g.item_id, g.person_id, g.unit_id, g.done, g.changed_at, g.due_date as due
      from assignment_progress g
      where g.due_date between ${monthStart}::date and ${monthEnd}::date and g.item_id in (select id from items)
        and not exists (select 1 from ext x where x.assignment_id = g.assignment_id)
      union all
      select g.assignment_id, g.item_id, g.person_id, g.unit_id, g.done, g.changed_at, i.due_date
      from items i join assignment_progress g on g.item_id = i.id
      where g.item_id = any(array(select id from items where due_date between ${monthStart}::date and ${monthEnd}::date)) and g.due_date is null
        and not exists (select 1 from ext x where x.assignment_id = g.assignment_id)
      union all
      select g.assignment_id, g.item_id, g.person_id, g.unit_id, g.done, g.changed_at, x.requested_until
      from assignment_progress g join ext x on x.assignment_id = g.assignment_id
      where g.assignment_id = any(array(select assignment_id from ext where requested_until between ${monthStart}::date and ${monthEnd}::date))
        and x.requested_until between ${monthStart}::date and ${monthEnd}::date and g.item_id in (select id from items)),
    month_set as materialized (
      select coalesce(pb.branch_id, ub.branch_id) as branch_id, r.item_id, r.due, r.done,
             case when r.done then (r.changed_at at time zone ${opts.timezone})::date end as day, count(*)::int as n
      from month_raw r left join pb on pb.id = r.person_id left join ub on ub.id = r.unit_id
      where coalesce(pb.branch_id, ub.branch_id) is not null
      group by 1, 2, 3, 4, 5),
    dim_names as (select name, sort, id from dimensions where active),
    dim_items as (
      select pi.id, pi.due_date, pi.dimensions from plans pl join plan_items pi on pi.plan_id = pl.id
      where pl.year = ${year} and pi.active and cardinality(pi.dimensions) > 0),
    dim_set as (
      select coalesce(pb.branch_id, ub.branch_id) as branch_id, d.name, g.done, coalesce(x.requested_until, g.due_date, di.due_date) as due
      from assignment_progress g
      join dim_items di on di.id = g.item_id
      cross join lateral unnest(di.dimensions) as d(name)
      left join ext x on x.assignment_id = g.assignment_id
      left join pb on pb.id = g.person_id
      left join ub on ub.id = g.unit_id
      -- The item list as an array first, so the plan reads only their assignments (by item), whatever it estimates.
      where g.item_id = any(array(select id from dim_items)) and d.name in (select name from dim_names)),
    drill_all as (
      select branch_id, item_id, sum(month_total)::int as month_total, sum(month_done)::int as month_done,
             sum(overdue)::int as overdue, sum(due_soon)::int as due_soon, min(oldest)::text as oldest
      from (
        select branch_id, item_id, sum(n) as month_total, coalesce(sum(n) filter (where done), 0) as month_done, 0 as overdue, 0 as due_soon, null::date as oldest
        from month_set group by 1, 2
        union all
        select branch_id, item_id, 0, 0, coalesce(sum(n) filter (where due < ${today}::date), 0), coalesce(sum(n) filter (where due >= ${today}::date), 0),
               min(due) filter (where due < ${today}::date)
        from open_set group by 1, 2
      ) x group by 1, 2),
    drill as (
      select d.*, row_number() over w as rn, count(*) over (partition by d.branch_id) as n
      from drill_all d
      window w as (partition by d.branch_id order by d.overdue desc, d.due_soon desc, d.month_total - d.month_done desc, d.item_id)),
    oldest as (
      select distinct on (branch_id) branch_id, item_id, due from open_set where due < ${today}::date order by branch_id, due, item_id)
    select
      (select json_agg(t order by t.branch_id)::text from (
         select br.id as branch_id, br.name, coalesce(m.n, 0)::int as members
         from br left join (select branch_id, count(*) as n from pb group by 1) m on m.branch_id = br.id) t) as branches,
      (select json_agg(t)::text from (
         select branch_id, sum(n)::int as total, coalesce(sum(n) filter (where done), 0)::int as done from month_set group by 1) t) as month,
      (select json_agg(t)::text from (
         select branch_id, due::text as day, sum(n)::int as n from month_set group by 1, 2) t) as due_by_day,
      (select json_agg(t)::text from (
         select branch_id, day::text as day, sum(n)::int as n from month_set where done group by 1, 2) t) as done_by_day,
      (select json_agg(t)::text from (
         select o.branch_id, o.n, o.items, od.item_id, pi.title, od.due::text as due
         from (select branch_id, sum(n)::int as n, count(distinct item_id)::int as items from open_set where due < ${today}::date group by 1) o
         join oldest od on od.branch_id = o.branch_id join plan_items pi on pi.id = od.item_id) t) as overdue,
      (select json_agg(t)::text from (
         select s.branch_id, s.item_id, pi.title, min(s.due)::text as due, sum(n)::int as n
         from open_set s join plan_items pi on pi.id = s.item_id where s.due >= ${today}::date group by 1, 2, 3) t) as due_soon,
      (select json_agg(name order by sort, id)::text from dim_names) as dimension_names,
      (select json_agg(t)::text from (
         select branch_id, name, count(*)::int as total, count(*) filter (where done)::int as done,
                count(*) filter (where not done and due < ${today}::date)::int as overdue
         from dim_set where branch_id is not null group by 1, 2) t) as dimensions,
      (select json_agg(t)::text from (
         select d.branch_id, d.item_id, pi.title, pi.list_kind::text as list_kind, pi.due_date::text as due, pi.dimensions,
                d.month_total, d.month_done, d.overdue, d.due_soon, d.oldest, d.rn::int as rn, d.n::int as n
         from drill d join plan_items pi on pi.id = d.item_id where d.rn <= ${DRILL_ROWS_PER_BRANCH}) t) as drill`;
}

/**
 * Open rounds covering any of the branches, with their sheets expected and submitted (as the round's own
 * progress counts them: every scorer scores every branch but their own), and the scorers still owing sheets
 * by their own branch.
 */
async function scoringRounds(db: DbOrTx, branchIds: readonly number[]): Promise<RawScoringRound[]> {
  const res = rows<{ round_id: number; title: string; closes_at: string | Date; expected: number; submitted: number; pending: { branch_id: number | null; scorers: number }[] | null; branch_ids: number[] }>(
    await db.execute(sql`
      with r as (
        select r.id, r.title, r.closes_at from scoring_rounds r
        where r.status = 'open' and exists (select 1 from scoring_round_branches b where b.round_id = r.id and b.unit_id = any(${intArray(branchIds)}::int[]))),
      owed as (
        select sc.round_id, sc.person_id, sc.branch_id, count(*)::int as expected,
               count(s.id) filter (where s.status = 'submitted')::int as submitted
        from scoring_round_scorers sc
        join r on r.id = sc.round_id
        join scoring_round_branches b on b.round_id = sc.round_id and b.unit_id is distinct from sc.branch_id
        left join scoring_sheets s on s.round_id = sc.round_id and s.scorer_id = sc.person_id and s.target_unit_id = b.unit_id
        group by 1, 2, 3)
      select r.id as round_id, r.title, r.closes_at,
             coalesce((select sum(o.expected)::int from owed o where o.round_id = r.id), 0) as expected,
             coalesce((select sum(o.submitted)::int from owed o where o.round_id = r.id), 0) as submitted,
             (select json_agg(t)::text from (select o.branch_id, count(*)::int as scorers from owed o where o.round_id = r.id and o.submitted < o.expected group by 1) t) as pending,
             (select array_agg(b.unit_id order by b.sort, b.unit_id) from scoring_round_branches b where b.round_id = r.id) as branch_ids
      from r order by r.closes_at, r.id`),
  );
  return res.map((r) => ({
    roundId: r.round_id,
    title: r.title,
    closesAt: new Date(r.closes_at).toISOString(),
    expected: r.expected,
    submitted: r.submitted,
    pending: ((typeof r.pending === 'string' ? JSON.parse(r.pending) : (r.pending ?? [])) as { branch_id: number | null; scorers: number }[]).map((p) => ({ branchId: p.branch_id, scorers: p.scorers })),
    branchIds: (r.branch_ids ?? []).map(Number),
  }));
}
