import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { linkChatBranches, listRounds, listSchemes, setShowRanks } from '../../db/repositories/scoring-admin.js';
import { scoringStore } from '../../db/repositories/scoring-store.js';
import { closeOne, publishOne } from '../../jobs/scoring-deadlines.js';
import { appSecretOf } from '../../runtime.js';
import { linkSigner } from '../../h5/link-signer.js';
import type { PlatformId } from '../../domain/messaging/types.js';
import { formatNumber } from '../../domain/scoring/numbers.js';
import type { RoundStatus } from '../../domain/scoring/ports.js';
import { requireScheme } from '../../domain/scoring/scheme.js';
import type { Scheme } from '../../domain/scoring/types.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { loadRoundData, localDateTime, resolveBranches, ROUND_STATUS_LABELS, type RoundData } from '../../exports/scoring-round-data.js';
import { exportRoundWorkbook, FLAG_KIND_LABELS, roundWorkbookFileName } from '../../exports/scoring-round-xlsx.js';
import { readSchemeFile, storeScheme } from '../../importers/read-scheme-file.js';
import { output, type CliCommand, type CliContext, type OptionSpec, type ParsedArgs } from '../command.js';

/**
 * `scoring <subcommand>`: 互观互检 administration. Each subcommand is one entry of SUBCOMMANDS (usage line, help
 * text, options, run); the command's help and option list are built from them, so adding one is one entry.
 */

interface Subcommand {
  name: string;
  /** Arguments after the name, for the usage line: "<文件> [--name 名称] [--dry-run]". */
  usage: string;
  /** One or more lines of help. */
  help: string;
  options?: OptionSpec;
  run(ctx: CliContext, args: SubArgs): Promise<number>;
}

