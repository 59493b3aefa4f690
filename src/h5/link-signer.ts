import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import { DEFAULT_LINK_TTL_SECONDS, signToken } from './signed-link.js';

/** The resource names scoring links are signed for; the H5 routes check the same names. */
export const scoringResource = {
  sheets: (roundId: number): string => `scoring:${roundId}`,
  report: (roundId: number, branchId: number | null): string => `scoring-report:${roundId}:${branchId ?? '*'}`,
  progress: (roundId: number): string => `scoring-progress:${roundId}`,
};

/** The resource a digest detail link is signed for (the H5 page checks the same name). */
export const digestResource = (date: string): string => `digest:${date}`;

/** The resource of a digest's chart image: apart from the page's, so an image URL that travels opens nothing else. */
export const digestChartResource = (date: string): string => `digest-chart:${date}`;

/** Admin console sign-in links: single use (the nonce is spent on sign-in), valid this long. */
export const ADMIN_SIGNIN_TTL_SECONDS = 10 * 60;
export const adminSignInResource = (nonce: string): string => `admin-signin:${nonce}`;

/** The resource a 年中查账 / 年底交账 link is signed for (src/h5/reports checks the same name). */
export const yearReportResource = (kind: 'midyear' | 'yearend', year: number): string => `report:${kind}:${year}`;

/** The core's LinkSigner: absolute URLs under PUBLIC_BASE_URL with a person-bound, expiring token. */
export function linkSigner(opts: {
  secret: string;
  publicBaseUrl: string;
  clock: Clock;
  ttlSeconds?: number;
  /** Whether chart images can be drawn (a CJK font is installed): without, digestChart gives null. */
  chartImages?: boolean;
}): LinkSigner {
  const link = (path: string, personId: number, resource: string, until?: Date): string => {
    const expiresAt = until ? Math.floor(until.getTime() / 1000) : Math.floor(opts.clock.now().getTime() / 1000) + (opts.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS);
    return `${opts.publicBaseUrl}${path}?t=${signToken(opts.secret, { personId, resource, expiresAt })}`;
  };
  return {
    checklist: (personId) => link('/h5/checklist', personId, 'checklist'),
    topic: (personId, month) => `${link('/h5/topic', personId, `topic:${month}`)}&m=${month}`,
    extension: (personId, _id) => link('/h5/checklist', personId, 'checklist'),
    help: () => `${opts.publicBaseUrl}/h5/help`,
    // A sheet link dies with the round: nobody scores after close, whatever the link says.
    scoringSheets: (personId, roundId, expiresAt) => `${link('/h5/scoring/sheets', personId, scoringResource.sheets(roundId), expiresAt)}&r=${roundId}`,
    scoringReport: (personId, roundId, branchId) =>
      `${link('/h5/scoring/report', personId, scoringResource.report(roundId, branchId))}&r=${roundId}${branchId === null ? '' : `&b=${branchId}`}`,
    scoringProgress: (personId, roundId) => `${link('/h5/scoring/progress', personId, scoringResource.progress(roundId))}&r=${roundId}`,
    digest: (personId, date) => `${link('/h5/digest', personId, digestResource(date))}&d=${date}`,
    digestChart: (personId, date) => (opts.chartImages ? `${link('/h5/digest/chart.png', personId, digestChartResource(date))}&d=${date}` : null),
    adminSignIn: (personId) => {
      const until = new Date(opts.clock.now().getTime() + ADMIN_SIGNIN_TTL_SECONDS * 1000);
      return link('/admin/signin', personId, adminSignInResource(randomBytes(12).toString('base64url')), until);
    },
    yearReport: (personId, kind, year) => `${link('/h5/reports/year', personId, yearReportResource(kind, year))}&kind=${kind}&y=${year}`,
  };
}
