import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { rows } from '../db/migrate.js';
import { verifyAuditChain } from '../db/repositories/audit.js';
import type { Scheme, SheetEntry } from '../domain/scoring/types.js';
import { BRANCH_OF, inScope, localMidnight, yearItems, type ReportScope } from './year-report-data.js';

/**
 * The 台账's rows, straight from the append-only tables: every completion record (revocations included) of the
 * year's items, every meeting held in the year, every scoring sheet of rounds started in the year, every
 * extension request of the year's items — limited to the branches in scope — plus the audit chain's head.
 * Completion records are read through a cursor in batches (a year of a large agency has hundreds of thousands),
 * all other sheets in one statement each; callers run everything in one snapshot (inSnapshot).
 */

export const COMPLETION_BATCH = 5_000;

export interface LedgerCounts {
  completions: number;
  revocations: number;
  meetings: number;
  sheets: number;
  rounds: number;
  extensions: number;
}

export interface AuditHead {
  /** Rows in the audit log, and the hash of the last one (the chain head). */
  count: number;
  head: string | null;
  /** Recomputing the chain from the first row gives the stored hashes. */
  verified: boolean;
  /** The first row whose hash does not match (when not verified). */
  brokenAt: number | null;
  /** Id of the head row. */
  headId: number | null;
}

/** Assignments of the year's items with the branch they count for (null: a person at 机关党委 level); needs the `bo` CTE (BRANCH_OF). */
function assignmentsOfYear(year: number): SQL {
  return sql`
    select a.id, a.assignee_kind, coalesce(bu.branch_id, bp.branch_id) as branch_id, it.title, it.list_kind, it.source, it.active,
           it.topic_id is not null as topic, coalesce(a.due_date, it.due_date) as own_due
    from assignments a
    join (${yearItems(year, false)}) it on it.id = a.item_id
    left join bo bu on a.assignee_kind = 'unit' and bu.unit_id = a.unit_id
    left join people ap on a.assignee_kind = 'person' and ap.id = a.person_id
    left join bo bp on bp.unit_id = ap.unit_id`;
}

/** A branch condition; with every branch in scope, records of people at 机关党委 level (no branch) are kept too. */
function branchCondition(column: SQL, scope: ReportScope): SQL {
  return scope.branchIds === 'all' ? sql`true` : sql`${column} is not null and ${inScope(column, scope)}`;
}

export async function ledgerCounts(db: DbOrTx, year: number, scope: ReportScope, tz: string): Promise<LedgerCounts> {
  const [r] = rows<Record<keyof LedgerCounts, number>>(
    await db.execute(sql`
      with bo as (${BRANCH_OF}),
      ay as (${assignmentsOfYear(year)}),
      scoped as (select id from ay where ${branchCondition(sql`branch_id`, scope)}),
      rounds as (select id from scoring_rounds where ${roundsInYear(year, tz)})
      select
        (select count(*)::int from completion_records c join scoped s on s.id = c.assignment_id where c.action = 'complete') as completions,
        (select count(*)::int from completion_records c join scoped s on s.id = c.assignment_id where c.action = 'revoke') as revocations,
        (select count(*)::int from meeting_records m join bo on bo.unit_id = m.unit_id
          where m.held_on between ${`${year}-01-01`}::date and ${`${year}-12-31`}::date and ${branchCondition(sql`bo.branch_id`, scope)}) as meetings,
        (select count(*)::int from scoring_sheets sh join rounds r on r.id = sh.round_id where ${branchCondition(sql`sh.target_unit_id`, scope)}) as sheets,
        (select count(distinct sh.round_id)::int from scoring_sheets sh join rounds r on r.id = sh.round_id where ${branchCondition(sql`sh.target_unit_id`, scope)}) as rounds,
        (select count(*)::int from extension_requests e join scoped s on s.id = e.assignment_id) as extensions`),
  );
  return {
    completions: Number(r?.completions ?? 0),
    revocations: Number(r?.revocations ?? 0),
    meetings: Number(r?.meetings ?? 0),
    sheets: Number(r?.sheets ?? 0),
    rounds: Number(r?.rounds ?? 0),
    extensions: Number(r?.extensions ?? 0),
  };
}

