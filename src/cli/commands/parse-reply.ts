import { createInterface } from 'node:readline';
import { isIsoDate } from '../../domain/calendar.js';
import { ValidationError } from '../../errors.js';
import { parseReply } from '../../replies/parse-reply.js';
import type { CliCommand, CliContext } from '../command.js';

/** The instant that is noon of `date` in `tz` (close enough: the parser only needs the local calendar date). */
function noonIn(date: string, tz: string): Date {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  const at = new Date(`${date}T12:00:00Z`);
  for (const shift of [0, -1, 1]) {
    const candidate = new Date(at.getTime() + shift * 86_400_000);
    if (fmt.format(candidate) === date) return candidate;
  }
  return at;
}

function defaultTimezone(ctx: CliContext): string {
  try {
    return ctx.config().timezone;
  } catch {
    return 'Asia/Shanghai';
  }
}

export const parseReplyCommand: CliCommand = {
  name: 'parse-reply',
  summary: '试解析成员的回复文字（如“1、3 已学完”），输出识别出的意图；不连接数据库',
  help: `用法:
  npm run cli -- parse-reply [--now YYYY-MM-DD] [--tz Asia/Shanghai] [--json] [文字]

把一条回复解析为意图，输出一行 JSON，例如：
  {"intent":"complete","items":[2,3],"all":false,"note":null,"until":null,"target":null,"points":null,"title":null}
不给文字时从标准输入逐行读取，每行输出一行 JSON（空行跳过）。

选项:
  --now   以哪一天为“今天”来理解“下周五”“月底”等日期（YYYY-MM-DD，或带时区的完整时间）；默认当前时间
  --tz    业务时区；默认取 APP_TIMEZONE，未配置时为 Asia/Shanghai
  --json  输出 JSON（本命令总是输出 JSON，此选项仅为与其他命令一致）

示例:
  npm run cli -- parse-reply "1、3 已学完"
  npm run cli -- parse-reply --now 2026-11-22 "申请延期 2 到下周五 理由：出差"
  printf '都完成了\\n撤销 2\\n二支部 85\\n' | npm run cli -- parse-reply`,
  options: { now: { type: 'string' }, tz: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const tz = typeof args.values.tz === 'string' ? args.values.tz : defaultTimezone(ctx);
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone: tz });
    } catch {
      throw new ValidationError(`未知时区：${tz}（例如 Asia/Shanghai）`);
    }
    let now = ctx.clock.now();
    if (typeof args.values.now === 'string') {
      const v = args.values.now;
      if (isIsoDate(v)) now = noonIn(v, tz);
      else if (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(new Date(v).getTime())) now = new Date(v);
      else throw new ValidationError(`--now 须为 YYYY-MM-DD 格式的有效日期，收到 ${v}`);
    }
    const print = (text: string): void => {
      ctx.stdout.write(`${JSON.stringify(parseReply(text, now, tz))}\n`);
    };
    if (args.positionals.length > 0) {
      print(args.positionals.join(' '));
      return 0;
    }
    const lines = createInterface({ input: ctx.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() !== '') print(line);
    }
    return 0;
  },
};
