import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar, localDate, packageKnowsYear, type Calendar } from '../../src/domain/calendar.js';
import { rows } from '../../src/db/migrate.js';
import { verifyAuditChain } from '../../src/db/repositories/audit.js';
import { calendarOverrideStore, setCalendarOverride } from '../../src/db/repositories/calendar.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

describe('business calendar', () => {
  let t: TestDatabase;
  let cal: Calendar;
  beforeAll(async () => {
    t = await createTestDatabase();
    cal = createCalendar('Asia/Shanghai', calendarOverrideStore(t.database.db));
  });
  afterAll(async () => t.drop());

  it.each([
    ['2026-10-01', false, '国庆节'], // National Day
    ['2026-10-07', false, '国庆节'],
    ['2026-10-10', true, '国庆节调休上班'], // a 调休 Saturday
    ['2026-02-28', true, '春节调休上班'], // Saturday worked for the Spring Festival
    ['2026-11-21', false, null], // an ordinary Saturday
    ['2026-11-23', true, null], // an ordinary Monday
  ])('%s is a workday: %s', async (date, workday, name) => {
    const info = await cal.describe(date);
    expect(info.workday).toBe(workday);
    expect(info.name).toBe(name);
    expect(await cal.isWorkday(date)).toBe(workday);
  });

  it('takes the calendar date in the business time zone, not UTC', async () => {
    // 2026-09-30T17:00Z is 01:00 on 1 October in Shanghai: a holiday, although in UTC it is still a workday.
    const instant = new Date('2026-09-30T17:00:00Z');
    expect(localDate(instant, 'Asia/Shanghai')).toBe('2026-10-01');
    expect(await cal.isWorkday(instant)).toBe(false);
    expect(localDate(instant, 'UTC')).toBe('2026-09-30');
  });

  it('an administrator override wins over the package, and is audited', async () => {
    const at = new Date('2026-11-22T02:00:00Z');
    expect(await cal.isWorkday('2026-12-31')).toBe(true);
    expect(await setCalendarOverride(t.database.db, { date: '2026-12-31', workday: false, note: '本单位安排休息', actor: 'test', at })).toEqual({ changed: true });
    expect(await cal.describe('2026-12-31')).toEqual({ date: '2026-12-31', workday: false, source: 'override', name: '本单位安排休息' });
    // Setting the same again changes nothing and writes no second audit row.
    expect(await setCalendarOverride(t.database.db, { date: '2026-12-31', workday: false, note: '本单位安排休息', actor: 'test', at })).toEqual({ changed: false });
    const audit = rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from audit_log where action = 'calendar.set'`));
    expect(audit[0]?.n).toBe(1);
    expect((await verifyAuditChain(t.database.db)).ok).toBe(true);
  });

  it('lets admins enter next year before the package knows it', async () => {
    expect(packageKnowsYear(2026)).toBe(true);
    const at = new Date('2026-11-22T02:00:00Z');
    // 2027-02-06 is a Saturday; suppose the published schedule makes it a 调休 working day.
    expect(await cal.isWorkday('2027-02-06')).toBe(false);
    await setCalendarOverride(t.database.db, { date: '2027-02-06', workday: true, note: '春节调休上班', actor: 'test', at });
    expect(await cal.isWorkday('2027-02-06')).toBe(true);
  });

  it('rejects a malformed date', async () => {
    await expect(cal.isWorkday('2026-13-45')).rejects.toThrow(RangeError);
    await expect(cal.isWorkday('2026-02-30')).rejects.toThrow(RangeError);
  });
});
