import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { localDate } from '../../domain/calendar.js';
import { percent } from '../../domain/reports/figures.js';
import { describePeriod, MAX_REPORT_YEAR, MIN_REPORT_YEAR, REPORT_KIND_LABELS, reportTitle, type YearReportKind } from '../../domain/reports/period.js';
import type { YearReport } from '../../domain/reports/types.js';
import { ValidationError } from '../../errors.js';
import { checkHead } from '../../exports/ledger-data.js';
import { ledgerFileName, writeLedger, type LedgerSummary } from '../../exports/ledger-xlsx.js';
import { ALL_BRANCHES, loadYearReport, narrowScope, personReportScope } from '../../exports/year-report-data.js';
import { yearReportBuffer, yearReportFileName } from '../../exports/year-report-xlsx.js';
import { linkSigner } from '../../h5/link-signer.js';
import { appSecretOf } from '../../runtime.js';
import { findPerson } from '../find-person.js';
import { output, type CliCommand, type CliContext } from '../command.js';

/**
 * `report midyear|yearend|ledger`: the year cycle's workbooks (年中查账, 年底交账, 台账) written to a file;
 * `report link`: a signed H5 link to the year report for one person; `report audit`: re-verifies the audit log's
 * hash chain and finds a chain head printed on an earlier 台账.
 */

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function yearOf(ctx: CliContext, value: string | undefined): number {
  if (value === undefined) return Number(localDate(ctx.clock.now(), ctx.config().timezone).slice(0, 4));
  const s = value.trim().normalize('NFKC').replace(/年$/, '');
  const y = /^\d{4}$/.test(s) ? Number(s) : NaN;
  if (!(y >= MIN_REPORT_YEAR && y <= MAX_REPORT_YEAR)) throw new ValidationError(`--year 须为 ${MIN_REPORT_YEAR}–${MAX_REPORT_YEAR} 的年份，收到 ${value}`);
  return y;
}

function outPath(value: string | undefined, fallback: string): string {
  if (value !== undefined && !value.toLowerCase().endsWith('.xlsx')) throw new ValidationError(`--out 须为 .xlsx 文件，收到 ${value}`);
  return resolve(value ?? fallback);
}

const kb = (bytes: number): string => `${Math.max(1, Math.ceil(bytes / 1024))} KB`;

function describeReport(report: YearReport): string {
  const t = report.totals;
  const lines = [
    `${report.agency} ${report.title}：${describePeriod(report.period)}；范围：${report.scopeLabel}`,
    `计划任务 ${t.planned}，应完成 ${t.dueByNow}，已完成 ${t.done}（逾期完成 ${t.doneLate}），逾期未完成 ${t.overdue}，未到期 ${t.openNotDue}；完成率 ${percent(t.completionRate)}，到期完成率 ${percent(t.dueCompletionRate)}；组织生活按期 ${report.cadenceTotals.kept}/${report.cadenceTotals.expected} 期`,
    ...report.branches.map((b) => `  ${b.name}：计划 ${b.figures.planned}，已完成 ${b.figures.done}，逾期未完成 ${b.figures.overdue}，完成率 ${percent(b.figures.completionRate)}；组织生活按期 ${b.cadenceTotals.kept}/${b.cadenceTotals.expected} 期`),
  ];
  return lines.join('\n');
}

export function describeLedger(s: LedgerSummary): string {
  const c = s.counts;
  const audit = s.audit.count === 0 ? '审计日志为空' : `审计日志 ${s.audit.count} 条，哈希链头 ${s.audit.head}（${s.audit.verified ? '校验通过' : `校验未通过：第 ${s.audit.brokenAt} 号记录起不一致`}）`;
  return `完成记录 ${c.completions + c.revocations} 条（撤销 ${c.revocations} 条），会议记录 ${c.meetings} 条，评分表 ${c.sheets} 份（${c.rounds} 轮），延期申请 ${c.extensions} 条；${audit}`;
}

interface Sub {
  usage: string;
  help: string;
  run(ctx: CliContext, rest: string[], values: Record<string, string | boolean | undefined>, json: boolean): Promise<number>;
}