interface SubArgs {
  /** Positionals after the subcommand's name. */
  rest: string[];
  values: ParsedArgs['values'];
  json: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function roundIdOf(value: string | undefined): number {
  const s = (value ?? '').trim().normalize('NFKC');
  if (!/^\d+$/.test(s) || Number(s) <= 0 || !Number.isSafeInteger(Number(s))) throw new ValidationError(`须提供轮次编号（正整数），收到 ${value ?? '（空）'}`);
  return Number(s);
}

export function describeScheme(scheme: Scheme): string {
  const lines = [`《${scheme.name}》总分 ${formatNumber(scheme.total)} 分`];
  for (const c of scheme.categories) {
    const caps = [c.deductionCap !== null ? `扣分上限 ${formatNumber(c.deductionCap)}` : '', c.bonusCap !== null ? `加分上限 ${formatNumber(c.bonusCap)}` : ''].filter(Boolean);
    lines.push(`  ${c.name}（${formatNumber(c.max)} 分${caps.length ? `，${caps.join('，')}` : ''}）`);
    for (const i of c.items) {
      lines.push(`    ${i.id} ${i.name}  ${i.kind === 'plus' ? '加分' : '扣分'} ≤${formatNumber(i.max)}${i.required ? '  必评' : ''}`);
    }
  }
  return lines.join('\n');
}

export function describeRound(data: RoundData, tz: string): string {
  const { round, progress, results } = data;
  const lines = [
    `#${round.id} ${round.title}（${ROUND_STATUS_LABELS[round.status]}）`,
    `评分时间：${localDateTime(round.opensAt, tz)} 至 ${localDateTime(round.closesAt, tz)}；计分方案：${round.scheme.name}（#${round.schemeId}）；计分规则 ${round.policy.version}`,
    `评分表：已提交 ${progress.submitted} / ${progress.expected} 份，草稿 ${progress.drafts} 份，未填 ${progress.missing} 份（${data.scorers.length} 位评分人，${round.branches.length} 个支部）`,
    ...progress.byBranch.map((b) => `  ${b.name}：收到 ${b.submitted} / ${b.expected} 份${b.drafts ? `，草稿 ${b.drafts} 份` : ''}`),
  ];
  if (!results) {
    lines.push('', '结果尚未计算（评分结束后计算）。');
    return lines.join('\n');
  }
  const r = results.result;
  lines.push('', `结果（${localDateTime(results.computedAt, tz)} 按计分规则 ${results.policyVersion} 计算${r.ranksVisible ? '，公开名次' : ''}）：`);
  for (const b of r.branches) {
    const head = b.totalText === null ? '未参评' : `总分 ${b.totalText}  ${b.starLabel}  ${b.classLabel ?? ''}${r.ranksVisible && b.rank !== null ? `  第${b.rank}名` : ''}`;
    lines.push(`  ${b.branchName}  ${head}`, `    ${b.explanation}`);
  }
  lines.push(`  ${r.tieBreak}`);
  lines.push('', results.flags.length ? `发布前提示（${results.flags.length} 条，仅管理员可见）：` : '发布前提示：没有需要注意的情况。');
  results.flags.forEach((f, i) => lines.push(`  ${i + 1}. [${FLAG_KIND_LABELS[f.kind] ?? f.kind}] ${f.message}`));
  return lines.join('\n');
}

const PLATFORMS: Record<string, PlatformId> = { wecom: 'wecom', 企业微信: 'wecom', dingtalk: 'dingtalk', 钉钉: 'dingtalk', sandbox: 'sandbox', 沙盒: 'sandbox' };
const STATUSES: readonly RoundStatus[] = ['open', 'closed', 'published'];

export const SUBCOMMANDS: Subcommand[] = [
  {
    name: 'import-scheme',
    usage: '<文件.xlsx|.csv|.json> [--name 名称] [--dry-run]',
    help: `导入计分方案（列见 README“互观互检计分方案模板”；示例 test/fixtures/scoring/scheme-five-types.xlsx）。
      整份文件无误才保存；有错误时逐行列出（如“第5行：分值上限为空”），什么也不保存。
      同一方案再次导入不会产生改动。名称默认取 --name、JSON 的 name、表格标题行，否则为文件名。
      --dry-run 只检查并显示方案，不保存。`,
    options: { name: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    async run(ctx, { rest, values, json }) {
      const [file, ...extra] = rest;
      if (!file) throw new ValidationError('缺少计分方案文件路径');
      if (extra.length) throw new ValidationError(`只能导入一个文件，多出的参数：${extra.join(' ')}`);
      const name = str(values.name);
      if (name !== undefined && name.trim() === '') throw new ValidationError('--name 不能为空');
      const scheme = requireScheme(await readSchemeFile(file, name !== undefined ? { name } : {}));
      const database = await ctx.database();
      const dryRun = values['dry-run'] === true;
      const res = await storeScheme(database.db, scheme, { dryRun, actor: ctx.actor, at: ctx.clock.now() });
      const head = dryRun
        ? `试运行（未保存）：${res.created ? '这是新的计分方案' : `与已导入的 #${res.id} 相同`}。`
        : res.created ? `已导入计分方案 #${res.id}。` : `与已导入的计分方案 #${res.id} 相同，没有改动。`;
      output(ctx, json, res, `${head}\n${describeScheme(scheme)}`);
      return 0;
    },
  },
  {
    name: 'schemes',
    usage: '',
    help: '列出已导入的计分方案（新的在前）。',
    async run(ctx, { rest, json }) {
      if (rest.length) throw new ValidationError(`schemes 不需要参数，收到 ${rest.join(' ')}`);
      const database = await ctx.database();
      const list = await listSchemes(database.db);
      const tz = ctx.config().timezone;
      output(ctx, json, { schemes: list }, list.length
        ? list.map((s) => `#${s.id}  ${s.name}  总分 ${formatNumber(s.total)} 分  ${s.items} 项  导入于 ${localDateTime(s.createdAt, tz)}`).join('\n')
        : '（还没有计分方案，请用 scoring import-scheme 导入）');
      return 0;
    },
  },
  {
    name: 'rounds',
    usage: '[--status open|closed|published]',
    help: '列出互观互检轮次（新的在前）及评分表提交进度。',
    options: { status: { type: 'string' } },
    async run(ctx, { rest, values, json }) {
      if (rest.length) throw new ValidationError(`rounds 不需要参数，收到 ${rest.join(' ')}`);
      const status = str(values.status);
      if (status !== undefined && !STATUSES.includes(status as RoundStatus)) throw new ValidationError(`--status 须为 ${STATUSES.join('、')} 之一，收到 ${status}`);
      const database = await ctx.database();
      const list = await listRounds(database.db, status ? { status: status as RoundStatus } : {});
      const tz = ctx.config().timezone;
      output(ctx, json, { rounds: list }, list.length
        ? list.map((r) => `#${r.id}  ${r.title}  ${ROUND_STATUS_LABELS[r.status as RoundStatus] ?? r.status}  截止 ${localDateTime(new Date(r.closes_at), tz)}  已提交 ${r.submitted} / ${r.expected}`).join('\n')
        : '（没有互评轮次）');
      return 0;
    },
  },
  {
    name: 'show',
    usage: '<轮次编号>',
    help: '显示一轮互观互检：评分进度（按支部），已计算的结果（含计算说明）和发布前提示。',
    async run(ctx, { rest, json }) {
      const id = roundIdOf(rest[0]);
      const database = await ctx.database();
      const data = await loadRoundData(database.db, id);
      const { round, scorers, progress, results } = data;
      const value = {
        round: { ...round, scheme: { id: round.schemeId, name: round.scheme.name, total: round.scheme.total } },
        scorers,
        progress,
        results: results?.result ?? null,
        flags: results?.flags ?? null,
        computedAt: results?.computedAt ?? null,
      };
      output(ctx, json, value, describeRound(data, ctx.config().timezone));
      return 0;
    },
  },
  {
    name: 'export',
    usage: '<轮次编号> [--out 文件.xlsx]',
    help: `导出一轮的 Excel（汇总、评分明细、分类得分、计分规则、发布前提示、计分方案）；结果未计算时也可导出。
      --out 默认为当前目录下的“<轮次标题>-评分结果.xlsx”。`,
    options: { out: { type: 'string' } },
    async run(ctx, { rest, values, json }) {
      const id = roundIdOf(rest[0]);
      const out = str(values.out);
      if (out !== undefined && !out.toLowerCase().endsWith('.xlsx')) throw new ValidationError(`--out 须为 .xlsx 文件，收到 ${out}`);
      const database = await ctx.database();
      const round = await scoringStore(database.db).round(id);
      if (!round) throw new NotFoundError(`互观互检轮次 ${id} 不存在`);
      const bytes = await exportRoundWorkbook(database.db, id, { timezone: ctx.config().timezone });
      const path = resolve(out ?? roundWorkbookFileName(round.title));
      await writeFile(path, bytes);
      output(ctx, json, { roundId: id, file: path, bytes: bytes.length }, `已导出“${round.title}”到 ${path}（${Math.ceil(bytes.length / 1024)} KB）。`);
      return 0;
    },
  },
  {
    name: 'link-chat',
    usage: '<wecom|dingtalk|sandbox> <群聊ID> [支部名称或编号 …] [--name 群名称]',
    help: `指定群聊中发起的互观互检覆盖哪些党支部（替换原设置）；不写支部则覆盖全部在用党支部。
      群聊须已登记（机器人在群里收到过消息）；尚未登记的群可用 --name 群名称 登记。
      支部可写编号、全称或能唯一确定的部分名称（如“第一党支部”）。`,
    options: { name: { type: 'string' } },
    async run(ctx, { rest, values, json }) {
      const [platformArg, externalId, ...branchSpecs] = rest;
      const platform = PLATFORMS[(platformArg ?? '').trim().toLowerCase()];
      if (!platform) throw new ValidationError(`第一个参数须为平台 wecom、dingtalk 或 sandbox，收到 ${platformArg ?? '（空）'}`);
      if (!externalId?.trim()) throw new ValidationError('缺少群聊ID（企业微信 chatid / 钉钉 openConversationId）');
      const database = await ctx.database();
      const at = ctx.clock.now();
      const name = str(values.name)?.trim();
      const result = await database.db.transaction(async (tx) => {
        const store = scoringStore(tx);
        let chat = await store.chat(platform, externalId.trim());
        if (!chat && name) chat = await store.registerChat(platform, externalId.trim(), name, at);
        if (!chat) throw new NotFoundError(`没有找到${platform}群聊 ${externalId}：机器人须先在该群收到消息，或用 --name 群名称 登记`);
        const branches = await resolveBranches(tx, branchSpecs);
        await linkChatBranches(tx, chat.id, branches.map((b) => b.id), { actor: ctx.actor, at });
        return { chat, linked: branches, covers: await store.chatBranches(chat.id) };
      });
      const text = `群聊“${result.chat.name}”（#${result.chat.id}）的互观互检覆盖${result.linked.length ? '' : '全部在用党支部'}：${result.covers.map((b) => b.name).join('、') || '（目前没有在用党支部）'}`;
      output(ctx, json, { chat: result.chat, allBranches: result.linked.length === 0, branches: result.covers }, text);
      return 0;
    },
  },
  {
    name: 'close',
    usage: '<轮次编号>',
    help: `立即结束一轮互观互检（与群里“结束互观互检”或到截止时间自动结束相同）：计算结果，
      并把待发布卡片（含发布前提示）私信发给管理员。`,
    async run(ctx, { rest, json }) {
      const id = roundIdOf(rest[0]);
      const done = await closeOne(await lifecycleDeps(ctx), id, ctx.clock.now(), ctx.actor);
      if (!done) throw new ValidationError(`第${id}轮不是评分中状态（可能已结束），无需再结束`);
      output(ctx, json, done, `已结束“${done.title}”：收到评分表 ${done.submitted}/${done.expected} 份，结果已计算，待发布（scoring show ${id} 查看，scoring publish ${id} 发布）`);
      return 0;
    },
  },
  {
    name: 'publish',
    usage: '<轮次编号>',
    help: `发布已结束的一轮：各支部书记私信收到本支部的详细报告；钉钉和沙盒群里发结果卡片，
      企业微信群需有人在群里 @党建助手 发送“互观互检结果”（智能机器人只能应答群消息）。`,
    async run(ctx, { rest, json }) {
      const id = roundIdOf(rest[0]);
      const done = await publishOne(await lifecycleDeps(ctx), id, ctx.clock.now(), ctx.actor);
      if (!done) throw new ValidationError(`第${id}轮不是“已结束、待发布”状态（评分中或已发布），未发布`);
      const where = done.postedToChat ? '结果卡片已发到群里' : '请在群里 @党建助手 发送“互观互检结果”，把结果卡片发到群里';
      output(ctx, json, done, `已发布“${done.title}”：${done.reports} 位支部书记收到本支部报告；${where}`);
      return 0;
    },
  },
  {
    name: 'ranks',
    usage: '<轮次编号> <on|off>',
    help: '公开或隐藏名次（默认只公布星级和等次，不公布名次）；发布前可改。',
    async run(ctx, { rest, json }) {
      const id = roundIdOf(rest[0]);
      const flag = (rest[1] ?? '').trim().toLowerCase();
      if (flag !== 'on' && flag !== 'off') throw new ValidationError(`第二个参数须为 on（公开名次）或 off（隐藏名次），收到 ${rest[1] ?? '（空）'}`);
      const database = await ctx.database();
      const res = await database.db.transaction((tx) => setShowRanks(tx, id, flag === 'on', { actor: ctx.actor, at: ctx.clock.now() }));
      if (res === 'not-found') throw new NotFoundError(`没有第${id}轮互观互检`);
      if (res === 'published') throw new ValidationError(`第${id}轮已发布，不能再改名次是否公开`);
      output(ctx, json, { roundId: id, showRanks: flag === 'on' }, `第${id}轮：名次${flag === 'on' ? '公开' : '不公开'}`);
      return 0;
    },
  },
];

async function lifecycleDeps(ctx: CliContext) {
  const config = ctx.config();
  return { database: await ctx.database(), timezone: config.timezone, links: linkSigner({ secret: appSecretOf(config), publicBaseUrl: config.publicBaseUrl, clock: ctx.clock }) };
}

function scoringHelp(subcommands: readonly Subcommand[]): string {
  const lines = ['用法:'];
  for (const s of subcommands) lines.push(`  npm run cli -- scoring ${s.name}${s.usage ? ` ${s.usage}` : ''} [--json]`);
  lines.push('');
  const width = Math.max(...subcommands.map((s) => s.name.length));
  for (const s of subcommands) {
    const [first, ...more] = s.help.split('\n').map((l) => l.trim());
    lines.push(`${s.name.padEnd(width)}  ${first}`, ...more.map((l) => `${' '.repeat(width)}  ${l}`));
  }
  lines.push('', '--json 以 JSON 输出（一个对象）。', '示例: npm run cli -- scoring import-scheme test/fixtures/scoring/scheme-five-types.xlsx --dry-run');
  return lines.join('\n');
}

/** The `scoring` command over a list of subcommands (the lead's close/publish are more entries). */
export function scoringCommandOf(subcommands: readonly Subcommand[]): CliCommand {
  const options: OptionSpec = { json: { type: 'boolean' } };
  for (const s of subcommands) Object.assign(options, s.options);
  return {
    name: 'scoring',
    summary: '互观互检：导入计分方案，查看轮次与结果，导出 Excel，设置群聊覆盖的支部',
    help: scoringHelp(subcommands),
    options,
    async run(ctx, args) {
      const [name, ...rest] = args.positionals;
      const sub = subcommands.find((s) => s.name === name);
      if (!sub) throw new ValidationError(`${name ? `未知子命令 ${name}` : '缺少子命令'}；可用：${subcommands.map((s) => s.name).join('、')}`);
      // Options belong to their subcommand: `scoring schemes --out x` is a usage error, not silently ignored.
      const allowed = new Set(['json', ...Object.keys(sub.options ?? {})]);
      const stray = Object.keys(args.values).filter((k) => args.values[k] !== undefined && !allowed.has(k));
      if (stray.length) throw new ValidationError(`scoring ${sub.name} 不接受选项 ${stray.map((k) => `--${k}`).join('、')}`);
      return sub.run(ctx, { rest, values: args.values, json: args.values.json === true });
    },
  };
}

export const scoringCommand: CliCommand = scoringCommandOf(SUBCOMMANDS);
