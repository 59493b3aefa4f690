import { appliedMigrationCount, expectedMigrationCount } from '../../db/migrate.js';
import { output, type CliCommand } from '../command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: '应用数据库迁移（启动时也会自动执行）',
  help: `用法: npm run cli -- migrate [--json]

对 DATABASE_URL 指向的 PostgreSQL（未设置时为 DATA_DIR 中的嵌入式数据库）应用全部迁移。
可重复执行；已应用的迁移不会重复执行。多个实例同时执行时会依次进行（咨询锁）。`,
  options: { json: { type: 'boolean' } },
  async run(ctx, args) {
    const database = await ctx.database(); // opening applies the migrations
    const applied = await appliedMigrationCount(database);
    output(ctx, args.values.json === true, { applied, expected: expectedMigrationCount(), kind: database.kind },
      `数据库迁移完成：已应用 ${applied}/${expectedMigrationCount()}（${database.kind === 'pglite' ? '嵌入式 PGlite' : 'PostgreSQL'}）`);
    return 0;
  },
};
