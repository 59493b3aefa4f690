import { isIsoDate, packageKnowsYear } from '../../domain/calendar.js';
import { createCalendar } from '../../domain/calendar.js';
import { calendarOverrideStore, listCalendarOverrides, setCalendarOverride } from '../../db/repositories/calendar.js';
import { ValidationError } from '../../errors.js';
import { output, type CliCommand } from '../command.js';

export const calendarCommand: CliCommand = {
  name: 'calendar',
  summary: '工作日历：设置某天为工作日/休息日，查看某年的覆盖与数据状态',
  help: `用法:
  npm run cli -- calendar set <YYYY-MM-DD> workday|holiday [--note 说明] [--json]
  npm run cli -- calendar show <YYYY> [--json]

法定节假日和调休来自 chinese-days 数据包；国务院每年秋季公布次年安排，数据包更新前请用 set 录入。
示例: npm run cli -- calendar set 2027-02-06 workday --note 春节调休上班`,
  options: { note: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const [sub, a, b] = args.positionals;
    const json = args.values.json === true;
    if (sub === 'set') {
      if (!a || !isIsoDate(a)) throw new ValidationError(`日期须为 YYYY-MM-DD 格式的有效日期，收到 ${a ?? '（空）'}`);
      if (b !== 'workday' && b !== 'holiday') throw new ValidationError(`第二个参数须为 workday（工作日）或 holiday（休息日），收到 ${b ?? '（空）'}`);
      const database = await ctx.database();
      const note = typeof args.values.note === 'string' ? args.values.note : null;
      const res = await setCalendarOverride(database.db, { date: a, workday: b === 'workday', note, actor: ctx.actor, at: ctx.clock.now() });
      const day = await createCalendar(ctx.config().timezone, calendarOverrideStore(database.db)).describe(a);
      output(ctx, json, { ...res, day }, `${a} 已设为${day.workday ? '工作日' : '休息日'}${note ? `（${note}）` : ''}${res.changed ? '' : '（与原设置相同，未改动）'}`);
      return 0;
    }
    if (sub === 'show') {
      const year = Number(a);
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new ValidationError(`年份不正确：${a ?? '（空）'}`);
      const database = await ctx.database();
      const rows = await listCalendarOverrides(database.db, `${year}-01-01`, `${year}-12-31`);
      const known = packageKnowsYear(year);
      const lines = [
        `${year} 年：节假日数据包${known ? '已包含该年安排' : '尚未包含该年安排，请按国务院通知录入'}`,
        ...(rows.length ? rows.map((r) => `  ${r.day} ${r.workday ? '工作日' : '休息日'}${r.note ? ` ${r.note}` : ''}`) : ['  （无覆盖）']),
      ];
      output(ctx, json, { year, holidayDataAvailable: known, overrides: rows.map((r) => ({ date: r.day, workday: r.workday, note: r.note })) }, lines.join('\n'));
      return 0;
    }
    throw new ValidationError(`未知子命令 ${sub ?? '（空）'}；可用：set、show`);
  },
};
