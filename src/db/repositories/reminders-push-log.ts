import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';

export interface PushHistory {
  /** Non-urgent cards per delivery week (cancelled ones do not count). */
  sentByWeek: Record<string, number>;
  keysToday: Set<string>;
  mutedUntil: string | null;
  personalCap: number | null;
}

/** Push history and preferences for many people at once (two queries, whatever the number of people). */
export async function pushHistory(db: DbOrTx, personIds: number[], weeks: string[], today: string): Promise<Map<number, PushHistory>> {
  const out = new Map<number, PushHistory>();
  if (personIds.length === 0) return out;
  const ids = `{${personIds.join(',')}}`;
  for (const id of personIds) out.set(id, { sentByWeek: {}, keysToday: new Set(), mutedUntil: null, personalCap: null });
  const log = rows<{ person_id: number; week: string; day: string; item_key: string; urgent: boolean; outbox_key: string; live: boolean }>(
    await db.execute(sql`
      select l.person_id, l.week::text as week, l.day::text as day, l.item_key, l.urgent, l.outbox_key,
             coalesce(o.status <> 'cancelled', true) as live
      from push_log l left join outbox o on o.idempotency_key = l.outbox_key
      where l.person_id in (select unnest(${ids}::int[]))
        and (l.week in (select unnest(${`{${weeks.join(',')}}`}::date[])) or l.day = ${today}::date)`),
  );
  const cards = new Map<string, Set<string>>();
  for (const r of log) {
    const h = out.get(r.person_id)!;
    if (r.day === today) h.keysToday.add(r.item_key);
    if (r.urgent || !r.live || !weeks.includes(r.week)) continue;
    const k = `${r.person_id}|${r.week}`;
    (cards.get(k) ?? cards.set(k, new Set()).get(k)!).add(r.outbox_key);
  }
  for (const [k, keys] of cards) {
    const [pid, week] = k.split('|') as [string, string];
    out.get(Number(pid))!.sentByWeek[week] = keys.size;
  }
  const prefs = rows<{ person_id: number; muted_until: string | null; weekly_cap: number | null }>(
    await db.execute(sql`select person_id, muted_until::text as muted_until, weekly_cap from reminder_preferences where person_id in (select unnest(${ids}::int[]))`),
  );
  for (const p of prefs) Object.assign(out.get(p.person_id)!, { mutedUntil: p.muted_until, personalCap: p.weekly_cap });
  return out;
}

export interface PushLogRow {
  personId: number;
  kind: string;
  cardKind: string;
  urgent: boolean;
  day: string;
  week: string;
  itemKey: string;
  outboxKey: string;
  assignmentIds: number[];
  line: string;
}

/**
 * Inserts log rows; returns the item keys that were new. The unique (person, day, item) key is the
 * "never twice the same day" rule across instances: a second planner waits for the first and then skips.
 */
export async function insertPushLog(db: DbOrTx, entries: PushLogRow[], at: Date): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (let i = 0; i < entries.length; i += 2000) {
    const chunk = JSON.stringify(
      entries.slice(i, i + 2000).map((e) => ({
        person_id: e.personId, kind: e.kind, card_kind: e.cardKind, urgent: e.urgent, day: e.day, week: e.week,
        item_key: e.itemKey, outbox_key: e.outboxKey, assignment_ids: e.assignmentIds, line: e.line,
      })),
    );
    const res = rows<{ person_id: number; item_key: string }>(
      await db.execute(sql`
        insert into push_log (person_id, kind, card_kind, urgent, day, week, item_key, outbox_key, line, assignment_ids, created_at)
        select x.person_id, x.kind, x.card_kind, x.urgent, x.day, x.week, x.item_key, x.outbox_key, x.line,
               array(select jsonb_array_elements_text(x.assignment_ids))::bigint[], ${at.toISOString()}::timestamptz
        from jsonb_to_recordset(${chunk}::jsonb) as x(person_id int, kind text, card_kind text, urgent boolean, day date, week date,
          item_key text, outbox_key text, line text, assignment_ids jsonb)
        on conflict (person_id, day, item_key) do nothing
        returning person_id, item_key`),
    );
    for (const r of res) fresh.add(`${r.person_id}|${r.item_key}`);
  }
  return fresh;
}

