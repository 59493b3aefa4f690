/**
 * What the fuzz test and bench/fuzz.ts need around the generator: the credentials a harness holds (made through
 * the real flows: admin tokens through the repository, the console session through the sign-in link and its
 * button), a fingerprint of every table, and the definition of "no write".
 *
 * "No write", exactly: between the snapshot and the end of the run
 * - every table keeps its exact content (each row's JSON, hashed; only `admin_tokens.last_used_at` and
 *   `admin_sessions.last_seen_at` are left out — bookkeeping of the harness's own valid credentials), except:
 * - `inbox_events` keeps its old rows and gains only rows whose event id a genuine callback of the run carried
 *   (valid signature and encryption, unknown sender: `storesEvent`), each at most once however often it was replayed;
 * - `outbox` keeps its old rows and gains only the "not registered" answers to those senders (WeCom, no person,
 *   at most one per stored event), whatever the dispatcher has done with them since;
 * - `job_runs` may gain rows of the scheduler (it runs in wall-clock time beside the requests). If a job other than
 *   the every-ten-minutes `scoring-deadlines` fired during the run, its writes cannot be told from the requests',
 *   and the table check is reported as inconclusive instead of failing.
 */
import { sql } from 'drizzle-orm';
import { createAdminToken, revokeAdminToken } from '../../src/db/repositories/admin-tokens.js';
import type { Database } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';
import type { LinkSigner } from '../../src/domain/conversation/ports.js';
import type { FuzzContext, FuzzRequest } from './generate.js';

/** People of the demo organisation (src/domain/org/demo-org.ts) by console role. */
const DEMO_PEOPLE = { admin: '周晓燕', leader: '刘建国', scopedLeader: '陈志远', secretary: '王海峰', member: '张伟' } as const;

async function personId(database: Database, name: string): Promise<number> {
  const [r] = rows<{ id: number }>(await database.db.execute(sql`select id from people where name = ${name} and active order by id limit 1`));
  if (!r) throw new Error(`the demo organisation has no active ${name}: seed it first`);
  return Number(r.id);
}

/**
 * Makes the harness's credentials on a running server over a seeded database: admin, leader and revoked API
 * tokens, and a console session signed in through the real link + button flow (which also spends that link).
 */