function roundsInYear(year: number, tz: string): SQL {
  return sql`opens_at >= ${localMidnight(`${year}-01-01`, tz)} and opens_at < ${localMidnight(`${year + 1}-01-01`, tz)}`;
}

export interface CompletionLedgerRow {
  id: number;
  /** Local wall-clock time, YYYY-MM-DDTHH:mm:ss. */
  at: string;
  branch: string | null;
  person: string;
  item: string;
  itemActive: boolean;
  listKind: string | null;
  source: string | null;
  topic: boolean;
  assignee: 'unit' | 'person';
  action: 'complete' | 'revoke';
  revokesId: number | null;
  via: 'card' | 'text' | 'admin';
  evidence: string | null;
  sourceEventId: string | null;
}

interface CompletionSqlRow {
  id: number | string; at: string; branch: string | null; person: string; item: string; item_active: boolean; list_kind: string | null; source: string | null;
  topic: boolean; assignee_kind: 'unit' | 'person'; action: 'complete' | 'revoke'; revokes_id: number | string | null; via: 'card' | 'text' | 'admin';
  evidence: string | null; source_event_id: string | null;
}

const CURSOR = 'ledger_completions';

/**
 * The year's completion records in record order, read through a server-side cursor in batches: one statement
 * for the whole year (a keyset loop would join the year's assignments again for every batch), rows held in
 * memory one batch at a time. Must run inside a transaction (inSnapshot).
 */
export async function openCompletions(
  tx: DbOrTx, year: number, scope: ReportScope, tz: string,
): Promise<{ next(count: number): Promise<CompletionLedgerRow[]>; close(): Promise<void> }> {
  // Every row will be read: plan for all of them, not for the first tenth as cursors do by default.
  await tx.execute(sql`set local cursor_tuple_fraction = 1`);
  await tx.execute(sql`
    declare ${sql.raw(CURSOR)} no scroll cursor for
    with bo as (${BRANCH_OF}),
    ay as (${assignmentsOfYear(year)})
    select c.id, to_char(c.at at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as at, b.name as branch, p.name as person,
           ay.title as item, ay.active as item_active, ay.list_kind::text as list_kind, ay.source, ay.topic, ay.assignee_kind::text as assignee_kind,
           c.action::text as action, c.revokes_id, c.source::text as via, c.evidence, c.source_event_id
    from completion_records c
    join ay on ay.id = c.assignment_id
    join people p on p.id = c.person_id
    left join org_units b on b.id = ay.branch_id
    where ${branchCondition(sql`ay.branch_id`, scope)}
    order by c.id`);
  return {
    async next(count) {
      if (!Number.isInteger(count) || count <= 0) throw new RangeError('count must be a positive integer');
      return rows<CompletionSqlRow>(await tx.execute(sql`fetch forward ${sql.raw(String(count))} from ${sql.raw(CURSOR)}`)).map(completionRow);
    },
    async close() {
      await tx.execute(sql`close ${sql.raw(CURSOR)}`);
    },
  };
}

function completionRow(r: CompletionSqlRow): CompletionLedgerRow {
  return {
    id: Number(r.id),
    at: r.at,
    branch: r.branch,
    person: r.person,
    item: r.item,
    itemActive: r.item_active,
    listKind: r.list_kind,
    source: r.source,
    topic: r.topic,
    assignee: r.assignee_kind,
    action: r.action,
    revokesId: r.revokes_id === null ? null : Number(r.revokes_id),
    via: r.via,
    evidence: r.evidence,
    sourceEventId: r.source_event_id,
  };
}

export interface MeetingLedgerRow {
  id: number;
  branch: string | null;
  /** The unit it was recorded for, when that is not the branch itself (a 党小组). */
  unit: string | null;
  kind: string;
  heldOn: string;
  minutesUrl: string | null;
  recordedBy: string | null;
  via: string;
  recordedAt: string;
  sourceEventId: string | null;
}

