import { settingsView, updateSettings, KIND_NAMES } from '../../db/repositories/reminders-admin.js';
import { recordMeeting } from '../../db/repositories/reminders-store.js';
import { isIsoDate, localDate } from '../../domain/calendar.js';
import { instantAt } from '../../domain/reminders/days.js';
import { meetingKindOf, SETTING_KEYS } from '../../domain/reminders/settings.js';
import { ValidationError } from '../../errors.js';
import { runDailyReminders } from '../../jobs/daily-reminder.js';
import { createLogger } from '../../log.js';
import { buildJobDeps } from '../../runtime.js';
import { output, type CliCommand } from '../command.js';

export const remindersCommand: CliCommand = {
  name: 'reminders',
  summary: '双提醒：提醒设置、预览某天将发送的提醒、登记组织生活',
  help: `用法:
  npm run cli -- reminders settings [--branch ID] [--set key=value]… [--json]
  npm run cli -- reminders preview [--date 2026-12-01] [--time 08:30] [--json]
  npm run cli -- reminders meeting --branch ID --kind 支委会 [--date 2026-11-15] [--minutes URL] [--json]

settings  查看或修改提醒设置；不带 --branch 为全机关默认，带 --branch 为该支部的单独设置。
          可设置的项：${SETTING_KEYS.join('、')}
          例：--set dueDaysBefore=3,1 --set quietStart=21:00 --set weeklyCap=5 --set cadence.party_lecture=quarterly --set themeDay=15
preview   按每日提醒任务的同一套规则，列出该日（默认今天）将发给谁、什么提醒、何时发送；只预览，不发送。
meeting   登记某支部的会议已召开（支委会、党小组会、党员大会、党课、主题党日、组织生活会、民主评议）。`,
  options: {
    branch: { type: 'string' }, set: { type: 'string', multiple: true }, date: { type: 'string' }, time: { type: 'string' },
    kind: { type: 'string' }, minutes: { type: 'string' }, json: { type: 'boolean' },
  },
  async run(ctx, args) {
    const [sub] = args.positionals;
    const v = args.values as Record<string, unknown>;
    const json = v.json === true;
    const branch = typeof v.branch === 'string' ? Number(v.branch) : null;
    if (branch !== null && !(Number.isInteger(branch) && branch > 0)) throw new ValidationError('--branch 须为支部编号');
    if (sub === 'settings') {
      const database = await ctx.database();
      const sets = Array.isArray(v.set) ? (v.set as string[]) : [];
      const pairs = sets.map((s): [string, unknown] => {
        const at = s.indexOf('=');
        if (at <= 0) throw new ValidationError(`--set 须写成 key=value，收到 ${s}`);
        return [s.slice(0, at).trim(), s.slice(at + 1).trim()];
      });
      const view = pairs.length ? await updateSettings(database.db, branch, pairs, { actor: ctx.actor, at: ctx.clock.now() }) : await settingsView(database.db, branch);
      const e = view.effective;
      output(ctx, json, view, [
        `${view.scope.name}${pairs.length ? '（已保存）' : ''}`,
        `到期前提醒：提前 ${e.dueDaysBefore.join('、')} 个工作日，及截止当天；逾期第 1 个工作日提醒本人`,
        `逾期督办：逾期 ${e.escalateSecretaryAfter} 个工作日私下提醒支部书记，再过 ${e.escalateAdminAfter} 个工作日提醒机关党委`,
        `免打扰：${e.quietStart}–${e.quietEnd}；每人每周最多 ${e.weeklyCap} 条（超出的合并为一条）`,
        `组织生活：周期结束前 ${e.cadenceLeadDays} 个工作日提醒书记；主题党日每月 ${e.themeDay} 日（遇休息日顺延）`,
        `周期：${Object.entries(e.cadence).map(([k, c]) => `${k}=${c}`).join(' ')}`,
        `本级单独设置：${JSON.stringify(view.overrides)}`,
      ].join('\n'));
      return 0;
    }
    if (sub === 'preview') {
      const config = ctx.config();
      const date = typeof v.date === 'string' ? v.date : localDate(ctx.clock.now(), config.timezone);
      const time = typeof v.time === 'string' ? v.time : '08:30';
      if (!isIsoDate(date) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) throw new ValidationError('--date 须为 YYYY-MM-DD，--time 须为 HH:mm');
      const database = await ctx.database();
      const deps = buildJobDeps(config, database, ctx.clock, createLogger({ level: 'warn', destination: process.stderr }));
      const run = await runDailyReminders(deps, instantAt(date, time, config.timezone), { dryRun: true });
      const names = new Map((await database.db.query.people.findMany({ columns: { id: true, name: true } })).map((p) => [p.id, p.name]));
      const label: Record<string, string> = { send: '发送', hold: '延后', merge: '合并', 'drop-duplicate': '今日已发', 'drop-muted': '本人已暂停' };
      const lines = run.pushes.map((p) => {
        const d = p.decision;
        const when = 'at' in d ? ` ${d.at.toISOString()}` : '';
        return `${names.get(p.personId) ?? p.personId}\t${KIND_NAMES[p.kind] ?? p.kind}\t${p.title}\t${label[d.action] ?? d.action}${when}`;
      });
      output(ctx, json, run, [`${date} ${time} 将处理 ${run.pushes.length} 条提醒（预览，未发送）`, ...lines].join('\n'));
      return 0;
    }
    if (sub === 'meeting') {
      const kind = meetingKindOf(typeof v.kind === 'string' ? v.kind : '');
      if (branch === null || !kind) throw new ValidationError('须提供 --branch 支部编号和 --kind 会议类型（如 支委会、主题党日）');
      const date = typeof v.date === 'string' ? v.date : localDate(ctx.clock.now(), ctx.config().timezone);
      if (!isIsoDate(date)) throw new ValidationError('--date 须为 YYYY-MM-DD');
      const database = await ctx.database();
      await settingsView(database.db, branch);
      const res = await recordMeeting(database.db, { unitId: branch, kind, heldOn: date, minutesUrl: typeof v.minutes === 'string' ? v.minutes : null, recordedBy: null, via: 'admin', sourceEventId: null, at: ctx.clock.now() });
      output(ctx, json, res, `已登记：支部 ${branch} ${v.kind as string} ${date}${res.cancelled ? `，取消待发提醒 ${res.cancelled} 条` : ''}。`);
      return 0;
    }
    throw new ValidationError(`未知子命令 ${sub ?? '（空）'}；可用：settings、preview、meeting`);
  },
};
