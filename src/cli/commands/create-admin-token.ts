import { createAdminToken } from '../../db/repositories/admin-tokens.js';
import { ValidationError } from '../../errors.js';
import { output, type CliCommand } from '../command.js';

export const createAdminTokenCommand: CliCommand = {
  name: 'create-admin-token',
  summary: '创建管理接口（/api/v1）令牌；令牌只显示这一次',
  help: `用法: npm run cli -- create-admin-token --name 名称 [--role admin|leader] [--scope 单位ID] [--json]

  --name    令牌名称（唯一，例如 "党务办公室"）
  --role    admin（默认，可读写）或 leader（只读）
  --scope   leader 令牌可限定到某单位（含其下级）的 ID
数据库只保存令牌的 SHA-256 摘要；请立即妥善保存输出的令牌。
示例: npm run cli -- create-admin-token --name 党务办公室`,
  options: { name: { type: 'string' }, role: { type: 'string' }, scope: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const name = typeof args.values.name === 'string' ? args.values.name : '';
    if (!name.trim()) throw new ValidationError('缺少 --name（令牌名称）');
    const role = (args.values.role ?? 'admin') as string;
    if (role !== 'admin' && role !== 'leader') throw new ValidationError(`--role 只能是 admin 或 leader，收到 ${role}`);
    const scopeRaw = args.values.scope;
    const scopeUnitId = typeof scopeRaw === 'string' ? Number(scopeRaw) : null;
    if (scopeUnitId !== null && !(Number.isInteger(scopeUnitId) && scopeUnitId > 0)) throw new ValidationError('--scope 须为单位 ID（正整数）');
    const database = await ctx.database();
    const { token, id } = await createAdminToken(database.db, { name, role, scopeUnitId, actor: ctx.actor, at: ctx.clock.now() });
    output(ctx, args.values.json === true, { id, name: name.trim(), role, scopeUnitId, token },
      `已创建令牌“${name.trim()}”（${role === 'admin' ? '管理员，可读写' : '领导，只读'}）。请保存，它不会再次显示：\n${token}`);
    return 0;
  },
};
