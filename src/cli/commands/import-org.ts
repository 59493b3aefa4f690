import type { OrgImportReport } from '../../domain/org/types.js';
import { importOrgFromFile } from '../../importers/import-org-file.js';
import { ValidationError } from '../../errors.js';
import { output, type CliCommand } from '../command.js';

export function describeOrgReport(r: OrgImportReport): string {
  const head = r.unchanged
    ? `文件与现有组织一致，没有改动（共 ${r.rows} 行）。`
    : `${r.dryRun ? '试运行（未写入）：将会' : '已'}新增单位 ${r.created.units} 个、人员 ${r.created.people} 人，更新人员 ${r.updated.people} 人，停用人员 ${r.deactivated.people} 人（共 ${r.rows} 行）。`;
  return [head, ...r.changes.map((c) => `  ${c}`), ...r.notes.map((n) => `  注：${n}`)].join('\n');
}

export const importOrgCommand: CliCommand = {
  name: 'import-org',
  summary: '从 CSV / XLSX / JSON 导入组织（单位、人员、角色、平台账号）',
  help: `用法: npm run cli -- import-org <文件.csv|.xlsx|.json> [--dry-run] [--deactivate-missing] [--json]

列（第一行为表头）：姓名、所在单位/支部、党小组（可选）、角色、企业微信账号、钉钉账号、手机号（可选）、分管范围（可选，仅领导）。
CSV 可为 UTF-8 或 GBK（Excel 另存为 CSV 的默认编码）。示例文件：test/fixtures/org-import-example.csv

  --dry-run             只显示将要做的改动，不写入
  --deactivate-missing  停用文件中没有的在册人员（不删除）
  --json                以 JSON 输出导入报告
整份文件无误才会写入；有错误时逐行列出（如“第5行：所在单位/支部为空”），什么也不写。
同一文件再次导入不会产生任何改动。`,
  options: { 'dry-run': { type: 'boolean' }, 'deactivate-missing': { type: 'boolean' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const file = args.positionals[0];
    if (!file) throw new ValidationError('缺少要导入的文件路径');
    const database = await ctx.database();
    const report = await importOrgFromFile(database, file, {
      dryRun: args.values['dry-run'] === true,
      deactivateMissing: args.values['deactivate-missing'] === true,
      actor: ctx.actor,
      clock: ctx.clock,
    });
    output(ctx, args.values.json === true, report, describeOrgReport(report));
    return 0;
  },
};
