import type { Card } from '../../../cards/model.js';
import { buildDigestCard } from '../../../cards/builders/digest.js';
import { addDays } from '../reminders/days.js';
import { diffFigures } from './changes.js';
import { DIGEST_CHART_ASPECT, digestChartTitle, digestHasChart } from './chart.js';
import { dayLabel, digestContent, type DigestContent } from './content.js';
import { figuresForScope } from './figures.js';
import type { DigestStore } from './raw.js';
import { branchesInScope, dueSoonUntil, scopeLabel, scopeOf } from './scope.js';
import type { DigestFigures, DigestScope } from './types.js';

/** Whose digest: a leader's 分管范围 rows, or 'agency' (an admin, who sees the whole agency). */
export interface DigestViewer {
  personId: number;
  scope: readonly (number | null)[] | 'agency';
}

/**
 * Figures for several viewers with one computation: the raw per-branch figures are computed once for the
 * union of their branches, then sliced per viewer. The same path serves the daily job and "今日简报".
 */
export async function figuresForViewers(
  store: DigestStore,
  viewers: readonly DigestViewer[],
  opts: { date: string; dueSoonUntil: string; now: Date },
): Promise<Map<number, DigestFigures>> {
  const units = await store.units();
  const scoped = viewers.map((v) => {
    const scope: DigestScope = v.scope === 'agency' ? { kind: 'agency' } : scopeOf(v.scope, units);
    return { personId: v.personId, scope, branchIds: branchesInScope(scope, units) };
  });
  const union = [...new Set(scoped.flatMap((s) => s.branchIds))].sort((a, b) => a - b);
  const raw = await store.compute(union, opts);
  return new Map(scoped.map((s) => [s.personId, figuresForScope(raw, s.scope, s.branchIds)]));
}

/** Whose figures a person may see: an admin the whole agency, a leader their 分管范围, anyone else nothing. */
export async function viewerOf(store: DigestStore, person: { id: number; roles: readonly string[] }): Promise<DigestViewer | undefined> {
  if (person.roles.includes('admin')) return { personId: person.id, scope: 'agency' };
  if (!person.roles.includes('leader')) return undefined;
  const leader = await store.leader(person.id);
  return leader ? { personId: person.id, scope: leader.scopeUnitIds } : undefined;
}

/**
 * One person's figures for a day, as "今日简报" and the job compute them (undefined: not a leader or admin).
 * The working days for the due-soon window come through the store, so this may run inside a transaction;
 * the H5 detail page can call it the same way.
 */
export async function figuresForPerson(store: DigestStore, person: { id: number; roles: readonly string[] }, opts: { date: string; now: Date }): Promise<DigestFigures | undefined> {
  const viewer = await viewerOf(store, person);
  if (!viewer) return undefined;
  const isWorkday = await store.workdays(opts.date, addDays(opts.date, 30));
  return (await figuresForViewers(store, [viewer], { date: opts.date, dueSoonUntil: dueSoonUntil(opts.date, isWorkday), now: opts.now })).get(person.id);
}

/**
 * The card for one viewer's figures (null: a quiet day and the viewer asked for no card then). `chartUrl` is
 * LinkSigner.digestChart's signed image link: null (no CJK font on this server) or absent → a text-only card.
 * The image goes only on a day with something to show (not quiet, some assignment due this month).
 */
export function digestCard(opts: {
  key: string;
  figures: DigestFigures;
  previous: DigestFigures | undefined;
  timezone: string;
  detailUrl: string;
  skipQuietDays: boolean;
  chartUrl?: string | null;
}): { content: DigestContent; card: Card | null } {
  const f = opts.figures;
  const content = digestContent(f, opts.previous ? diffFigures(opts.previous, f) : null, opts.timezone);
  if (content.quiet && opts.skipQuietDays) return { content, card: null };
  const chart = opts.chartUrl && !content.quiet && digestHasChart(f)
    ? { url: opts.chartUrl, alt: digestChartTitle(f), aspectRatio: DIGEST_CHART_ASPECT }
    : undefined;
  const card = buildDigestCard({
    key: opts.key,
    date: dayLabel(f.date),
    scope: scopeLabel(f.scope, f.branches.map((b) => b.name)),
    quiet: content.quiet,
    attention: content.attention,
    exceptions: content.exceptions,
    branchHeading: content.branchHeading,
    branchLines: content.branchLines,
    summary: content.summary,
    changes: content.changes,
    detailUrl: opts.detailUrl,
    ...(chart ? { chart } : {}),
  });
  return { content, card };
}
