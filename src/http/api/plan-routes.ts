import { extname } from 'node:path';
import { z } from 'zod';
import { defaultPlanYear, getPlanTree, importPlan, listAssignmentsForUnit, listPlans, loadDimensionConfig } from '../../db/repositories/plans.js';
import { ValidationError } from '../../errors.js';
import { parsePlanFile } from '../../importers/read-plan-file.js';
import type { AppDeps } from '../deps.js';
import { readRawBody } from '../read-body.js';
import { idParam, route, type ApiRoute } from './define-route.js';
import { assertVisible, visibleUnitIds } from './scope.js';

const flag = z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, '不是有效日期');

/** Upload content type → the extension that picks the reader. */
const UPLOAD_TYPES: Record<string, string> = {
  'text/plain': '.txt',
  'text/markdown': '.md',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
};

const MAX_UPLOAD = 10 * 1024 * 1024;

/** X-File-Name, percent-encoded when it is not ASCII ("2026%E5%B9%B4….docx"); only its base name is kept. */
function uploadName(header: string, ext: string): string {
  let name = header.trim();
  try {
    name = decodeURIComponent(name);
  } catch {
    // not percent-encoded: keep as sent
  }
  name = name.split(/[\\/]/).pop()?.trim() ?? '';
  if (name === '') return `upload${ext}`;
  return extname(name).toLowerCase() === ext ? name : `${name}${ext}`;
}

export function planRoutes(deps: AppDeps): ApiRoute[] {
  const db = deps.database.db;
  return [
    route({
      method: 'post', path: '/plans/import', summary: '导入年度计划（TXT/MD/DOCX/XLSX 文件作为请求体上传；同一文件再次导入不产生改动）', tag: 'plans', access: 'write',
      query: z.object({
        year: z.coerce.number().int().min(2000).max(2100).optional(),
        title: z.string().trim().min(1).max(200).optional(),
        dryRun: flag,
        assign: z.enum(['branches', 'none']).default('branches'),
      }),
      rawBody: {
        contentTypes: Object.keys(UPLOAD_TYPES),
        description: '计划文件本身（工作要点、实施方案，或按计划模板填写的表格）；文件名可放在 X-File-Name 请求头（非 ASCII 请百分号编码）',
      },
      async handler({ query, principal, ctx }) {
        const ext = UPLOAD_TYPES[ctx.request.type];
        if (!ext) throw new ValidationError(`请以 ${Object.keys(UPLOAD_TYPES).join('、')} 之一上传文件，收到 ${ctx.request.type || '（无 Content-Type）'}`);
        const bytes = await readRawBody(ctx, MAX_UPLOAD);
        if (bytes.length === 0) throw new ValidationError('上传的文件是空的');
        const fileName = uploadName(ctx.get('x-file-name'), ext);
        const parsed = await parsePlanFile(bytes, `upload${ext}`, { dimensions: await loadDimensionConfig(db) });
        const year = query.year ?? defaultPlanYear([query.title, parsed.outline.title], deps.config.timezone, deps.clock.now());
        const report = await importPlan(deps.database, {
          outline: parsed.outline, details: parsed.details, year, ...(query.title !== undefined ? { title: query.title } : {}),
          sourceName: fileName, dryRun: query.dryRun, assign: query.assign, warnings: parsed.warnings,
          actor: `token:${principal.name}`, clock: deps.clock,
        });
        return { title: parsed.outline.title, nodes: parsed.outline.nodes, report };
      },
    }),
    route({
      method: 'get', path: '/plans', summary: '计划列表（新的年份在前；各层在用条目数）', tag: 'plans', access: 'read',
      handler: async () => ({ items: await listPlans(db) }),
    }),
    route({
      method: 'get', path: '/plans/:id', summary: '计划及其条目树（方面 → 目标 → 任务；完成时限、清单类型、五型维度、分派数）', tag: 'plans', access: 'read',
      params: idParam, query: z.object({ includeInactive: flag }),
      handler: ({ params, query }) => getPlanTree(db, params.id, { includeInactive: query.includeInactive }),
    }),
    route({
      method: 'get', path: '/units/:id/assignments', summary: '分派给某单位（党支部）的在用任务，按完成时限排序；from/to 按完成时限筛选（含当天）', tag: 'plans', access: 'read',
      params: idParam, query: z.object({ from: isoDate.optional(), to: isoDate.optional() }),
      async handler({ params, query, principal }) {
        assertVisible(await visibleUnitIds(db, principal), params.id);
        const items = await listAssignmentsForUnit(db, params.id, { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) });
        return { items };
      },
    }),
  ];
}
