import { extname } from 'node:path';
import { z } from 'zod';
import { linkChatBranches, listRounds, listSchemes } from '../../db/repositories/scoring-admin.js';
import { scoringStore } from '../../db/repositories/scoring-store.js';
import type { AdminPrincipal } from '../../db/repositories/admin-tokens.js';
import type { RoundResult } from '../../domain/scoring/aggregate.js';
import { requireScheme } from '../../domain/scoring/scheme.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { listChatLinks, loadRoundData, requireBranchIds, schemeById, type RoundData } from '../../exports/scoring-round-data.js';
import { exportRoundWorkbook, roundWorkbookFileName } from '../../exports/scoring-round-xlsx.js';
import { parseSchemeFile, storeScheme } from '../../importers/read-scheme-file.js';
import type { AppDeps } from '../deps.js';
import { readRawBody } from '../read-body.js';
import { idParam, MAX_DB_ID, route, type ApiRoute } from './define-route.js';
import { visibleUnitIds } from './scope.js';

/**
 * 互观互检 admin API: schemes (list, import), rounds (list, detail, Excel export) and which branches a group chat's
 * rounds cover. Flags (发布前提示) are for admin tokens only; leader tokens see results without them, and ranks
 * only when the round shows ranks. A leader token limited to a unit sees that unit's branches only and cannot
 * export a whole round.
 */

const flag = z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1');

