import { z } from 'zod';
import { isIsoDate, packageKnowsYear } from '../../domain/calendar.js';
import { listCalendarOverrides, setCalendarOverride } from '../../db/repositories/calendar.js';
import type { AppDeps } from '../deps.js';
import { route, type ApiRoute } from './define-route.js';

const isoDate = z.string().refine(isIsoDate, '须为 YYYY-MM-DD 格式的有效日期');

export function calendarRoutes(deps: AppDeps): ApiRoute[] {
  return [
    route({
      method: 'get',
      path: '/calendar/:year',
      summary: '某年的工作日历：管理员覆盖的日期，以及节假日数据是否已包含该年',
      tag: 'calendar',
      access: 'read',
      params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
      async handler({ params }) {
        const overrides = await listCalendarOverrides(deps.database.db, `${params.year}-01-01`, `${params.year}-12-31`);
        return {
          year: params.year,
          holidayDataAvailable: packageKnowsYear(params.year),
          overrides: overrides.map((o) => ({ date: o.day, workday: o.workday, note: o.note, updatedBy: o.updatedBy, updatedAt: o.updatedAt })),
        };
      },
    }),
    route({
      method: 'get',
      path: '/calendar/days/:date',
      summary: '某一天是否工作日，以及依据',
      tag: 'calendar',
      access: 'read',
      params: z.object({ date: isoDate }),
      async handler({ params }) {
        return deps.calendar.describe(params.date);
      },
    }),
    route({
      method: 'put',
      path: '/calendar/days/:date',
      summary: '设置某一天为工作日或休息日（覆盖节假日数据）',
      tag: 'calendar',
      access: 'write',
      params: z.object({ date: isoDate }),
      body: z.object({ workday: z.boolean(), note: z.string().max(200).optional() }),
      async handler({ params, body, principal }) {
        const res = await setCalendarOverride(deps.database.db, {
          date: params.date,
          workday: body.workday,
          note: body.note ?? null,
          actor: `token:${principal.name}`,
          at: deps.clock.now(),
        });
        return { ...res, day: await deps.calendar.describe(params.date) };
      },
    }),
  ];
}
