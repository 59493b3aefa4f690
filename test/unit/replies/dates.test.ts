import { describe, expect, it } from 'vitest';
import { parseDate, todayIn } from '../../../src/replies/dates.js';
import { parseReply } from '../../../src/replies/parse-reply.js';

/** 2026-11-22 10:00 in Asia/Shanghai, a Sunday. */
const NOW = new Date('2026-11-22T02:00:00Z');
const TZ = 'Asia/Shanghai';

describe('parseDate (future: deadlines)', () => {
  it.each([
    ['2026-12-05', '2026-12-05'],
    ['2026/12/5', '2026-12-05'],
    ['2026.12.5', '2026-12-05'],
    ['2026年12月5日', '2026-12-05'],
    ['2027年1月3号', '2027-01-03'],
    ['12月5日', '2026-12-05'],
    ['12月5号', '2026-12-05'],
    ['12月5', '2026-12-05'],
    ['12.5', '2026-12-05'],
    ['12/5', '2026-12-05'],
    ['十二月五日', '2026-12-05'],
    ['十二月二十五日', '2026-12-25'],
    ['11月22日', '2026-11-22'], // today has not passed
    ['11月21日', '2027-11-21'], // passed this year → next year
    ['1月10日', '2027-01-10'],
    ['今天', '2026-11-22'],
    ['明天', '2026-11-23'],
    ['后天', '2026-11-24'],
    ['大后天', '2026-11-25'],
    ['3天后', '2026-11-25'],
    ['三天后', '2026-11-25'],
    ['10天之后', '2026-12-02'],
    ['两周后', '2026-12-06'],
    ['1个月后', '2026-12-22'],
    ['周五', '2026-11-27'],
    ['星期五', '2026-11-27'],
    ['礼拜五', '2026-11-27'],
    ['周日', '2026-11-22'],
    ['这周五', '2026-11-20'], // the week runs Monday..Sunday, so this week's Friday is past
    ['本周五', '2026-11-20'],
    ['下周一', '2026-11-23'],
    ['下周五', '2026-11-27'],
    ['下个星期三', '2026-11-25'],
    ['下下周一', '2026-11-30'],
    ['周末', '2026-11-22'],
    ['下周末', '2026-11-29'],
    ['月底', '2026-11-30'],
    ['本月底', '2026-11-30'],
    ['这个月底', '2026-11-30'],
    ['月末', '2026-11-30'],
    ['下月底', '2026-12-31'],
    ['下个月底', '2026-12-31'],
    ['下月初', '2026-12-01'],
    ['12月底', '2026-12-31'],
    ['2月底', '2027-02-28'],
    ['年底', '2026-12-31'],
    ['25号', '2026-11-25'],
    ['5号', '2026-12-05'], // passed this month → next month
    ['下月5号', '2026-12-05'],
    ['下个月10日', '2026-12-10'],
    ['到12月10日', '2026-12-10'],
    ['12月10日前', '2026-12-10'],
    ['至月底', '2026-11-30'],
    ['下周五之前', '2026-11-27'],
  ])('%s → %s', (text, date) => expect(parseDate(text, NOW, TZ)).toBe(date));

  it.each(['', '下周', '过年', '2月30日', '13月1日', '2027-02-29', '32号', '昨天', '3天前', '12', '第二项', '12月5日晚上'])('%s is not a deadline', (text) => {
    expect(parseDate(text, NOW, TZ)).toBeNull();
  });
});

describe('parseDate (past: when something happened)', () => {
  it.each([
    ['11月15日', '2026-11-15'],
    ['12月1日', '2025-12-01'], // after today → last year
    ['昨天', '2026-11-21'],
    ['前天', '2026-11-20'],
    ['3天前', '2026-11-19'],
    ['周五', '2026-11-20'],
    ['上周五', '2026-11-13'],
    ['5号', '2026-11-05'],
    ['25号', '2026-10-25'],
  ])('%s → %s', (text, date) => expect(parseDate(text, NOW, TZ, 'past')).toBe(date));
});

describe('time zone', () => {
  it('resolves "today" in the business time zone, not UTC', () => {
    const lateEvening = new Date('2026-11-22T17:00:00Z'); // 2026-11-23 01:00 in Shanghai
    expect(todayIn(lateEvening, TZ)).toEqual({ y: 2026, m: 11, d: 23 });
    expect(parseDate('明天', lateEvening, TZ)).toBe('2026-11-24');
    expect(parseDate('明天', lateEvening, 'UTC')).toBe('2026-11-23');
  });

  it('crosses the year', () => {
    const newYearsEve = new Date('2026-12-31T04:00:00Z');
    expect(parseDate('明天', newYearsEve, TZ)).toBe('2027-01-01');
    expect(parseDate('1月5日', newYearsEve, TZ)).toBe('2027-01-05');
    expect(parseDate('下月底', newYearsEve, TZ)).toBe('2027-01-31');
    expect(parseDate('下周五', newYearsEve, TZ)).toBe('2027-01-08');
  });

  it('extensions and meetings use the dates', () => {
    expect(parseReply('申请延期 2 到下周五', NOW, TZ).until).toBe('2026-11-27');
    expect(parseReply('第1项延期到月底', NOW, TZ).until).toBe('2026-11-30');
    expect(parseReply('申请延期 1 到3天后', NOW, TZ).until).toBe('2026-11-25');
    expect(parseReply('申请延期 1 到 11月20日', NOW, TZ).until).toBe('2027-11-20');
    expect(parseReply('主题党日已开展 11月15日', NOW, TZ).until).toBe('2026-11-15');
    expect(parseReply('上周五已召开支委会', NOW, TZ).until).toBe('2026-11-13');
    expect(parseReply('暂停提醒到下周一', NOW, TZ).until).toBe('2026-11-23');
  });
});
