import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { rows } from '../db/migrate.js';
import { subtreeIds } from '../db/repositories/org-people-read.js';
import { loadSettings } from '../db/repositories/reminders-store.js';
import { localDate } from '../domain/calendar.js';
import type { PersonView } from '../domain/conversation/ports.js';
import { reportPeriod, type ReportPeriod, type YearReportKind } from '../domain/reports/period.js';
import type { BranchInput, ItemFigureRow, ListKind, MeetingInput, PublishedRound, ReportItem, RoundBranchResult, YearReport } from '../domain/reports/types.js';
import { buildYearReport } from '../domain/reports/year-report.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import { resolveBranches } from './scoring-round-data.js';

/**
 * The queries behind 年中查账 / 年底交账 (and the helpers the 台账 shares): a handful of set-based statements over the
 * whole scope — branches, dimensions, the year's items, per-branch-and-item figures, meetings, published rounds,
 * reminder settings — run in one read-only snapshot, whatever the number of branches. The shaping is pure
 * (src/domain/reports).
 */

/** Which branches an export covers: every branch, or the listed ones (a unit-scoped reader, or --unit). */
export interface ReportScope {
  branchIds: readonly number[] | 'all';
  /** "全部党支部" or the branch names, for the sheets. */
  label: string;
}

export const ALL_BRANCHES: ReportScope = { branchIds: 'all', label: '全部党支部' };

/** `{1,2,3}` as a PostgreSQL int[] parameter (one parameter, whatever the count). */
export const intArray = (ids: readonly number[]): SQL => sql`${`{${ids.join(',')}}`}::int[]`;

/** A condition limiting `column` (a branch id) to the scope. */
export function inScope(column: SQL, scope: ReportScope): SQL {
  return scope.branchIds === 'all' ? sql`true` : sql`${column} = any(${intArray(scope.branchIds)})`;
}

/** Start of a local day as an instant: records made before the cutoff day begins count. */
export const localMidnight = (date: string, tz: string): SQL => sql`((${date}::date)::timestamp at time zone ${tz})`;

/** Every unit with the branch it belongs to (a branch itself, a 党小组's parent; null for the 机关党委). */
export const BRANCH_OF = sql`select id as unit_id, case kind when 'branch' then id when 'group' then parent_id end as branch_id from org_units`;

/** The year's items: plan items of the year's plans and the 必学 items of its monthly topics. */
export function yearItems(year: number, activeOnly: boolean): SQL {
  return sql`
    select i.id, i.title, i.path, i.list_kind, i.dimensions, i.due_date, i.active, i.plan_id, i.topic_id,
           coalesce(p.title, t.month || ' ' || t.title) as source
    from plan_items i
    left join plans p on p.id = i.plan_id
    left join topics t on t.id = i.topic_id
    where (p.year = ${year} or t.month like ${`${year}-%`}) ${activeOnly ? sql`and i.active` : sql``}`;
}

