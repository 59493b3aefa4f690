import { burdenFigure, KIND_NAMES } from '../../db/repositories/reminders-admin.js';
import { output, type CliCommand } from '../command.js';

export const burdenReportCommand: CliCommand = {
  name: 'burden-report',
  summary: '减负指标：近 4 周每人每周收到的推送数（按类型的分布，不列个人）',
  help: `用法:
  npm run cli -- burden-report [--weeks 4] [--json]

按周、按类型统计推送给个人的消息：收到的人数、总条数、每人最多、每人中位数，以及超过每周上限（weeklyCap）的人数。
只给分布，不列出也不排名任何个人（指尖上的形式主义整治要求）。已因完成而取消的提醒不计入。`,
  options: { weeks: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const weeks = Math.min(12, Math.max(1, Number(args.values.weeks ?? 4) || 4));
    const database = await ctx.database();
    const report = await burdenFigure(database.db, ctx.clock.now(), ctx.config().timezone, weeks);
    const lines = [`近 ${weeks} 周推送负担（在册党员 ${report.activePeople} 人，每周上限 ${report.weeklyCap} 条，督办不计入上限）`];
    for (const w of report.weeks) {
      const over = report.overCap.find((o) => o.week === w)?.people ?? 0;
      lines.push(`\n${w} 当周：超过上限 ${over} 人`);
      const rs = report.rows.filter((r) => r.week === w);
      if (rs.length === 0) lines.push('  （无推送）');
      for (const r of rs) lines.push(`  ${(KIND_NAMES[r.kind] ?? r.kind).padEnd(10, '　')} 人数 ${r.people}  条数 ${r.pushes}  每人最多 ${r.max}  中位数 ${r.median}`);
    }
    output(ctx, args.values.json === true, report, lines.join('\n'));
    return 0;
  },
};
