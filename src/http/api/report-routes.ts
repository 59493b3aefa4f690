import { z } from 'zod';
import type { AdminPrincipal } from '../../db/repositories/admin-tokens.js';
import { localDate } from '../../domain/calendar.js';
import { MAX_REPORT_YEAR, MIN_REPORT_YEAR, REPORT_KINDS, type ReportKind } from '../../domain/reports/period.js';
import type { YearReport } from '../../domain/reports/types.js';
import { ForbiddenError } from '../../errors.js';
import { ledgerBuffer, ledgerFileName, ledgerSummary } from '../../exports/ledger-xlsx.js';
import { loadYearReport, narrowScope, scopeOfUnits, type ReportScope } from '../../exports/year-report-data.js';
import { yearReportBuffer, yearReportFileName } from '../../exports/year-report-xlsx.js';
import type { AppDeps } from '../deps.js';
import { route, type ApiRoute } from './define-route.js';
import { visibleUnitIds } from './scope.js';
import { contentDisposition } from './scoring-routes.js';

/**
 * 年中查账, 年底交账 and 台账 through the admin API: the workbook (the same bytes the CLI writes) and a JSON summary.
 * Leader tokens are read-only anyway; one limited to a unit gets the branches under it and nothing else.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const kindParam = z.object({ kind: z.enum(REPORT_KINDS as [ReportKind, ...ReportKind[]]) });
const reportQuery = z.object({
  year: z.coerce.number().int().min(MIN_REPORT_YEAR).max(MAX_REPORT_YEAR).optional(),
  unit: z.string().trim().min(1).max(100).optional(),
});

/** The year report without each branch's item rows: what a dashboard needs. */
function summaryOf(report: YearReport): Record<string, unknown> {
  return { ...report, branches: report.branches.map(({ items: _items, ...b }) => b) };
}

export function reportRoutes(deps: AppDeps): ApiRoute[] {
  const db = deps.database.db;

  async function scopeFor(principal: AdminPrincipal, unit: string | undefined): Promise<ReportScope> {
    const visible = await scopeOfUnits(db, await visibleUnitIds(db, principal));
    if (visible.branchIds !== 'all' && visible.branchIds.length === 0) throw new ForbiddenError('您的查看范围内没有党支部');
    return narrowScope(db, visible, unit);
  }
  const yearOf = (year: number | undefined): number => year ?? Number(localDate(deps.clock.now(), deps.config.timezone).slice(0, 4));

  return [
    route({
      method: 'get', path: '/reports/:kind',
      summary: '下载年中查账（midyear）、年底交账（yearend）或台账（ledger）的 Excel（.xlsx）；year 默认今年，unit 为党支部编号或名称；限定单位的只读令牌只含本单位的党支部',
      tag: 'reports', access: 'read', params: kindParam, query: reportQuery,
      async handler({ params, query, principal, ctx }) {
        const scope = await scopeFor(principal, query.unit);
        const year = yearOf(query.year);
        const q = { year, scope, now: deps.clock.now(), timezone: deps.config.timezone };
        let bytes: Buffer;
        let fileName: string;
        if (params.kind === 'ledger') {
          bytes = (await ledgerBuffer(db, q)).bytes;
          fileName = ledgerFileName(year, scope);
        } else {
          const report = await loadYearReport(db, { ...q, kind: params.kind });
          bytes = await yearReportBuffer(report, { timezone: deps.config.timezone });
          fileName = yearReportFileName(report);
        }
        ctx.set('Content-Disposition', contentDisposition(fileName, `report-${params.kind}-${year}.xlsx`));
        ctx.set('Cache-Control', 'no-store');
        ctx.type = XLSX;
        ctx.body = bytes;
        return undefined;
      },
    }),
    route({
      method: 'get', path: '/reports/:kind/summary',
      summary: '年中查账、年底交账的汇总（JSON：各党支部和各五型维度的计划、完成、逾期，组织生活按期情况，互观互检结果），或台账的记录数与审计日志哈希链头',
      tag: 'reports', access: 'read', params: kindParam, query: reportQuery,
      async handler({ params, query, principal }) {
        const scope = await scopeFor(principal, query.unit);
        const q = { year: yearOf(query.year), scope, now: deps.clock.now(), timezone: deps.config.timezone };
        if (params.kind === 'ledger') return ledgerSummary(db, q);
        return summaryOf(await loadYearReport(db, { ...q, kind: params.kind }));
      },
    }),
  ];
}