export async function prepareFuzzContext(opts: {
  database: Database;
  baseUrl: string;
  appSecret: string;
  links: LinkSigner;
  now: Date;
  wecom: FuzzContext['wecom'];
}): Promise<FuzzContext> {
  const { database, now } = opts;
  const people = {
    admin: await personId(database, DEMO_PEOPLE.admin),
    leader: await personId(database, DEMO_PEOPLE.leader),
    scopedLeader: await personId(database, DEMO_PEOPLE.scopedLeader),
    secretary: await personId(database, DEMO_PEOPLE.secretary),
    member: await personId(database, DEMO_PEOPLE.member),
  };
  const actor = 'system:fuzz';
  const suffix = Math.random().toString(36).slice(2, 8);
  const adminToken = (await createAdminToken(database.db, { name: `fuzz-admin-${suffix}`, role: 'admin', actor, at: now })).token;
  const leaderToken = (await createAdminToken(database.db, { name: `fuzz-leader-${suffix}`, role: 'leader', actor, at: now })).token;
  const revokedToken = (await createAdminToken(database.db, { name: `fuzz-revoked-${suffix}`, role: 'admin', actor, at: now })).token;
  await revokeAdminToken(database.db, { name: `fuzz-revoked-${suffix}`, actor, at: now });

  const link = new URL(opts.links.adminSignIn(people.admin));
  const signInToken = link.searchParams.get('t') ?? '';
  const res = await fetch(`${opts.baseUrl}/admin/signin`, { method: 'POST', body: new URLSearchParams({ t: signInToken }), redirect: 'manual' });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('djb_admin='))?.split(';')[0]?.slice('djb_admin='.length);
  if (res.status !== 303 || !cookie) throw new Error(`console sign-in failed: ${res.status} ${await res.text()}`);
  const home = await (await fetch(`${opts.baseUrl}/admin`, { headers: { cookie: `djb_admin=${cookie}` } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home)?.[1];
  if (!csrf) throw new Error('no CSRF token on the console home page');

  const [topic] = rows<{ month: string }>(await database.db.execute(sql`select month from topics order by month desc limit 1`));
  return {
    now, appSecret: opts.appSecret, wecom: opts.wecom, adminToken, leaderToken, revokedToken,
    session: { cookie, csrf }, usedSignInToken: signInToken, people, topicMonth: topic?.month ?? now.toISOString().slice(0, 7),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Table fingerprints

/** Tables that may gain rows (rows are compared up to the snapshot's max id; new rows are listed). */
const APPEND_ALLOWED = ['inbox_events', 'outbox', 'job_runs'] as const;
const IGNORED_COLUMNS = ['last_used_at', 'last_seen_at'];

export interface TableState {
  rows: number;
  hash: string;
  /** APPEND_ALLOWED tables: the largest id at the snapshot. */
  maxId?: number;
}
export type Snapshot = Map<string, TableState>;

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const rowJson = `md5((to_jsonb(t) ${IGNORED_COLUMNS.map((c) => `- '${c}'`).join(' ')})::text)`;

async function tables(database: Database): Promise<string[]> {
  const list = rows<{ name: string }>(await database.db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`));
  return list.map((t) => t.name);
}

async function tableState(database: Database, table: string, maxId?: number): Promise<TableState> {
  const where = maxId !== undefined ? `where t.id <= ${Math.floor(maxId)}` : '';
  const [r] = rows<{ n: number | string; h: string | null; m: number | string | null }>(await database.db.execute(sql.raw(
    `select count(*) as n, md5(coalesce(string_agg(r, '' order by r), '')) as h, ${APPEND_ALLOWED.includes(table as never) ? 'max(id)' : 'null'} as m
       from (select ${rowJson} as r${APPEND_ALLOWED.includes(table as never) ? ', t.id' : ''} from ${ident(table)} t ${where}) s`,
  )));
  return { rows: Number(r?.n ?? 0), hash: r?.h ?? '', ...(r?.m !== null && r?.m !== undefined ? { maxId: Number(r.m) } : {}) };
}

export async function snapshot(database: Database): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const t of await tables(database)) {
    const s = await tableState(database, t);
    out.set(t, APPEND_ALLOWED.includes(t as never) ? { ...s, maxId: s.maxId ?? 0 } : s);
  }
  return out;
}

export interface WriteReport {
  /** Everything that breaks "no write" (empty = none). */
  problems: string[];
  /** New inbox events (all allowed ones). */
  storedEvents: number;
  /** New outbox rows (all allowed ones). */
  outboxRows: number;
  /** Jobs that fired during the run (job_runs rows). */
  jobsFired: string[];
  /** A daily job fired: its writes cannot be told from the requests'; the table checks were not conclusive. */
  inconclusive: boolean;
}

/** Compares the database with a snapshot, given the genuine callbacks of the run. */
export async function checkWrites(database: Database, before: Snapshot, sent: Iterable<Pick<FuzzRequest, 'storesEvent'>>): Promise<WriteReport> {
  const allowed = new Map<string, string>();
  for (const r of sent) if (r.storesEvent) allowed.set(r.storesEvent.eventId, r.storesEvent.sender);
  const senders = new Set(allowed.values());
  const problems: string[] = [];
  const now = await tables(database);
  for (const t of now) if (!before.has(t)) problems.push(`table ${t} appeared`);

  const newRows = async <T>(table: string, columns: string): Promise<T[]> =>
    rows<T>(await database.db.execute(sql.raw(`select ${columns} from ${ident(table)} where id > ${Math.floor(before.get(table)?.maxId ?? 0)} order by id`)));
  const jobs = await newRows<{ job: string; slot: string }>('job_runs', 'job, slot');
  const jobsFired = jobs.map((j) => `${j.job}@${j.slot}`);
  const inconclusive = jobs.some((j) => j.job !== 'scoring-deadlines');

  for (const [table, was] of before) {
    const is = await tableState(database, table, APPEND_ALLOWED.includes(table as never) ? was.maxId : undefined);
    if (is.hash !== was.hash) problems.push(`${table}: content changed (${was.rows} → ${is.rows} rows${APPEND_ALLOWED.includes(table as never) ? ' up to the snapshot' : ''})`);
  }

  const inbox = await newRows<{ platform: string; event_id: string; sender: string | null }>('inbox_events', `platform, event_id, event->>'senderId' as sender`);
  for (const e of inbox) {
    if (e.platform !== 'wecom' || !allowed.has(e.event_id)) problems.push(`inbox_events: unexpected event ${e.platform}/${e.event_id.slice(0, 120)}`);
    else if (allowed.get(e.event_id) !== e.sender) problems.push(`inbox_events: event ${e.event_id.slice(0, 80)} from ${String(e.sender).slice(0, 60)}, not its sender`);
  }
  const outbox = await newRows<{ platform: string; recipient: string; person_id: number | null }>('outbox', 'platform, recipient, person_id');
  for (const o of outbox) {
    if (o.platform !== 'wecom' || o.person_id !== null || !senders.has(o.recipient)) problems.push(`outbox: unexpected message ${o.platform} → ${o.recipient.slice(0, 80)} (person ${o.person_id})`);
  }
  if (outbox.length > inbox.length) problems.push(`outbox: ${outbox.length} new messages for ${inbox.length} stored events`);
  return { problems: inconclusive ? [] : problems, storedEvents: inbox.length, outboxRows: outbox.length, jobsFired, inconclusive };
}

// ---------------------------------------------------------------------------------------------------------
// Secrets in logs

/** The secrets found in the log text (names only, never the values). */
export function secretsInLogs(logText: string, secrets: Record<string, string | readonly string[]>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    for (const v of typeof value === 'string' ? [value] : value) {
      if (v.length >= 8 && logText.includes(v)) {
        found.push(name);
        break;
      }
    }
  }
  return found;
}
