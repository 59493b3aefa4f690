import { basename } from 'node:path';
import { defaultPlanYear, importPlan, loadDimensionConfig, type PlanImportReport } from '../../db/repositories/plans.js';
import type { PlanNode, PlanOutline } from '../../domain/plans/types.js';
import { ValidationError } from '../../errors.js';
import { readPlanFile } from '../../importers/read-plan-file.js';
import { output, type CliCommand } from '../command.js';

/** `--year` (checked), else the year a title names, else the current year in the agency's time zone. */
export function resolvePlanYear(option: string | undefined, titles: readonly (string | undefined)[], timeZone: string, at: Date): number {
  if (option !== undefined) {
    const s = option.trim().normalize('NFKC');
    if (!/^\d{4}$/.test(s) || Number(s) < 2000 || Number(s) > 2100) throw new ValidationError(`年份“${option}”不合法，请写四位年份，如 --year 2026`);
    return Number(s);
  }
  return defaultPlanYear(titles, timeZone, at);
}

function countTasks(node: PlanNode): number {
  return node.children.length === 0 ? 1 : node.children.reduce((n, c) => n + countTasks(c), 0);
}

/** The outline as a person reads it: marker + title, indented; each top-level section with its item count. */
export function describeOutline(outline: PlanOutline): string {
  const lines: string[] = [];
  const visit = (nodes: readonly PlanNode[], depth: number): void => {
    for (const n of nodes) {
      const count = depth === 0 && n.children.length > 0 ? `（${countTasks(n)}项）` : '';
      const dims = n.dimensions.length > 0 ? `  [${n.dimensions.join('、')}]` : '';
      lines.push(`${'  '.repeat(depth)}${n.marker}${n.title}${count}${dims}`);
      visit(n.children, depth + 1);
    }
  };
  visit(outline.nodes, 0);
  return lines.join('\n');
}

export function describePlanReport(r: PlanImportReport): string {
  const name = `${r.year}年《${r.title}》`;
  const head = r.unchanged
    ? `${name}与文件一致，没有改动。`
    : `${r.dryRun ? '试运行（未写入）：将会' : '已'}导入${name}：新增条目 ${r.created.items} 个，更新 ${r.updated.items} 个，停用 ${r.deactivated.items} 个；新增分派 ${r.created.assignments} 条（${r.branches} 个党支部）。`;
  return [head, ...r.changes.map((c) => `  ${c}`), ...r.warnings.map((w) => `  注：${w}`)].join('\n');
}

export const importPlanCommand: CliCommand = {
  name: 'import-plan',
  summary: '从 TXT / MD / DOCX / XLSX 导入年度计划（工作要点、实施方案），并分派到各党支部',
  help: `用法: npm run cli -- import-plan <文件.txt|.md|.docx|.xlsx> [--year 2026] [--title 标题] [--dry-run] [--no-assign] [--json]

按编号识别层级：“一、”为方面，“（一）”“1.”“（1）”为其下的目标和任务（最下一层为任务）。
标题中写到的五型（如“推进政治型机关建设”）记为该方面的维度，其下条目继承。
完成时限：表格的“完成时限”列，或正文写明的期限（如“6月底前”），否则为当年12月31日。
XLSX 请用计划模板（列：序号、方面、目标、任务、工作要求、完成时限、责任单位、责任人、清单类型、五型维度）。

  --year 2026     计划年份（默认取标题中的年份，如“2023年区党建工作要点”，否则为今年）
  --title 标题    计划标题（默认取文档第一行）
  --dry-run       只显示将要做的改动，不写入
  --no-assign     不把任务分派到各党支部（默认每个任务分派到每个在用的党支部）
  --json          输出 {"title", "nodes", "report"}：解析出的大纲与导入报告

同一年份同一标题视为同一计划：再次导入同一文件不会产生任何改动；文件有修改时按编号更新原条目，
文件中已没有的条目停用（不删除）。
示例: npm run cli -- import-plan 2026年党建工作要点.docx --dry-run`,
  options: {
    year: { type: 'string' }, title: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'no-assign': { type: 'boolean' }, json: { type: 'boolean' },
  },
  async run(ctx, args) {
    const file = args.positionals[0];
    if (!file) throw new ValidationError('缺少要导入的计划文件路径');
    if (args.positionals.length > 1) throw new ValidationError(`只能导入一个文件，多出的参数：${args.positionals.slice(1).join(' ')}`);
    const yearOption = typeof args.values.year === 'string' ? args.values.year : undefined;
    const titleOption = typeof args.values.title === 'string' ? args.values.title : undefined;
    if (titleOption !== undefined && titleOption.trim() === '') throw new ValidationError('--title 不能为空');
    const database = await ctx.database();
    const parsed = await readPlanFile(file, { dimensions: await loadDimensionConfig(database.db) });
    const year = resolvePlanYear(yearOption, [titleOption, parsed.outline.title], ctx.config().timezone, ctx.clock.now());
    const report = await importPlan(database, {
      outline: parsed.outline,
      details: parsed.details,
      year,
      ...(titleOption !== undefined ? { title: titleOption } : {}),
      sourceName: basename(file),
      dryRun: args.values['dry-run'] === true,
      assign: args.values['no-assign'] === true ? 'none' : 'branches',
      warnings: parsed.warnings,
      actor: ctx.actor,
      clock: ctx.clock,
    });
    const json = { title: parsed.outline.title, nodes: parsed.outline.nodes, report };
    output(ctx, args.values.json === true, json, `${describeOutline(parsed.outline)}\n\n${describePlanReport(report)}`);
    return 0;
  },
};
