import Router from '@koa/router';
import { errorPages } from '../error-pages.js';
import type { Context } from 'koa';
import { MAX_REPORT_YEAR, MIN_REPORT_YEAR, YEAR_REPORT_KINDS, type YearReportKind } from '../../domain/reports/period.js';
import { ForbiddenError } from '../../errors.js';
import { contentDisposition } from '../../http/api/scoring-routes.js';
import type { AppDeps } from '../../http/deps.js';
import { loadYearReport, personReportScope, type ReportScope } from '../../exports/year-report-data.js';
import { yearReportBuffer, yearReportFileName } from '../../exports/year-report-xlsx.js';
import { html } from '../html.js';
import { yearReportResource } from '../link-signer.js';
import { LINK_INCOMPLETE, LinkError, linkHolder, tokenOf } from '../scoring/link-access.js';
import { renderYearReportPage, shell } from './page.js';
import { REPORT_CSP, REPORT_CSS } from './styles.js';

/**
 * 年中查账 / 年底交账 on a phone: `/h5/reports/year?t=…&kind=midyear|yearend&y=2026` (and the same workbook the CLI
 * writes at `/h5/reports/year.xlsx` with the same link). The link is signed for `report:<kind>:<year>` and one
 * person; the page shows only the branches that person may see — admins every branch, leaders their 分管范围,
 * branch secretaries their branch — checked on every request.
 */
export function reportH5Routes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/h5/reports' });
  const db = deps.database.db;

  router.use(errorPages((ctx, status, message) => send(ctx, status, shell('无法打开', '党建助手 · 年度报告', html`<section><p>${message}</p></section>`))));

  router.get('/assets/report.css', (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=604800');
    ctx.body = REPORT_CSS;
  });

  /** The link's kind, year, holder and what the holder may see. */
  async function opened(ctx: Context): Promise<{ kind: YearReportKind; year: number; scope: ReportScope }> {
    const kind = typeof ctx.query.kind === 'string' && (YEAR_REPORT_KINDS as readonly string[]).includes(ctx.query.kind) ? (ctx.query.kind as YearReportKind) : null;
    const y = typeof ctx.query.y === 'string' && /^\d{4}$/.test(ctx.query.y) ? Number(ctx.query.y) : null;
    if (!kind || y === null || y < MIN_REPORT_YEAR || y > MAX_REPORT_YEAR) throw new LinkError(LINK_INCOMPLETE, 400);
    const person = await linkHolder(deps, ctx, yearReportResource(kind, y));
    const scope = await personReportScope(db, person);
    if (!scope) throw new ForbiddenError('年度报告仅供机关党委、分管领导和党支部书记查看。');
    return { kind, year: y, scope };
  }

  const load = (o: { kind: YearReportKind; year: number; scope: ReportScope }) =>
    loadYearReport(db, { ...o, now: deps.clock.now(), timezone: deps.config.timezone });

  router.get('/year', async (ctx) => {
    const o = await opened(ctx);
    const report = await load(o);
    const downloadUrl = `/h5/reports/year.xlsx?t=${encodeURIComponent(tokenOf(ctx))}&kind=${o.kind}&y=${o.year}`;
    send(ctx, 200, renderYearReportPage(report, { downloadUrl }));
  });

  router.get('/year.xlsx', async (ctx) => {
    const report = await load(await opened(ctx));
    const bytes = await yearReportBuffer(report, { timezone: deps.config.timezone });
    ctx.set('Content-Disposition', contentDisposition(yearReportFileName(report), `report-${report.period.kind}-${report.period.year}.xlsx`));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.body = bytes;
  });

  return router;
}

function send(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Security-Policy', REPORT_CSP);
  ctx.body = body;
}
