import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { CalendarOverrideStore } from '../../domain/calendar.js';
import type { Db } from '../client.js';
import { calendarOverrides } from '../schema/index.js';
import { appendAudit } from './audit.js';

export function calendarOverrideStore(db: Db): CalendarOverrideStore {
  return {
    async find(date) {
      const [row] = await db
        .select({ workday: calendarOverrides.workday, note: calendarOverrides.note })
        .from(calendarOverrides)
        .where(eq(calendarOverrides.day, date));
      return row;
    },
  };
}

export interface SetOverrideInput {
  date: string;
  workday: boolean;
  note?: string | null;
  actor: string;
  at: Date;
}

/** Sets (or replaces) an administrator's override for one day; returns whether anything changed. */
export async function setCalendarOverride(db: Db, input: SetOverrideInput): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(calendarOverrides).where(eq(calendarOverrides.day, input.date)).for('update');
    const note = input.note ?? null;
    if (existing && existing.workday === input.workday && existing.note === note) return { changed: false };
    await tx
      .insert(calendarOverrides)
      .values({ day: input.date, workday: input.workday, note, updatedBy: input.actor, updatedAt: input.at })
      .onConflictDoUpdate({
        target: calendarOverrides.day,
        set: { workday: input.workday, note, updatedBy: input.actor, updatedAt: input.at },
      });
    await appendAudit(tx, input.at, {
      actor: input.actor,
      action: 'calendar.set',
      subjectType: 'calendar_day',
      subjectId: input.date,
      data: { workday: input.workday, note, previous: existing ? { workday: existing.workday, note: existing.note } : null },
    });
    return { changed: true };
  });
}

/** Removes an administrator's override (the day follows the holiday data again); returns whether there was one. */
export async function clearCalendarOverride(db: Db, input: { date: string; actor: string; at: Date }): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.delete(calendarOverrides).where(eq(calendarOverrides.day, input.date)).returning();
    if (!existing) return { changed: false };
    await appendAudit(tx, input.at, {
      actor: input.actor,
      action: 'calendar.clear',
      subjectType: 'calendar_day',
      subjectId: input.date,
      data: { previous: { workday: existing.workday, note: existing.note } },
    });
    return { changed: true };
  });
}

export async function listCalendarOverrides(db: Db, from: string, to: string) {
  return db
    .select()
    .from(calendarOverrides)
    .where(and(gte(calendarOverrides.day, from), lte(calendarOverrides.day, to)))
    .orderBy(asc(calendarOverrides.day));
}
