/**
 * The 报表 downloads: 年中查账 / 年底交账 (.xlsx, loadYearReport + yearReportBuffer) and the 台账 (ledgerBuffer) —
 * the same bytes as the CLI and GET /api/v1/reports/:kind, limited to what the signed-in user may see (admins
 * every branch, leaders their 分管范围; `unit` narrows it to one branch they may see). The ledger supports a scope,
 * so leaders get their branches' ledger too.
 */
import type { Context } from 'koa';
import { ledgerBuffer, ledgerFileName } from '../../../exports/ledger-xlsx.js';
import { loadYearReport } from '../../../exports/year-report-data.js';
import { yearReportBuffer, yearReportFileName } from '../../../exports/year-report-xlsx.js';
import { contentDisposition } from '../../../http/api/scoring-routes.js';
import type { AppDeps } from '../../../http/deps.js';
import { consoleUser } from '../../console-user.js';
import { consoleReportScope, unitOf, yearKindOf, yearOf } from './scope.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function sendXlsx(ctx: Context, bytes: Buffer, fileName: string, fallback: string): void {
  ctx.set('Content-Disposition', contentDisposition(fileName, fallback));
  ctx.set('Cache-Control', 'no-store');
  ctx.type = XLSX_TYPE;
  ctx.body = bytes;
}

/** GET /admin/reports/year/:kind/download?year=&unit= */
export async function yearReportDownload(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const kind = yearKindOf(ctx.params.kind);
  const year = yearOf(ctx, deps);
  const scope = await consoleReportScope(deps.database.db, user, unitOf(ctx));
  const report = await loadYearReport(deps.database.db, { kind, year, scope, now: deps.clock.now(), timezone: deps.config.timezone });
  sendXlsx(ctx, await yearReportBuffer(report, { timezone: deps.config.timezone }), yearReportFileName(report), `report-${kind}-${year}.xlsx`);
}

/** GET /admin/reports/ledger/download?year=&unit= — can take tens of seconds for a large agency (streams into memory). */
export async function ledgerDownload(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const year = yearOf(ctx, deps);
  const scope = await consoleReportScope(deps.database.db, user, unitOf(ctx));
  const { bytes } = await ledgerBuffer(deps.database.db, { year, scope, now: deps.clock.now(), timezone: deps.config.timezone });
  sendXlsx(ctx, bytes, ledgerFileName(year, scope), `report-ledger-${year}.xlsx`);
}
