import { z } from 'zod';
import {
  createPerson, createUnit, deactivatePerson, deactivateUnit, getPerson, getUnit, listPeople, listUnits, updatePerson, updateUnit,
} from '../../db/repositories/org.js';
import { ValidationError } from '../../errors.js';
import { importOrgFromRows } from '../../importers/import-org-file.js';
import { parseTableFile } from '../../importers/read-table-file.js';
import type { AppDeps } from '../deps.js';
import { readRawBody } from '../read-body.js';
import { idParam, MAX_DB_ID, route, type ApiRoute } from './define-route.js';
import { assertVisible, visibleUnitIds } from './scope.js';

const roleName = z.enum(['member', 'secretary', 'committee_member', 'admin', 'leader']);
const platformName = z.enum(['wecom', 'dingtalk', 'sandbox']);
const roleInput = z.object({ role: roleName, scopeUnitId: z.number().int().positive().max(MAX_DB_ID).nullable().optional() });
const identityInput = z.object({ platform: platformName, externalId: z.string().trim().min(1).max(64).nullable() });
const mobile = z.string().trim().max(20).nullable().optional();
const flag = z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1');

const UPLOAD_TYPES: Record<string, string> = {
  'text/csv': '.csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/json': '.json',
};

export function orgRoutes(deps: AppDeps): ApiRoute[] {
  const db = deps.database.db;
  const ctxOf = (name: string) => ({ actor: `token:${name}`, at: deps.clock.now() });
  return [
    route({
      method: 'get', path: '/units', summary: '组织单位列表（机关党委、党支部、党小组，父级在前）', tag: 'org', access: 'read',
      query: z.object({ includeInactive: flag }),
      async handler({ query, principal }) {
        const visible = await visibleUnitIds(db, principal);
        const units = await listUnits(db, { includeInactive: query.includeInactive });
        return { items: visible === 'all' ? units : units.filter((u) => visible.has(u.id)) };
      },
    }),
    route({
      method: 'get', path: '/units/:id', summary: '单个单位', tag: 'org', access: 'read', params: idParam,
      async handler({ params, principal }) {
        assertVisible(await visibleUnitIds(db, principal), params.id);
        return getUnit(db, params.id);
      },
    }),
    route({
      method: 'post', path: '/units', summary: '新建党支部或党小组', tag: 'org', access: 'write', status: 201,
      body: z.object({ parentId: z.number().int().positive().max(MAX_DB_ID).nullable(), kind: z.enum(['committee', 'branch', 'group']), name: z.string().trim().min(1).max(100) }),
      handler: ({ body, principal }) => createUnit(db, body, ctxOf(principal.name)),
    }),
    route({
      method: 'patch', path: '/units/:id', summary: '修改单位名称，或把党小组调到另一党支部', tag: 'org', access: 'write', params: idParam,
      body: z.object({ name: z.string().trim().min(1).max(100).optional(), parentId: z.number().int().positive().max(MAX_DB_ID).optional() }),
      handler: ({ params, body, principal }) => updateUnit(db, params.id, body, ctxOf(principal.name)),
    }),
    route({
      method: 'post', path: '/units/:id/deactivate', summary: '停用单位（仍有在册人员时拒绝）', tag: 'org', access: 'write', params: idParam,
      handler: ({ params, principal }) => deactivateUnit(db, params.id, ctxOf(principal.name)),
    }),
    route({
      method: 'get', path: '/people', summary: '人员列表（可按单位及其下级、姓名/手机/账号筛选）', tag: 'org', access: 'read',
      query: z.object({
        unitId: z.coerce.number().int().positive().max(MAX_DB_ID).optional(),
        q: z.string().max(50).optional(),
        includeInactive: flag,
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      async handler({ query, principal }) {
        const visible = await visibleUnitIds(db, principal);
        let unitId = query.unitId;
        if (visible !== 'all') {
          if (unitId === undefined) unitId = principal.scopeUnitId ?? undefined;
          else assertVisible(visible, unitId);
        }
        return listPeople(db, { ...query, ...(unitId !== undefined ? { unitId } : {}) });
      },
    }),
    route({
      method: 'get', path: '/people/:id', summary: '单个人员（角色、平台账号）', tag: 'org', access: 'read', params: idParam,
      async handler({ params, principal }) {
        const person = await getPerson(db, params.id);
        assertVisible(await visibleUnitIds(db, principal), person.unitId);
        return person;
      },
    }),
    route({
      method: 'post', path: '/people', summary: '新增人员', tag: 'org', access: 'write', status: 201,
      body: z.object({
        name: z.string().trim().min(1).max(50), unitId: z.number().int().positive().max(MAX_DB_ID), mobile,
        roles: z.array(roleInput).optional(), identities: z.array(identityInput).optional(),
      }),
      handler: ({ body, principal }) => createPerson(db, body, ctxOf(principal.name)),
    }),
    route({
      method: 'patch', path: '/people/:id', summary: '修改人员（姓名、单位、手机号、角色、平台账号）', tag: 'org', access: 'write', params: idParam,
      body: z.object({
        name: z.string().trim().min(1).max(50).optional(), unitId: z.number().int().positive().max(MAX_DB_ID).optional(), mobile,
        roles: z.array(roleInput).optional(), identities: z.array(identityInput).optional(), active: z.boolean().optional(),
      }),
      handler: ({ params, body, principal }) => updatePerson(db, params.id, body, ctxOf(principal.name)),
    }),
    route({
      method: 'post', path: '/people/:id/deactivate', summary: '停用人员（不删除，记录保留）', tag: 'org', access: 'write', params: idParam,
      handler: ({ params, principal }) => deactivatePerson(db, params.id, ctxOf(principal.name)),
    }),
    route({
      method: 'post', path: '/org/import', summary: '导入组织（CSV/XLSX/JSON 文件作为请求体上传；整份文件无误才写入）', tag: 'org', access: 'write',
      query: z.object({ dryRun: flag, deactivateMissing: flag }),
      rawBody: { contentTypes: Object.keys(UPLOAD_TYPES), description: '组织表文件本身（列：姓名、所在单位/支部、党小组、角色、企业微信账号、钉钉账号、手机号、分管范围）' },
      async handler({ query, principal, ctx }) {
        const ext = UPLOAD_TYPES[ctx.request.type];
        if (!ext) throw new ValidationError(`请以 ${Object.keys(UPLOAD_TYPES).join('、')} 之一上传文件，收到 ${ctx.request.type || '（无 Content-Type）'}`);
        const bytes = await readRawBody(ctx, 5 * 1024 * 1024);
        const table = await parseTableFile(bytes, `upload${ext}`);
        return importOrgFromRows(deps.database, table, { dryRun: query.dryRun, deactivateMissing: query.deactivateMissing, actor: `token:${principal.name}`, clock: deps.clock });
      },
    }),
  ];
}
