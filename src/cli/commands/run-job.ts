import { ValidationError } from '../../errors.js';
import { allJobs } from '../../jobs/all-jobs.js';
import { buildJobDeps } from '../../runtime.js';
import { JobRunner } from '../../jobs/runner.js';
import { createLogger } from '../../log.js';
import { output, type CliCommand } from '../command.js';

export const runJobCommand: CliCommand = {
  name: 'run-job',
  summary: '手动运行一个定时任务（或列出全部定时任务）',
  help: `用法:
  npm run cli -- run-job --list [--json]
  npm run cli -- run-job <任务名> [--at 2026-12-01T09:00] [--json]

--at 按该时刻（业务时区）运行，如同任务在那时触发；缺省为现在。手动运行有自己的批次，不占用也不受定时批次影响；
任务本身以幂等键发送消息，重复运行不会重复推送。`,
  options: { list: { type: 'boolean' }, at: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const json = args.values.json === true;
    if (args.values.list || args.positionals.length === 0) {
      const jobs = allJobs(ctx.config()).map((j) => ({ name: j.name, cron: j.cron, workdaysOnly: j.workdaysOnly ?? false, description: j.description }));
      output(ctx, json, { jobs }, jobs.length ? jobs.map((j) => `${j.name}  ${j.cron}${j.workdaysOnly ? '（仅工作日）' : ''}  ${j.description}`).join('\n') : '（暂无定时任务）');
      return 0;
    }
    const name = args.positionals[0]!;
    const config = ctx.config();
    const atRaw = typeof args.values.at === 'string' ? args.values.at : undefined;
    const at = atRaw ? parseLocalTime(atRaw, config.timezone) : ctx.clock.now();
    const database = await ctx.database();
    const logger = createLogger({ level: 'warn', destination: process.stderr });
    const runner = new JobRunner(buildJobDeps(config, database, ctx.clock, logger), allJobs(config), 'cli');
    const outcome = await runner.fire(name, at, { manual: true });
    output(ctx, json, outcome, outcome.ran ? `${name}：${outcome.status === 'succeeded' ? '完成' : `失败：${outcome.error}`}` : `${name}：未运行（${outcome.reason}）`);
    return outcome.ran && outcome.status === 'failed' ? 1 : 0;
  },
};

/** "2026-12-01T09:00" (or with seconds) read as wall-clock time in the business time zone. */
export function parseLocalTime(s: string, timezone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (!m) throw new ValidationError(`--at 须为 YYYY-MM-DD 或 YYYY-MM-DDTHH:mm，收到 ${s}`);
  const [y, mo, d, h = '0', mi = '0', se = '0'] = m.slice(1);
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  // The zone's offset at that moment, found by formatting the UTC guess in the zone (no DST in China, but be exact).
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(asUtc));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const zoned = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return new Date(asUtc - (zoned - asUtc));
}