/** Runs `fn` in one read-only, repeatable-read snapshot, so every sheet of an export sees the same data. */
export function inSnapshot<T>(db: DbOrTx, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

export async function agencyName(db: DbOrTx): Promise<string> {
  const [r] = rows<{ name: string }>(await db.execute(sql`select name from org_units where parent_id is null and kind = 'committee' limit 1`));
  return r?.name ?? '机关党委';
}

/** "2026-03 学习贯彻全会精神" → "2026年3月主题：学习贯彻全会精神"; plan titles as they are. */
export function sourceLabel(source: string | null, topic: boolean): string {
  if (!source) return '';
  if (!topic) return source;
  const m = /^(\d{4})-(\d{2}) (.*)$/s.exec(source);
  return m ? `${m[1]}年${Number(m[2])}月主题：${m[3]}` : source;
}

/** The "where" half of reading a year report: kind, year, who may see what, and the clock. */
export interface YearReportQuery {
  kind: YearReportKind;
  year: number;
  scope: ReportScope;
  now: Date;
  timezone: string;
}

export async function loadYearReport(db: DbOrTx, q: YearReportQuery): Promise<YearReport> {
  const period = reportPeriod(q.kind, q.year, localDate(q.now, q.timezone));
  return inSnapshot(db, async (tx) => {
    const [agency, branches, dimensionNames, figures, meetings, rounds, settings] = [
      await agencyName(tx),
      await branchesOf(tx, q.scope),
      await dimensionNamesOf(tx),
      await itemFigures(tx, period, q.scope, q.timezone),
      await meetingsOf(tx, period, q.scope),
      await publishedRounds(tx, period, q.timezone),
      await loadSettings(tx),
    ];
    const items = await itemsById(tx, [...new Set(figures.map((f) => f.itemId))]);
    return buildYearReport({
      period,
      generatedAt: q.now.toISOString(),
      agency,
      scopeLabel: q.scope.label,
      branches,
      dimensionNames,
      items,
      figures,
      meetings,
      cadenceOf: (branchId) => settings.forUnit(branchId).cadence,
      rounds,
    });
  });
}

export async function branchesOf(db: DbOrTx, scope: ReportScope): Promise<BranchInput[]> {
  const list = rows<{ id: number; name: string; active: boolean; has_groups: boolean; members: number }>(
    await db.execute(sql`
      with bo as (${BRANCH_OF}),
      members as (
        select bo.branch_id, count(*)::int as n from people p join bo on bo.unit_id = p.unit_id
        where p.active and bo.branch_id is not null group by bo.branch_id
      )
      select u.id, u.name, u.active,
             exists (select 1 from org_units g where g.parent_id = u.id and g.kind = 'group' and g.active) as has_groups,
             coalesce(m.n, 0) as members
      from org_units u left join members m on m.branch_id = u.id
      where u.kind = 'branch' and ${inScope(sql`u.id`, scope)}
      order by u.id`),
  );
  return list.map((b) => ({ id: b.id, name: b.name, active: b.active, hasGroups: b.has_groups, members: Number(b.members) }));
}

async function dimensionNamesOf(db: DbOrTx): Promise<string[]> {
  return rows<{ name: string }>(await db.execute(sql`select name from dimensions where active order by sort, id`)).map((r) => r.name);
}

interface FigureSqlRow {
  branch_id: number;
  item_id: number;
  assignee_kind: 'unit' | 'person';
  planned: number;
  done: number;
  done_late: number;
  overdue: number;
  due_by: number;
  extended: number;
  with_evidence: number;
  due_min: string | null;
  due_max: string | null;
  last_done_at: string | null;
  evidence: string | null;
  source: 'card' | 'text' | 'admin' | null;
}

/**
 * Per branch, item and kind of assignee: planned, done (late), overdue, due by the cutoff — the state as of the
 * cutoff, from the append-only records (latest record and latest approved extension before it).
 */
async function itemFigures(db: DbOrTx, period: ReportPeriod, scope: ReportScope, tz: string): Promise<ItemFigureRow[]> {
  const cutoff = localMidnight(period.cutoff, tz);
  const res = rows<FigureSqlRow>(
    await db.execute(sql`
      with bo as (${BRANCH_OF}),
      it as (${yearItems(period.year, true)}),
      asg as (
        select a.id, a.item_id, a.assignee_kind, coalesce(bu.branch_id, bp.branch_id) as branch_id, coalesce(a.due_date, it.due_date) as own_due
        from assignments a
        join it on it.id = a.item_id
        left join bo bu on a.assignee_kind = 'unit' and bu.unit_id = a.unit_id
        left join people pp on a.assignee_kind = 'person' and pp.id = a.person_id and pp.active
        left join bo bp on bp.unit_id = pp.unit_id
      ),
      scoped as (select * from asg where branch_id is not null and ${inScope(sql`branch_id`, scope)}),
      ext as (
        select distinct on (e.assignment_id) e.assignment_id, e.requested_until
        from extension_requests e join scoped s on s.id = e.assignment_id
        where e.status = 'approved' and e.decided_at < ${cutoff}
        order by e.assignment_id, e.id desc
      ),
      latest as (
        select distinct on (c.assignment_id) c.assignment_id, c.action, c.at, c.evidence, c.source
        from completion_records c join scoped s on s.id = c.assignment_id
        where c.at < ${cutoff}
        order by c.assignment_id, c.id desc
      ),
      x as (
        select s.branch_id, s.item_id, s.assignee_kind, coalesce(ext.requested_until, s.own_due) as due, ext.assignment_id is not null as extended,
               coalesce(l.action = 'complete', false) as done,
               case when l.action = 'complete' then l.at end as done_at,
               case when l.action = 'complete' then l.evidence end as evidence,
               case when l.action = 'complete' then l.source::text end as source
        from scoped s left join ext on ext.assignment_id = s.id left join latest l on l.assignment_id = s.id
      )
      select branch_id, item_id, assignee_kind,
             count(*)::int as planned,
             count(*) filter (where done)::int as done,
             count(*) filter (where done and (done_at at time zone ${tz})::date > due)::int as done_late,
             count(*) filter (where not done and due < ${period.cutoff}::date)::int as overdue,
             count(*) filter (where due < ${period.cutoff}::date)::int as due_by,
             count(*) filter (where extended)::int as extended,
             count(*) filter (where done and coalesce(btrim(evidence), '') <> '')::int as with_evidence,
             min(due)::text as due_min, max(due)::text as due_max,
             to_char(max(done_at) at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as last_done_at,
             case when count(*) = 1 then max(evidence) end as evidence,
             case when count(*) = 1 then max(source) end as source
      from x
      group by branch_id, item_id, assignee_kind`),
  );
  return res.map((r) => ({
    branchId: Number(r.branch_id),
    itemId: Number(r.item_id),
    assignee: r.assignee_kind,
    planned: r.planned,
    done: r.done,
    doneLate: r.done_late,
    overdue: r.overdue,
    dueByCutoff: r.due_by,
    extended: r.extended,
    withEvidence: r.with_evidence,
    dueMin: r.due_min,
    dueMax: r.due_max,
    lastDoneAt: r.last_done_at,
    evidence: r.evidence,
    source: r.source,
  }));
}

/** The items the figures name, in plan order (plans by id, then document order), then topics by month. */
async function itemsById(db: DbOrTx, ids: readonly number[]): Promise<ReportItem[]> {
  if (ids.length === 0) return [];
  const list = rows<{ id: number; title: string; path: string; list_kind: ListKind | null; dimensions: string[]; due_date: string | null; source: string | null; topic: boolean }>(
    await db.execute(sql`
      select i.id, i.title, i.path, i.list_kind, i.dimensions, i.due_date::text as due_date,
             coalesce(p.title, t.month || ' ' || t.title) as source, i.topic_id is not null as topic
      from plan_items i left join plans p on p.id = i.plan_id left join topics t on t.id = i.topic_id
      where i.id = any(${intArray(ids)})
      order by i.topic_id is not null, i.plan_id, t.month, i.id`),
  );
  return list.map((i) => ({
    id: i.id,
    title: i.title,
    path: i.path,
    listKind: i.list_kind,
    dimensions: i.dimensions ?? [],
    dueDate: i.due_date,
    source: sourceLabel(i.source, i.topic),
  }));
}

async function meetingsOf(db: DbOrTx, period: ReportPeriod, scope: ReportScope): Promise<MeetingInput[]> {
  if (period.notStarted) return [];
  const list = rows<{ branch_id: number; kind: string; held_on: string }>(
    await db.execute(sql`
      with bo as (${BRANCH_OF})
      select bo.branch_id, m.kind, m.held_on::text as held_on
      from meeting_records m join bo on bo.unit_id = m.unit_id
      where m.held_on between ${period.from}::date and ${period.asOf}::date and bo.branch_id is not null and ${inScope(sql`bo.branch_id`, scope)}
      order by m.held_on, m.id`),
  );
  return list.map((m) => ({ branchId: Number(m.branch_id), kind: m.kind, heldOn: m.held_on }));
}

/** Rounds started in the period and published before the cutoff, with each branch's stars, class and total. */
async function publishedRounds(db: DbOrTx, period: ReportPeriod, tz: string): Promise<PublishedRound[]> {
  const list = rows<{ id: number; title: string; opens_on: string; published_on: string | null; branches: unknown }>(
    await db.execute(sql`
      select r.id, r.title, to_char(r.opens_at at time zone ${tz}, 'YYYY-MM-DD') as opens_on,
             to_char(r.published_at at time zone ${tz}, 'YYYY-MM-DD') as published_on, s.result -> 'branches' as branches
      from scoring_rounds r join scoring_results s on s.round_id = r.id
      where r.status = 'published' and r.opens_at >= ${localMidnight(period.from, tz)} and r.opens_at < ${localMidnight(period.cutoff, tz)}
        and r.published_at < ${localMidnight(period.cutoff, tz)}
      order by r.opens_at, r.id`),
  );
  return list.map((r) => {
    const raw = (typeof r.branches === 'string' ? JSON.parse(r.branches) : r.branches) as Record<string, unknown>[] | null;
    const branches: RoundBranchResult[] = (raw ?? []).map((b) => ({
      branchId: Number(b.branchId),
      total: typeof b.total === 'number' ? b.total : null,
      totalText: typeof b.totalText === 'string' ? b.totalText : null,
      stars: typeof b.stars === 'number' ? b.stars : 0,
      starLabel: typeof b.starLabel === 'string' ? b.starLabel : '',
      classLabel: typeof b.classLabel === 'string' ? b.classLabel : null,
    }));
    return { id: r.id, title: r.title, opensOn: r.opens_on, publishedOn: r.published_on, branches };
  });
}

/* ---------- who may see which branches ---------- */

/** The branches under some units (the scope of a unit-limited reader), as a scope; label from their names. */
export async function scopeOfUnits(db: DbOrTx, units: Set<number> | 'all'): Promise<ReportScope> {
  if (units === 'all') return ALL_BRANCHES;
  // A scope at 机关党委 level is the whole agency, whatever branches come and go.
  const [root] = rows<{ id: number }>(await db.execute(sql`select id from org_units where parent_id is null and kind = 'committee' limit 1`));
  if (root && units.has(root.id)) return ALL_BRANCHES;
  const list = rows<{ id: number; name: string }>(
    await db.execute(sql`select id, name from org_units where kind = 'branch' and id = any(${intArray([...units])}) order by id`),
  );
  return { branchIds: list.map((b) => b.id), label: list.map((b) => b.name).join('、') || '（无党支部）' };
}

/**
 * What a person holding a report link may see: admins (and the 机关党委's own secretary) everything, leaders their
 * 分管范围 (everything without one), branch secretaries their branch. Null: not for them.
 */
export async function personReportScope(db: DbOrTx, person: PersonView): Promise<ReportScope | null> {
  if (person.roles.includes('admin')) return ALL_BRANCHES;
  const roles = rows<{ role: string; scope_unit_id: number | null }>(
    await db.execute(sql`select role::text as role, scope_unit_id from person_roles where person_id = ${person.id} and role in ('leader', 'secretary')`),
  );
  const units = new Set<number>();
  for (const r of roles) {
    // A role without a scope applies where the person is: a leader's means the whole agency.
    if (r.role === 'leader' && r.scope_unit_id === null) return ALL_BRANCHES;
    const root = r.scope_unit_id ?? (r.role === 'secretary' ? (person.branchId ?? person.unitId) : null);
    if (root === null) continue;
    for (const id of await subtreeIds(db, root)) units.add(id);
  }
  if (roles.length === 0) return null;
  return scopeOfUnits(db, units);
}

/** `--unit` / `?unit=`: a branch by id or (unique part of its) name, which must lie in `within`. */
export async function narrowScope(db: DbOrTx, within: ReportScope, unit: string | undefined): Promise<ReportScope> {
  if (unit === undefined || unit.trim() === '') return within;
  const [branch] = await resolveBranches(db, [unit]);
  if (!branch) throw new ValidationError(`没有名为“${unit}”的党支部`);
  if (within.branchIds !== 'all' && !within.branchIds.includes(branch.id)) throw new ForbiddenError(`${branch.name}不在您的查看范围内`);
  return { branchIds: [branch.id], label: branch.name };
}