/** Lines already in summary cards still waiting to be sent (to fold new overflow into them). */
export async function pendingSummaryLines(db: DbOrTx, outboxKeys: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (outboxKeys.length === 0) return out;
  const res = rows<{ outbox_key: string; line: string }>(
    await db.execute(sql`
      select l.outbox_key, l.line from push_log l join outbox o on o.idempotency_key = l.outbox_key and o.status = 'pending'
      where l.outbox_key in (select unnest(${`{${outboxKeys.map((k) => `"${k}"`).join(',')}}`}::text[])) order by l.id`),
  );
  for (const r of res) (out.get(r.outbox_key) ?? out.set(r.outbox_key, []).get(r.outbox_key)!).push(r.line);
  return out;
}

/** Replaces the card of a summary not yet sent (the overflow of a later day joins it). */
export async function replacePendingCard(db: DbOrTx, outboxKey: string, message: unknown): Promise<void> {
  await db.execute(sql`update outbox set message = ${JSON.stringify(message)}::jsonb where idempotency_key = ${outboxKey} and status = 'pending'`);
}

export interface BurdenRow {
  week: string;
  /** A reminder kind, or 全部 (every push to a person that week). */
  kind: string;
  /** People who got at least one push of this kind that week. */
  people: number;
  pushes: number;
  max: number;
  median: number;
}

export interface BurdenReport {
  weeks: string[];
  weeklyCap: number;
  activePeople: number;
  rows: BurdenRow[];
  /** Per week: how many people got more non-urgent pushes than the cap (should stay 0). */
  overCap: { week: string; people: number }[];
}

/**
 * The burden figure for the last weeks: a distribution per week and kind, never a list of people (PRODUCT §3:
 * nothing ranks individuals). Cancelled pushes (completed before sending) do not count.
 */
export async function burdenReport(db: DbOrTx, weeks: string[], weeklyCap: number): Promise<BurdenReport> {
  const ws = `{${weeks.join(',')}}`;
  const live = sql`
    select l.person_id, l.week, l.kind, l.urgent, l.outbox_key from push_log l left join outbox o on o.idempotency_key = l.outbox_key
    where l.week in (select unnest(${ws}::date[])) and coalesce(o.status <> 'cancelled', true)`;
  const res = rows<{ week: string; kind: string; people: number; pushes: number; max: number; median: number }>(
    await db.execute(sql`
      with live as (${live}),
      per as (
        select week, kind, person_id, count(distinct outbox_key)::int as n from live group by week, kind, person_id
        union all
        select week, '全部', person_id, count(distinct outbox_key)::int from live group by week, person_id
      )
      select week::text as week, kind, count(*)::int as people, sum(n)::int as pushes, max(n)::int as max,
             (percentile_cont(0.5) within group (order by n))::float8 as median
      from per group by week, kind order by week, kind`),
  );
  const over = rows<{ week: string; people: number }>(
    await db.execute(sql`
      with live as (${live})
      select week::text as week, count(*)::int as people from (
        select week, person_id, count(distinct outbox_key) as n from live where not urgent group by week, person_id
      ) x where n > ${weeklyCap} group by week`),
  );
  const active = rows<{ n: number }>(await db.execute(sql`select count(*)::int as n from people where active`))[0]?.n ?? 0;
  return {
    weeks, weeklyCap, activePeople: active,
    rows: res.map((r) => ({ ...r, median: Number(r.median) })),
    overCap: weeks.map((w) => ({ week: w, people: over.find((o) => o.week === w)?.people ?? 0 })),
  };
}
