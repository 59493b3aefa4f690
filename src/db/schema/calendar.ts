import { boolean, date, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * An administrator's word on a day, stronger than the holiday package: the State Council publishes the next
 * year's 放假安排 in late autumn, before the package catches up, and local arrangements exist.
 */
export const calendarOverrides = pgTable('calendar_overrides', {
  day: date('day', { mode: 'string' }).primaryKey(),
  workday: boolean('workday').notNull(),
  note: text('note'),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
