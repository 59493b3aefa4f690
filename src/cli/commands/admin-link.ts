import { consoleRoleOf } from '../../admin/console-user.js';
import { ADMIN_SIGNIN_TTL_SECONDS, linkSigner } from '../../h5/link-signer.js';
import { ValidationError } from '../../errors.js';
import { appSecretOf } from '../../runtime.js';
import { findPerson } from '../find-person.js';
import { output, type CliCommand } from '../command.js';

export const adminLinkCommand: CliCommand = {
  name: 'admin-link',
  summary: '生成管理后台的一次性登录链接（10 分钟内有效）',
  help: `用法: npm run cli -- admin-link --person 姓名或人员编号 [--json]

  --person  要登录的人（须有“管理员”角色；“领导”角色只读）
首次安装、还没有人能在企业微信/钉钉中向党建助手发送“管理后台”时使用。链接只能使用一次，请勿转发。
示例: npm run cli -- admin-link --person 张敏`,
  options: { person: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const spec = typeof args.values.person === 'string' ? args.values.person : '';
    if (!spec.trim()) throw new ValidationError('须用 --person 指定登录人（姓名或人员编号）');
    const database = await ctx.database();
    const person = await findPerson(database.db, spec);
    const role = await consoleRoleOf(database.db, person);
    if (!role) throw new ValidationError(`${person.name}不是管理员或领导，不能登录管理后台（先在组织中为其添加“管理员”角色）`);
    const config = ctx.config();
    const url = linkSigner({ secret: appSecretOf(config), publicBaseUrl: config.publicBaseUrl, clock: ctx.clock }).adminSignIn(person.id);
    const minutes = ADMIN_SIGNIN_TTL_SECONDS / 60;
    output(ctx, args.values.json === true, { personId: person.id, person: person.name, role: role.role, url, validMinutes: minutes },
      `${person.name}（${role.role === 'admin' ? '管理员' : '领导，只读'}）的管理后台登录链接，${minutes} 分钟内有效，只能使用一次：\n${url}`);
    return 0;
  },
};
