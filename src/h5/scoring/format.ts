import { formatCents } from '../../domain/scoring/numbers.js';
import { isAcceptingSheets } from '../../domain/scoring/sheet-service.js';
import type { RoundView, SheetView } from '../../domain/scoring/ports.js';

/** How times, points and states read on the scoring pages (Chinese, in the business time zone). */

function parts(at: Date, timezone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
}

/** "11月28日 18:00"; with the year ("2027年1月5日 18:00") when it is not the current one. */
export function timeText(at: Date, timezone: string, now: Date): string {
  const p = parts(at, timezone);
  const year = p.year !== parts(now, timezone).year ? `${p.year}年` : '';
  return `${year}${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}`;
}

export const pointsText = (cents: number): string => formatCents(cents);

/** The round as a scorer sees it now. */
export function roundStateText(round: RoundView, now: Date): string {
  if (round.status === 'published') return '结果已公布';
  if (round.status === 'closed') return '评分已结束';
  return isAcceptingSheets(round, now) ? '评分进行中' : '已过评分截止时间';
}

/** "草稿（11月23日 09:00 保存，第2版）", "已提交（11月23日 09:05 提交，第3版）". */
export function sheetStatusText(sheet: SheetView | undefined, timezone: string, now: Date): string {
  if (!sheet) return '未填写';
  if (sheet.status === 'submitted') {
    return `已提交（${timeText(sheet.submittedAt ?? sheet.updatedAt, timezone, now)} 提交，第${sheet.revision}版）`;
  }
  return `草稿（${timeText(sheet.updatedAt, timezone, now)} 保存，第${sheet.revision}版）`;
}
