import { and, gte, lte, sql } from 'drizzle-orm';
import { createCalendar } from '../../domain/calendar.js';
import type { DigestStore } from '../../domain/digest/raw.js';
import { DIGEST_FIGURES_VERSION, type DigestFigures } from '../../domain/digest/types.js';
import { dateRange, type IsWorkday } from '../../domain/reminders/days.js';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';
import { calendarOverrides, digestPreferences, digestSnapshots } from '../schema/index.js';
import { computeDigest, digestLeaders, digestUnits } from './digest-read.js';

/** The digest's port over the database, bound to one connection or transaction. */
export function digestStore(db: DbOrTx, opts: { timezone: string }): DigestStore {
  return {
    units: () => digestUnits(db),
    compute: (branchIds, o) => computeDigest(db, branchIds, { ...o, timezone: opts.timezone }),
    leaders: () => digestLeaders(db),
    leader: async (personId) => (await digestLeaders(db, personId))[0],
    workdays: (from, to) => workdaysThrough(db, opts.timezone, from, to),
    previous: (personIds, date) => previousSnapshots(db, personIds, date),
    snapshot: (personId, date) => snapshotOf(db, personId, date),
    saveSnapshots: (items, at) => saveSnapshots(db, items, at),
    async setSkipQuietDays(personId, skip, at) {
      await db
        .insert(digestPreferences)
        .values({ personId, skipQuietDays: skip, updatedAt: at })
        .onConflictDoUpdate({ target: digestPreferences.personId, set: { skipQuietDays: skip, updatedAt: at } });
    },
  };
}

/**
 * The business calendar (the holiday package, administrators' overrides winning) for a window of days, with
 * the overrides read in one query on this connection — the Calendar port reads on its own connection, which
 * inside a transaction on PGlite (one connection) would wait forever.
 */
export async function workdaysThrough(db: DbOrTx, timezone: string, from: string, to: string): Promise<IsWorkday> {
  const overrides = await db
    .select({ day: calendarOverrides.day, workday: calendarOverrides.workday, note: calendarOverrides.note })
    .from(calendarOverrides)
    .where(and(gte(calendarOverrides.day, from), lte(calendarOverrides.day, to)));
  const byDay = new Map(overrides.map((o) => [o.day, { workday: o.workday, note: o.note }]));
  const calendar = createCalendar(timezone, { find: (date) => Promise.resolve(byDay.get(date)) });
  const days = new Map<string, boolean>();
  for (const d of dateRange(from, to)) days.set(d, await calendar.isWorkday(d));
  return (d) => days.get(d) ?? ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
}

/** Each person's latest figures stored before `date` (figures of another version are not comparable: skipped). */
async function previousSnapshots(db: DbOrTx, personIds: readonly number[], date: string): Promise<Map<number, DigestFigures>> {
  if (personIds.length === 0) return new Map();
  const res = rows<{ person_id: number; figures: DigestFigures | string }>(
    await db.execute(sql`
      select distinct on (person_id) person_id, figures from digest_snapshots
      where person_id = any(${`{${personIds.join(',')}}`}::int[]) and day < ${date}::date
      order by person_id, day desc`),
  );
  const out = new Map<number, DigestFigures>();
  for (const r of res) {
    const f = (typeof r.figures === 'string' ? JSON.parse(r.figures) : r.figures) as DigestFigures;
    if (f.version === DIGEST_FIGURES_VERSION) out.set(r.person_id, f);
  }
  return out;
}

/** One person's stored figures for one day (the chart image draws what the card said), if of this version. */
export async function snapshotOf(db: DbOrTx, personId: number, date: string): Promise<DigestFigures | undefined> {
  const [r] = rows<{ figures: DigestFigures | string }>(
    await db.execute(sql`select figures from digest_snapshots where person_id = ${personId} and day = ${date}::date`),
  );
  if (!r) return undefined;
  const f = (typeof r.figures === 'string' ? JSON.parse(r.figures) : r.figures) as DigestFigures;
  return f.version === DIGEST_FIGURES_VERSION ? f : undefined;
}

/**
 * The day's figures per person; a later computation the same day replaces the earlier one. Without the drill
 * rows: they are only for today's detail page (up to 3 000 rows for a whole agency), never compared.
 */
async function saveSnapshots(db: DbOrTx, items: readonly { personId: number; figures: DigestFigures }[], at: Date): Promise<void> {
  for (let i = 0; i < items.length; i += 200) {
    await db
      .insert(digestSnapshots)
      .values(items.slice(i, i + 200).map((it) => ({ personId: it.personId, day: it.figures.date, figures: { ...it.figures, drill: [] }, createdAt: at })))
      .onConflictDoUpdate({ target: [digestSnapshots.personId, digestSnapshots.day], set: { figures: sql`excluded.figures`, createdAt: sql`excluded.created_at` } });
  }
}
