import { seedDemo } from '../../demo.js';
import { output, type CliCommand } from '../command.js';

export const seedDemoCommand: CliCommand = {
  name: 'seed-demo',
  summary: '写入演示数据：某某厅机关党委、5 个党支部、41 人、沙箱群聊和本月主题',
  help: `用法: npm run cli -- seed-demo [--json]

写入一个可信的演示组织（5 个党支部、约 40 名党员及书记、2 位领导、1 名党务干部）和每个支部的沙箱群聊。
可重复执行；已存在的数据不会重复写入。演示模式（未配置企业微信/钉钉）首次启动时会自动执行。`,
  options: { json: { type: 'boolean' } },
  async run(ctx, args) {
    const database = await ctx.database();
    const res = await seedDemo(database, ctx.clock, ctx.config().timezone);
    output(ctx, args.values.json === true, res, res.unchanged ? '演示数据已存在，没有改动。' : `演示数据已写入（新建沙箱群聊 ${res.chatsCreated} 个）。`);
    return 0;
  },
};
