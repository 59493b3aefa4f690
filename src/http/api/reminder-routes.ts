import { z } from 'zod';
import { enabledPlatforms } from '../../config.js';
import { burdenFigure, settingsView, updateSettings } from '../../db/repositories/reminders-admin.js';
import { overdueCadences, recordMeeting } from '../../db/repositories/reminders-store.js';
import { isIsoDate, localDate } from '../../domain/calendar.js';
import { instantAt } from '../../domain/reminders/days.js';
import { MEETING_KINDS, meetingKindOf } from '../../domain/reminders/settings.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import { runDailyReminders } from '../../jobs/daily-reminder.js';
import type { AppDeps } from '../deps.js';
import { idParam, MAX_DB_ID, route, type ApiRoute } from './define-route.js';

const date = z.string().refine(isIsoDate, '须为 YYYY-MM-DD');
const branchQuery = z.object({ branch: z.coerce.number().int().positive().max(MAX_DB_ID).optional() });

export function reminderRoutes(deps: AppDeps): ApiRoute[] {
  const db = deps.database.db;
  const tz = deps.config.timezone;
  return [
    route({
      method: 'get', path: '/reminders/settings', summary: '提醒设置（不带 branch 为全机关默认）：本级单独设置与生效值', tag: 'reminders', access: 'read', query: branchQuery,
      handler: ({ query }) => settingsView(db, query.branch ?? null),
    }),
    route({
      method: 'patch', path: '/reminders/settings', summary: '修改提醒设置（dueDaysBefore、escalateSecretaryAfter、escalateAdminAfter、quietStart、quietEnd、weeklyCap、cadenceLeadDays、themeDay、cadence.<会议>）', tag: 'reminders', access: 'write', query: branchQuery,
      body: z.record(z.string(), z.unknown()),
      handler: ({ query, body, principal }) => {
        // `cadence` may come as an object; flatten it to cadence.<kind> keys like the CLI's.
        const pairs = Object.entries(body).flatMap(([k, v]): [string, unknown][] =>
          k === 'cadence' && v && typeof v === 'object' ? Object.entries(v).map(([ck, cv]): [string, unknown] => [`cadence.${ck}`, cv]) : [[k, v]]);
        // Nothing to change is a mistake, not a change: no settings row, no audit entry.
        if (pairs.length === 0) throw new ValidationError('请求体中没有要修改的设置');
        return updateSettings(db, query.branch ?? null, pairs, { actor: `token:${principal.name}`, at: deps.clock.now() });
      },
    }),
    route({
      // Names who would get what: for the 机关党委 staff only, hence write access although it changes nothing.
      method: 'get', path: '/reminders/preview', summary: '预览某天每日提醒将发给谁、何时发送（不发送）', tag: 'reminders', access: 'write',
      query: z.object({ date: date.optional(), time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default('08:30') }),
      handler: async ({ query }) => {
        const day = query.date ?? localDate(deps.clock.now(), tz);
        return runDailyReminders({ database: deps.database, calendar: deps.calendar, timezone: tz, links: deps.links, platforms: enabledPlatforms(deps.config) }, instantAt(day, query.time, tz), { dryRun: true });
      },
    }),
    route({
      method: 'get', path: '/reminders/burden', summary: '减负指标：近几周每人每周推送数的分布（按类型；不列个人）', tag: 'reminders', access: 'read',
      query: z.object({ weeks: z.coerce.number().int().min(1).max(12).default(4) }),
      handler: ({ query }) => burdenFigure(db, deps.clock.now(), tz, query.weeks),
    }),
    route({
      method: 'get', path: '/reminders/overdue-cadences', summary: '上一周期未登记召开的组织生活（按支部）', tag: 'reminders', access: 'read',
      query: z.object({ date: date.optional(), branch: z.coerce.number().int().positive().max(MAX_DB_ID).optional() }),
      handler: async ({ query, principal }) => {
        const all = (await db.query.orgUnits.findMany({ columns: { id: true, kind: true, parentId: true } })).filter((u) => u.kind === 'branch');
        // A leader's token sees its own scope only.
        const scoped = principal.scopeUnitId === null ? all : all.filter((u) => u.id === principal.scopeUnitId || u.parentId === principal.scopeUnitId);
        const ids = scoped.map((u) => u.id).filter((id) => query.branch === undefined || id === query.branch);
        return { items: await overdueCadences(db, ids, query.date ?? localDate(deps.clock.now(), tz)) };
      },
    }),
    route({
      method: 'post', path: '/branches/:id/meetings', summary: '登记支部会议已召开（可附会议记录链接）', tag: 'reminders', access: 'write', params: idParam, status: 201,
      body: z.object({ kind: z.string().min(1).describe(`会议类型：${MEETING_KINDS.join('、')} 或中文名`), heldOn: date, minutesUrl: z.string().url().optional() }),
      handler: async ({ params, body, principal }) => {
        const kind = meetingKindOf(body.kind);
        if (!kind) throw new ValidationError(`未知会议类型 ${body.kind}`);
        if (body.heldOn > localDate(deps.clock.now(), tz)) throw new ValidationError('召开日期不能晚于今天');
        if (principal.scopeUnitId !== null && principal.scopeUnitId !== params.id) throw new ForbiddenError('令牌无权登记该支部');
        await settingsView(db, params.id);
        return db.transaction((tx) => recordMeeting(tx, { unitId: params.id, kind, heldOn: body.heldOn, minutesUrl: body.minutesUrl ?? null, recordedBy: null, via: 'admin', sourceEventId: null, at: deps.clock.now() }));
      },
    }),
  ];
}