export async function meetingRows(db: DbOrTx, year: number, scope: ReportScope, tz: string): Promise<MeetingLedgerRow[]> {
  const list = rows<{ id: number; branch: string | null; unit: string | null; kind: string; held_on: string; minutes_url: string | null; recorded_by: string | null; via: string; recorded_at: string; source_event_id: string | null }>(
    await db.execute(sql`
      with bo as (${BRANCH_OF})
      select m.id, b.name as branch, case when u.id <> bo.branch_id then u.name end as unit, m.kind, m.held_on::text as held_on, m.minutes_url,
             p.name as recorded_by, m.recorded_via as via, to_char(m.created_at at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as recorded_at, m.source_event_id
      from meeting_records m
      join org_units u on u.id = m.unit_id
      join bo on bo.unit_id = m.unit_id
      left join org_units b on b.id = bo.branch_id
      left join people p on p.id = m.recorded_by
      where m.held_on between ${`${year}-01-01`}::date and ${`${year}-12-31`}::date and ${branchCondition(sql`bo.branch_id`, scope)}
      order by m.held_on, b.id nulls first, m.id`),
  );
  return list.map((m) => ({
    id: m.id, branch: m.branch, unit: m.unit, kind: m.kind, heldOn: m.held_on, minutesUrl: m.minutes_url, recordedBy: m.recorded_by, via: m.via,
    recordedAt: m.recorded_at, sourceEventId: m.source_event_id,
  }));
}

export interface SheetLedgerRow {
  roundId: number;
  round: string;
  roundStatus: 'open' | 'closed' | 'published';
  scorer: string;
  role: 'peer' | 'committee' | null;
  scorerBranch: string | null;
  target: string;
  status: 'draft' | 'submitted';
  totalCents: number | null;
  submittedAt: string | null;
  updatedAt: string;
  revision: number;
  entries: SheetEntry[];
  comment: string | null;
}

