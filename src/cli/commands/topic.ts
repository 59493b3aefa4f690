import { readFileSync } from 'node:fs';
import { listTopics, saveTopic, type TopicInput } from '../../db/repositories/topics.js';
import { ValidationError } from '../../errors.js';
import { pushTopic } from '../../jobs/monthly-topic-push.js';
import { createLogger } from '../../log.js';
import { buildJobDeps } from '../../runtime.js';
import { output, type CliCommand } from '../command.js';

export const topicCommand: CliCommand = {
  name: 'topic',
  summary: '每月主题：创建/修改、列出、立即推送',
  help: `用法:
  npm run cli -- topic save --month 2026-12 --title 标题 [--summary 说明] [--material "标题|https://…"]… [--item 必学内容]… [--json]
  npm run cli -- topic save --file topic.json     （{"month","title","summary","materials":[{"title","url"}],"required":[…]}）
  npm run cli -- topic list [--json]
  npm run cli -- topic push --month 2026-12 [--json]

save 新建或修改某月主题（必学内容按顺序对应；已推送的主题不能再增加必学内容）。
主题会在该月第一个工作日 TOPIC_PUSH_TIME（默认 09:00）自动推送给每位党员；push 立即推送（重复执行不会重复发送）。
示例: npm run cli -- topic save --month 2026-12 --title 学习贯彻全会精神 --item "原文学习全会公报" --item "观看专题党课"`,
  options: {
    month: { type: 'string' }, title: { type: 'string' }, summary: { type: 'string' },
    material: { type: 'string', multiple: true }, item: { type: 'string', multiple: true }, file: { type: 'string' }, json: { type: 'boolean' },
  },
  async run(ctx, args) {
    const [sub] = args.positionals;
    const json = args.values.json === true;
    const v = args.values as Record<string, unknown>;
    if (sub === 'save') {
      const input = typeof v.file === 'string' ? readTopicFile(v.file) : topicFromFlags(v);
      const database = await ctx.database();
      const res = await saveTopic(database.db, input, { actor: ctx.actor, at: ctx.clock.now() });
      output(ctx, json, res, res.created ? `已创建 ${input.month} 主题“${input.title}”（必学 ${input.required.length} 项）。` : res.changed ? `已修改 ${input.month} 主题。` : `${input.month} 主题没有变化。`);
      return 0;
    }
    if (sub === 'list') {
      const database = await ctx.database();
      const list = await listTopics(database.db);
      output(ctx, json, { topics: list }, list.length ? list.map((t) => `${t.month}  ${t.title}  必学 ${t.required.length} 项  ${t.pushedAt ? '已推送' : '未推送'}`).join('\n') : '（还没有每月主题）');
      return 0;
    }
    if (sub === 'push') {
      const month = typeof v.month === 'string' ? v.month : '';
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ValidationError('--month 须为 YYYY-MM');
      const database = await ctx.database();
      const deps = buildJobDeps(ctx.config(), database, ctx.clock, createLogger({ level: 'warn', destination: process.stderr }));
      const res = await pushTopic(deps, month, ctx.clock.now());
      output(ctx, json, res, res.status === 'no-topic' ? `${month} 还没有主题，请先 topic save。` : `已推送 ${month} 主题：${res.members} 人，支部工作清单 ${res.branchLists} 份${res.unreachable ? `，${res.unreachable} 人没有可用的消息账号` : ''}。消息由服务进程发出。`);
      return res.status === 'no-topic' ? 2 : 0;
    }
    throw new ValidationError(`未知子命令 ${sub ?? '（空）'}；可用：save、list、push`);
  },
};

function topicFromFlags(v: Record<string, unknown>): TopicInput {
  const list = (k: string): string[] => (Array.isArray(v[k]) ? (v[k] as string[]) : []);
  const materials = list('material').map((m, i) => {
    const at = m.lastIndexOf('|');
    if (at <= 0) throw new ValidationError(`第${i + 1}个 --material 须写成“标题|链接”，收到 ${m}`);
    return { title: m.slice(0, at).trim(), url: m.slice(at + 1).trim() };
  });
  return {
    month: typeof v.month === 'string' ? v.month : '',
    title: typeof v.title === 'string' ? v.title : '',
    summary: typeof v.summary === 'string' ? v.summary : '',
    materials,
    required: list('item'),
  };
}

function readTopicFile(path: string): TopicInput {
  let data: Partial<TopicInput>;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as Partial<TopicInput>;
  } catch (e) {
    throw new ValidationError(`无法读取主题文件 ${path}：${(e as Error).message}`);
  }
  return { month: data.month ?? '', title: data.title ?? '', summary: data.summary ?? '', materials: data.materials ?? [], required: data.required ?? [] };
}