const UPLOAD_TYPES: Record<string, string> = {
  'application/json': '.json',
  'text/csv': '.csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_UPLOAD = 5 * 1024 * 1024;

/** X-File-Name (percent-encoded when not ASCII), base name only; undefined when absent. */
function uploadName(header: string): string | undefined {
  let name = header.trim();
  try {
    name = decodeURIComponent(name);
  } catch {
    // not percent-encoded: keep as sent
  }
  name = name.split(/[\\/]/).pop()?.trim() ?? '';
  return name === '' ? undefined : name;
}

/** RFC 5987 / 6266: an ASCII fallback plus the UTF-8 name, percent-encoded (attr-char only). */
export function contentDisposition(fileName: string, fallback: string): string {
  const encoded = [...new TextEncoder().encode(fileName)]
    .map((b) => {
      const c = String.fromCharCode(b);
      return b < 0x80 && /[A-Za-z0-9!#$&+\-.^_`|~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `attachment; filename="${fallback.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

/**
 * What a principal may see of a round: admins everything; leaders no flags, no ranks unless shown, and a
 * leader limited to a unit only the branches in it (and sheets about them).
 */
async function roundForPrincipal(deps: AppDeps, data: RoundData, principal: AdminPrincipal): Promise<Record<string, unknown>> {
  const visible = await visibleUnitIds(deps.database.db, principal);
  const sees = (unitId: number | string | null): boolean => visible === 'all' || (unitId !== null && visible.has(Number(unitId)));
  const { round, scorers, progress, results } = data;
  const admin = principal.role === 'admin';
  let result: RoundResult | null = results?.result ?? null;
  if (result && !admin) {
    result = {
      ...result,
      branches: result.branches.filter((b) => sees(b.branchId)).map((b) => (result!.ranksVisible ? b : { ...b, rank: null })),
      sheets: result.sheets.filter((s) => sees(s.targetBranchId)),
    };
  }
  return {
    round: {
      id: round.id, title: round.title, status: round.status, platform: round.platform, chatId: round.chatId, startedBy: round.startedBy,
      opensAt: round.opensAt, closesAt: round.closesAt, closedAt: round.closedAt, publishedAt: round.publishedAt, showRanks: round.showRanks,
      scheme: { id: round.schemeId, name: round.scheme.name, total: round.scheme.total }, policy: round.policy,
    },
    branches: round.branches.filter((b) => sees(b.id)),
    scorers: scorers.filter((s) => visible === 'all' || sees(s.branchId)),
    progress: visible === 'all'
      ? progress
      : { ...progress, byBranch: progress.byBranch.filter((b) => sees(b.branchId)), byScorer: progress.byScorer.filter((s) => sees(s.branchId)) },
    results: result,
    computedAt: results?.computedAt ?? null,
    ...(admin ? { flags: results?.flags ?? null } : {}),
  };
}

export function scoringRoutes(deps: AppDeps): ApiRoute[] {
  const db = deps.database.db;
  return [
    route({
      method: 'get', path: '/scoring/schemes', summary: '互观互检计分方案列表（新的在前）', tag: 'scoring', access: 'read',
      handler: async () => ({ items: await listSchemes(db) }),
    }),
    route({
      method: 'get', path: '/scoring/schemes/:id', summary: '一个计分方案（类别、项目、分值上限）', tag: 'scoring', access: 'read', params: idParam,
      handler: ({ params }) => schemeById(db, params.id),
    }),
    route({
      method: 'post', path: '/scoring/schemes',
      summary: '导入计分方案：JSON 方案对象，或按模板填写的 CSV/XLSX 文件作为请求体；整份无误才保存，同一方案再次导入不产生改动',
      tag: 'scoring', access: 'write',
      query: z.object({ name: z.string().trim().min(1).max(100).optional(), dryRun: flag }),
      rawBody: {
        contentTypes: Object.keys(UPLOAD_TYPES),
        description: '计分方案：JSON（{name, categories: [{name, max, deductionCap, bonusCap, items: [{id, name, kind, max, description, required}]}]}）或模板表格（列：类别、类别满分、扣分上限、加分上限、编号、项目、类型、分值上限、说明、必评）；文件名可放在 X-File-Name 请求头（非 ASCII 请百分号编码）',
      },
      async handler({ query, principal, ctx }) {
        const ext = UPLOAD_TYPES[ctx.request.type];
        if (!ext) throw new ValidationError(`请以 ${Object.keys(UPLOAD_TYPES).join('、')} 之一上传计分方案，收到 ${ctx.request.type || '（无 Content-Type）'}`);
        const bytes = await readRawBody(ctx, MAX_UPLOAD);
        const sent = uploadName(ctx.get('x-file-name'));
        const fileName = sent && extname(sent).toLowerCase() === ext ? sent : `${sent ?? 'upload'}${ext}`;
        const parsed = await parseSchemeFile(bytes, fileName, { ...(query.name ? { name: query.name } : {}), nameFromFileName: sent !== undefined });
        const scheme = requireScheme(parsed);
        return storeScheme(db, scheme, { dryRun: query.dryRun, actor: `token:${principal.name}`, at: deps.clock.now() });
      },
    }),
    route({
      method: 'get', path: '/scoring/rounds', summary: '互观互检轮次列表（新的在前），含评分表提交进度', tag: 'scoring', access: 'read',
      query: z.object({ status: z.enum(['open', 'closed', 'published']).optional() }),
      handler: async ({ query }) => ({ items: await listRounds(db, query.status ? { status: query.status } : {}) }),
    }),
    route({
      method: 'get', path: '/scoring/rounds/:id',
      summary: '一轮互观互检：参评支部、评分人、提交进度、结果（含计算说明）；发布前提示（flags）仅管理员令牌可见，名次仅在公开名次时对只读令牌可见',
      tag: 'scoring', access: 'read', params: idParam,
      handler: async ({ params, principal }) => roundForPrincipal(deps, await loadRoundData(db, params.id), principal),
    }),
    route({
      method: 'get', path: '/scoring/rounds/:id/export',
      summary: '导出一轮的 Excel（.xlsx：汇总、评分明细、分类得分、计分规则、发布前提示、计分方案；只读令牌不含发布前提示）',
      tag: 'scoring', access: 'read', params: idParam,
      async handler({ params, principal, ctx }) {
        const visible = await visibleUnitIds(db, principal);
        if (visible !== 'all') throw new ForbiddenError('导出整轮评分需要管理员令牌或不限范围的只读令牌');
        const round = await scoringStore(db).round(params.id);
        if (!round) throw new NotFoundError(`互观互检轮次 ${params.id} 不存在`);
        const bytes = await exportRoundWorkbook(db, params.id, { timezone: deps.config.timezone, includeFlags: principal.role === 'admin' });
        ctx.set('Content-Disposition', contentDisposition(roundWorkbookFileName(round.title), `scoring-round-${round.id}.xlsx`));
        ctx.set('Cache-Control', 'no-store');
        ctx.type = XLSX;
        ctx.body = bytes;
        return undefined;
      },
    }),
    route({
      method: 'get', path: '/scoring/chats', summary: '机器人所在的群聊及其互观互检覆盖的党支部（linkedBranches 为空表示全部在用党支部）', tag: 'scoring', access: 'read',
      handler: async () => ({ items: await listChatLinks(db) }),
    }),
    route({
      method: 'put', path: '/scoring/chats/:chatId/branches',
      summary: '设置群聊中发起的互观互检覆盖哪些党支部（替换原设置；空列表＝全部在用党支部）', tag: 'scoring', access: 'write',
      params: z.object({ chatId: z.coerce.number().int().positive().max(MAX_DB_ID) }),
      body: z.object({ branchIds: z.array(z.number().int().positive().max(MAX_DB_ID)).max(500) }),
      async handler({ params, body, principal }) {
        return db.transaction(async (tx) => {
          const store = scoringStore(tx);
          const [chat] = await listChatLinks(tx, params.chatId);
          if (!chat) throw new NotFoundError(`群聊 ${params.chatId} 不存在`);
          const branches = await requireBranchIds(tx, body.branchIds);
          await linkChatBranches(tx, chat.id, branches.map((b) => b.id), { actor: `token:${principal.name}`, at: deps.clock.now() });
          return { chat: { ...chat, linkedBranches: branches }, allBranches: branches.length === 0, branches: await store.chatBranches(chat.id) };
        });
      },
    }),
  ];
}