/** Every sheet of the rounds started in the year about a branch in scope, and the rounds' schemes. */
export async function sheetRows(db: DbOrTx, year: number, scope: ReportScope, tz: string): Promise<{ sheets: SheetLedgerRow[]; schemes: Map<number, Scheme> }> {
  const list = rows<{
    round_id: number; round: string; round_status: SheetLedgerRow['roundStatus']; scorer: string; role: SheetLedgerRow['role']; scorer_branch: string | null;
    target: string; status: SheetLedgerRow['status']; total_cents: number | null; submitted_at: string | null; updated_at: string; revision: number; entries: unknown; comment: string | null;
  }>(
    await db.execute(sql`
      select r.id as round_id, r.title as round, r.status::text as round_status, coalesce(rs.name, p.name) as scorer, rs.role::text as role,
             sb.name as scorer_branch, coalesce(rb.name, tu.name) as target, sh.status::text as status, sh.total_cents,
             to_char(sh.submitted_at at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as submitted_at,
             to_char(sh.updated_at at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as updated_at, sh.revision, sh.entries, sh.comment
      from scoring_sheets sh
      join scoring_rounds r on r.id = sh.round_id
      join people p on p.id = sh.scorer_id
      join org_units tu on tu.id = sh.target_unit_id
      left join scoring_round_scorers rs on rs.round_id = sh.round_id and rs.person_id = sh.scorer_id
      left join scoring_round_branches rb on rb.round_id = sh.round_id and rb.unit_id = sh.target_unit_id
      left join org_units sb on sb.id = rs.branch_id
      where r.opens_at >= ${localMidnight(`${year}-01-01`, tz)} and r.opens_at < ${localMidnight(`${year + 1}-01-01`, tz)}
        and ${branchCondition(sql`sh.target_unit_id`, scope)}
      order by r.opens_at, r.id, coalesce(rb.sort, 1e9), sh.target_unit_id, rs.role nulls last, sh.scorer_id`),
  );
  const roundIds = [...new Set(list.map((s) => s.round_id))];
  const schemes = new Map<number, Scheme>();
  if (roundIds.length) {
    const defs = rows<{ id: number; definition: unknown }>(
      await db.execute(sql`select r.id, s.definition from scoring_rounds r join scoring_schemes s on s.id = r.scheme_id where r.id = any(${`{${roundIds.join(',')}}`}::int[])`),
    );
    for (const d of defs) schemes.set(d.id, json(d.definition) as Scheme);
  }
  const sheets = list.map((s) => ({
    roundId: s.round_id, round: s.round, roundStatus: s.round_status, scorer: s.scorer, role: s.role, scorerBranch: s.scorer_branch, target: s.target,
    status: s.status, totalCents: s.total_cents, submittedAt: s.submitted_at, updatedAt: s.updated_at, revision: s.revision,
    entries: (json(s.entries) as SheetEntry[] | null) ?? [], comment: s.comment,
  }));
  return { sheets, schemes };
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export interface ExtensionLedgerRow {
  id: number;
  createdAt: string;
  branch: string | null;
  person: string;
  item: string;
  dueBefore: string | null;
  requestedUntil: string;
  reason: string | null;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  sourceEventId: string | null;
}

export async function extensionRows(db: DbOrTx, year: number, scope: ReportScope, tz: string): Promise<ExtensionLedgerRow[]> {
  const list = rows<{
    id: number; created_at: string; branch: string | null; person: string; item: string; due_before: string | null; requested_until: string; reason: string | null;
    status: ExtensionLedgerRow['status']; decided_by: string | null; decided_at: string | null; decision_note: string | null; source_event_id: string | null;
  }>(
    await db.execute(sql`
      with bo as (${BRANCH_OF}),
      ay as (${assignmentsOfYear(year)})
      select e.id, to_char(e.created_at at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as created_at, b.name as branch, p.name as person, ay.title as item,
             ay.own_due::text as due_before, e.requested_until::text as requested_until, e.reason, e.status::text as status, d.name as decided_by,
             to_char(e.decided_at at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as decided_at, e.decision_note, e.source_event_id
      from extension_requests e
      join ay on ay.id = e.assignment_id
      join people p on p.id = e.person_id
      left join people d on d.id = e.decided_by
      left join org_units b on b.id = ay.branch_id
      where ${branchCondition(sql`ay.branch_id`, scope)}
      order by e.id`),
  );
  return list.map((e) => ({
    id: e.id, createdAt: e.created_at, branch: e.branch, person: e.person, item: e.item, dueBefore: e.due_before, requestedUntil: e.requested_until, reason: e.reason,
    status: e.status, decidedBy: e.decided_by, decidedAt: e.decided_at, decisionNote: e.decision_note, sourceEventId: e.source_event_id,
  }));
}

/** The audit chain recomputed from its first row (verifyAuditChain), with the head row's id. */
export async function auditHead(db: DbOrTx): Promise<AuditHead> {
  const verified = await verifyAuditChain(db);
  const [last] = rows<{ id: number | string; hash: string; n: number }>(
    await db.execute(sql`select id, hash, (select count(*)::int from audit_log) as n from audit_log order by id desc limit 1`),
  );
  if (!last) return { count: 0, head: null, verified: verified.ok, brokenAt: null, headId: null };
  return {
    count: Number(last.n),
    head: verified.ok ? verified.head : last.hash,
    verified: verified.ok,
    brokenAt: verified.ok ? null : verified.brokenAt,
    headId: Number(last.id),
  };
}

export interface HeadCheck {
  chain: AuditHead;
  /** The given head's row, and how many rows came after it. */
  found: { id: number; position: number; after: number } | null;
}

/** `report audit --head H`: recomputes the chain and finds H on it. */
export async function checkHead(db: DbOrTx, head: string): Promise<HeadCheck> {
  const chain = await auditHead(db);
  const [row] = rows<{ id: number | string; position: number; after: number }>(
    await db.execute(sql`
      select a.id, (select count(*)::int from audit_log x where x.id <= a.id) as position, (select count(*)::int from audit_log x where x.id > a.id) as after
      from audit_log a where a.hash = ${head.trim().toLowerCase()}`),
  );
  return { chain, found: row ? { id: Number(row.id), position: Number(row.position), after: Number(row.after) } : null };
}