async function yearReportCommand(kind: YearReportKind, ctx: CliContext, rest: string[], values: Record<string, string | boolean | undefined>, json: boolean): Promise<number> {
  if (rest.length) throw new ValidationError(`report ${kind} 不需要其他参数，收到 ${rest.join(' ')}`);
  const year = yearOf(ctx, str(values.year));
  const out = str(values.out);
  if (out !== undefined) outPath(out, '');
  const database = await ctx.database();
  const scope = await narrowScope(database.db, ALL_BRANCHES, str(values.unit));
  const tz = ctx.config().timezone;
  const report = await loadYearReport(database.db, { kind, year, scope, now: ctx.clock.now(), timezone: tz });
  const bytes = await yearReportBuffer(report, { timezone: tz });
  const path = outPath(out, yearReportFileName(report));
  await writeFile(path, bytes);
  const { branches, ...rest2 } = report;
  const value = { kind, year, file: path, bytes: bytes.length, ...rest2, branches: branches.map(({ items: _items, ...b }) => b) };
  output(ctx, json, value, `已导出“${report.title}”（${report.branches.length} 个党支部）到 ${path}（${kb(bytes.length)}）。\n${describeReport(report)}`);
  return 0;
}

const SUBCOMMANDS: Record<string, Sub> = {
  midyear: {
    usage: '[--year 2026] [--unit 支部名称或编号] [--out 文件.xlsx]',
    help: `年中查账（1月1日至6月30日；当年未过6月30日时统计到今天）：汇总表（各党支部一行和合计、按五型维度）、每个党支部一张表
      （任务及完成情况、组织生活按期情况、互观互检结果）。--year 默认今年；--unit 只导出一个党支部；
      --out 默认当前目录下的“2026年年中查账.xlsx”。`,
    run: (ctx, rest, values, json) => yearReportCommand('midyear', ctx, rest, values, json),
  },
  yearend: {
    usage: '[--year 2026] [--unit 支部名称或编号] [--out 文件.xlsx]',
    help: '年底交账（全年；当年统计到今天），内容同年中查账。',
    run: (ctx, rest, values, json) => yearReportCommand('yearend', ctx, rest, values, json),
  },
  ledger: {
    usage: '[--year 2026] [--unit 支部名称或编号] [--out 文件.xlsx]',
    help: `台账：汇总（记录数、导出时间、审计日志哈希链头及校验结果和核验方法）、完成记录（含撤销，人员、事项、时间、
      登记方式、心得/佐证、来源事件编号）、会议记录、评分表（逐项得分）、延期申请。`,
    async run(ctx, rest, values, json) {
      if (rest.length) throw new ValidationError(`report ledger 不需要其他参数，收到 ${rest.join(' ')}`);
      const year = yearOf(ctx, str(values.year));
      const out = str(values.out);
      if (out !== undefined) outPath(out, '');
      const database = await ctx.database();
      const scope = await narrowScope(database.db, ALL_BRANCHES, str(values.unit));
      const path = outPath(out, ledgerFileName(year, scope));
      // Written beside the target and renamed at the end: a failure never leaves half a workbook under the name.
      const partial = `${path}.${process.pid}.partial`;
      const file = createWriteStream(partial);
      let summary: LedgerSummary;
      try {
        summary = await writeLedger(database.db, { year, scope, now: ctx.clock.now(), timezone: ctx.config().timezone }, file);
        await finished(file);
        await rename(partial, path);
      } catch (e) {
        file.destroy();
        await rm(partial, { force: true });
        throw e;
      }
      output(ctx, json, { kind: 'ledger', file: path, bytes: file.bytesWritten, ...summary }, `已导出“${summary.title}”（${summary.scope}）到 ${path}（${kb(file.bytesWritten)}）。\n${describeLedger(summary)}`);
      return 0;
    },
  },
  link: {
    usage: '<midyear|yearend> [--year 2026] --person 姓名或人员编号',
    help: `生成某人查看年中查账/年底交账的签名链接（H5 页面，14 天内有效）；页面只显示此人可看的党支部：
      管理员全部，领导其分管范围，党支部书记本支部。`,
    async run(ctx, rest, values, json) {
      const kind = rest[0];
      if (kind !== 'midyear' && kind !== 'yearend') throw new ValidationError(`第一个参数须为 midyear 或 yearend，收到 ${kind ?? '（空）'}`);
      if (rest.length > 1) throw new ValidationError(`多出的参数：${rest.slice(1).join(' ')}`);
      const spec = str(values.person);
      if (!spec?.trim()) throw new ValidationError('须用 --person 指定查看人（姓名或人员编号）');
      const year = yearOf(ctx, str(values.year));
      const database = await ctx.database();
      const person = await findPerson(database.db, spec);
      const scope = await personReportScope(database.db, person);
      if (!scope) throw new ValidationError(`${person.name}不是管理员、领导或党支部书记，不能查看年度报告`);
      const config = ctx.config();
      const url = linkSigner({ secret: appSecretOf(config), publicBaseUrl: config.publicBaseUrl, clock: ctx.clock }).yearReport(person.id, kind, year);
      output(ctx, json, { kind, year, personId: person.id, person: person.name, scope: scope.label, url }, `${person.name}（${scope.label}）的${reportTitle(kind, year)}链接：\n${url}`);
      return 0;
    },
  },
  audit: {
    usage: '[--head 链头]',
    help: `从第一条记录起重新计算审计日志的哈希链。--head 为台账汇总表上印的链头：确认它仍在链上（导出后
      此前的记录没有被改动、删除或插入）。校验不通过时退出码为 1。`,
    async run(ctx, rest, values, json) {
      if (rest.length) throw new ValidationError(`report audit 不需要其他参数，收到 ${rest.join(' ')}`);
      const head = str(values.head)?.trim().toLowerCase();
      if (head !== undefined && !/^[0-9a-f]{64}$/.test(head)) throw new ValidationError('--head 须为 64 位十六进制的哈希值（台账汇总表上的“审计日志哈希链头”）');
      const database = await ctx.database();
      const check = await checkHead(database.db, head ?? '');
      const { chain } = check;
      const lines = [
        chain.verified
          ? `哈希链校验通过：${chain.count} 条审计记录，链头 ${chain.head ?? '（空）'}`
          : `哈希链校验未通过：第 ${chain.brokenAt} 号记录起重新计算的哈希与保存的不一致`,
      ];
      let ok = chain.verified;
      if (head !== undefined) {
        if (check.found && chain.verified) lines.push(`链头 ${head} 在链上：第 ${check.found.position} 条记录（编号 ${check.found.id}），其后新增 ${check.found.after} 条。导出后此前的记录未被改动。`);
        else if (check.found) lines.push(`链头 ${head} 仍在表中（第 ${check.found.position} 条），但哈希链已损坏，见上。`);
        else lines.push(`链上没有链头 ${head}：导出之后，此前的审计记录被改动、删除或插入过（或链头抄写有误）。`);
        ok = ok && check.found !== null;
      }
      output(ctx, json, { ok, chain, head: head ?? null, found: head === undefined ? null : check.found }, lines.join('\n'));
      return ok ? 0 : 1;
    },
  },
};

