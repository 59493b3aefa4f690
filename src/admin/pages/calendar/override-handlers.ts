/** Setting and clearing a day's override (admins only; the repository writes the audit entry with the person). */
import type { Context } from 'koa';
import { clearCalendarOverride, setCalendarOverride } from '../../../db/repositories/calendar.js';
import { isIsoDate } from '../../../domain/calendar.js';
import { ValidationError } from '../../../errors.js';
import type { AppDeps } from '../../../http/deps.js';
import { actorOf, consoleUser, postedForm, requireWrite } from '../../console-user.js';
import { redirectWithFlash } from '../../layout.js';
import { MAX_YEAR, MIN_YEAR } from './year-data.js';

function readDate(ctx: Context): string {
  const date = postedForm(ctx).get('date');
  const year = Number(date.slice(0, 4));
  if (!isIsoDate(date) || year < MIN_YEAR || year > MAX_YEAR) throw new ValidationError(`日期须为 ${MIN_YEAR}–${MAX_YEAR} 年间 YYYY-MM-DD 格式的有效日期，收到“${date || '（空）'}”。`);
  return date;
}

/** POST /calendar/overrides — the console's PUT /api/v1/calendar/days/:date. */
export async function setOverrideHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const form = postedForm(ctx);
  const date = readDate(ctx);
  const w = form.get('workday');
  if (w !== '1' && w !== '0') throw new ValidationError('请选择这一天上班还是放假。');
  const note = form.get('note');
  if (note.length > 200) throw new ValidationError(`说明过长（${note.length} 字，最多 200 字）。`);
  const workday = w === '1';
  const res = await setCalendarOverride(deps.database.db, { date, workday, note: note || null, actor: actorOf(user), at: deps.clock.now() });
  redirectWithFlash(ctx, `/admin/calendar?year=${date.slice(0, 4)}`, res.changed ? `${date} 已设为${workday ? '上班' : '放假'}${note ? `（${note}）` : ''}。` : `${date} 与原设置相同，未改动。`);
}

/** POST /calendar/overrides/clear — the day follows the holiday data again. */
export async function clearOverrideHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const date = readDate(ctx);
  const res = await clearCalendarOverride(deps.database.db, { date, actor: actorOf(user), at: deps.clock.now() });
  const day = await deps.calendar.describe(date);
  redirectWithFlash(
    ctx, `/admin/calendar?year=${date.slice(0, 4)}`,
    res.changed ? `已清除 ${date} 的设置，这一天恢复为${day.workday ? '上班' : '休息'}${day.name ? `（${day.name}）` : ''}。` : `${date} 没有管理员设置，未改动。`,
    res.changed ? 'ok' : 'warn',
  );
}