const OPTION_OF: Record<string, string[]> = {
  midyear: ['year', 'unit', 'out'],
  yearend: ['year', 'unit', 'out'],
  ledger: ['year', 'unit', 'out'],
  link: ['year', 'person'],
  audit: ['head'],
};

function help(): string {
  const names = Object.keys(SUBCOMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  const lines = ['用法:', ...names.map((n) => `  npm run cli -- report ${n} ${SUBCOMMANDS[n]!.usage} [--json]`), ''];
  for (const n of names) {
    const [first, ...more] = SUBCOMMANDS[n]!.help.split('\n').map((l) => l.trim());
    lines.push(`${n.padEnd(width)}  ${first}`, ...more.map((l) => `${' '.repeat(width)}  ${l}`));
  }
  lines.push('', '--json 以 JSON 输出（一个对象）。', '示例: npm run cli -- report yearend --year 2026 --out 2026年底交账.xlsx');
  return lines.join('\n');
}

export const reportCommand: CliCommand = {
  name: 'report',
  summary: `年度报告：${REPORT_KIND_LABELS.midyear}、${REPORT_KIND_LABELS.yearend}、${REPORT_KIND_LABELS.ledger}（Excel），报告链接，审计哈希链核验`,
  help: help(),
  options: { year: { type: 'string' }, unit: { type: 'string' }, out: { type: 'string' }, person: { type: 'string' }, head: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const [name, ...rest] = args.positionals;
    const sub = name && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
    if (!sub || !name) throw new ValidationError(`${name ? `未知子命令 ${name}` : '缺少子命令'}；可用：${Object.keys(SUBCOMMANDS).join('、')}`);
    const allowed = new Set(['json', ...(OPTION_OF[name] ?? [])]);
    const stray = Object.keys(args.values).filter((k) => args.values[k] !== undefined && !allowed.has(k));
    if (stray.length) throw new ValidationError(`report ${name} 不接受选项 ${stray.map((k) => `--${k}`).join('、')}`);
    return sub.run(ctx, rest, args.values, args.values.json === true);
  },
};
