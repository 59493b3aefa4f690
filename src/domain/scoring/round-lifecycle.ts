import { buildBranchReportCard, buildScoringInviteCard, buildQuickScoreCard, buildScoringReviewCard, quickScoreEligible } from '../../../cards/builders/scoring-flow.js';
import { buildScoringResultsCard, buildScoringRoundCard, type BranchLevel } from '../../../cards/builders/scoring.js';
import type { Card } from '../../../cards/model.js';
import type { LinkSigner } from '../conversation/ports.js';
import { localClock } from '../reminders/days.js';
import { formatCents } from './numbers.js';
import type { RoundView, ScorerView, ScoringStore, SheetView, StoredResults } from './ports.js';
import { computeRoundResults, expectedSheets, type ComputedResults } from './round-results.js';
import { targetsOf } from './sheet-service.js';

/**
 * The life of a round after it starts — the cards it sends and the close/publish steps — shared by the group
 * chat commands, the card buttons, the deadline job and the CLI, so every path says and records the same.
 * Card keys derive from the round (and the person), so a step repeated after a crash sends nothing twice.
 */

export interface LifecyclePorts {
  store: ScoringStore;
  links: LinkSigner;
  timezone: string;
  now: Date;
}

export interface PersonCard {
  personId: number;
  card: Card;
}

/** "11月28日 18:00" in the business time zone. */
export function formatWhen(at: Date, tz: string): string {
  const { date, minutes } = localClock(at, tz);
  const [, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${m}月${d}日 ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export async function roundProgress(store: ScoringStore, round: RoundView): Promise<{ scorers: ScorerView[]; sheets: SheetView[]; submitted: number; expected: number }> {
  const scorers = await store.scorers(round.id);
  const sheets = await store.sheets(round.id);
  const own = new Map(scorers.map((s) => [s.personId, s.branchId]));
  const submitted = sheets.filter((s) => s.status === 'submitted' && own.has(s.scorerId) && own.get(s.scorerId) !== s.targetUnitId).length;
  return { scorers, sheets, submitted, expected: expectedSheets(round, scorers) };
}

/** The group's card: branches, deadline, "已提交 x/y"; `status` marks it closed or published. */
export function roundCard(p: LifecyclePorts, round: RoundView, counts: { submitted: number; expected: number; scorers?: readonly ScorerView[] }, key: string, status?: string): Card {
  const peers = counts.scorers?.filter((s) => s.role === 'peer') ?? [];
  const secretaries = peers.filter((s) => s.branchId !== null).length;
  const committee = (counts.scorers?.length ?? 0) - secretaries;
  const card = buildScoringRoundCard({
    ...(counts.scorers ? { scorers: [secretaries ? `各支部书记${secretaries}人` : '', committee ? `机关党委${committee}人` : ''].filter(Boolean).join('、') } : {}),
    key,
    roundId: String(round.id),
    roundName: round.title,
    branches: round.branches.map((b) => b.name),
    window: `${formatWhen(round.opensAt, p.timezone)} 至 ${formatWhen(round.closesAt, p.timezone)}`,
    submitted: counts.submitted,
    total: counts.expected,
    progressUrl: p.links.scoringProgress(round.startedBy ?? 0, round.id),
  });
  return status ? { ...card, status, actions: round.status === 'open' ? card.actions : [] } : card;
}

const SHEET_STATE = (sheet: SheetView | undefined): string =>
  !sheet ? '未填写' : sheet.status === 'draft' ? '草稿未提交' : `已提交 ${formatCents(sheet.totalCents ?? 0)}分`;

/**
 * A scorer's invitation (and "我的评分表"), plus quick-score cards when the scheme is small enough for the choice
 * questions the platform's card can show (`quickQuestions`: 0 = none — the card would ask for what it cannot show).
 */
export function scorerCards(p: LifecyclePorts, round: RoundView, scorer: ScorerView, sheets: readonly SheetView[], keyBase: string, quickQuestions: number): Card[] {
  const mine = new Map(sheets.filter((s) => s.scorerId === scorer.personId).map((s) => [s.targetUnitId, s]));
  const targets = targetsOf(round, scorer);
  const formUrl = p.links.scoringSheets(scorer.personId, round.id, round.closesAt);
  const cards: Card[] = [
    buildScoringInviteCard({
      key: `${keyBase}:invite`,
      roundName: round.title,
      deadline: formatWhen(round.closesAt, p.timezone),
      targets: targets.map((b) => ({ name: b.name, state: SHEET_STATE(mine.get(b.id)) })),
      formUrl,
      ...(scorer.role === 'committee' ? { roleNote: '您的评分即机关党委点评分，按计分规则单独计权' } : {}),
    }),
  ];
  const items = round.scheme.categories.flatMap((c) => c.items);
  if (items.length <= quickQuestions && quickScoreEligible(items)) {
    for (const b of targets) {
      const sheet = mine.get(b.id);
      const points = new Map((sheet?.entries ?? []).map((e) => [e.itemId, e.points]));
      cards.push(
        buildQuickScoreCard({
          key: `${keyBase}:quick:${b.id}`,
          roundId: round.id,
          roundName: round.title,
          branchId: b.id,
          branchName: b.name,
          items: items.map((i) => {
            const selected = points.get(i.id);
            return { id: i.id, name: i.name, max: i.max, ...(typeof selected === 'number' ? { selected } : {}) };
          }),
          formUrl: `${formUrl}&b=${b.id}`,
          ...(sheet?.status === 'submitted' ? { status: `✓ 已提交 ${formatCents(sheet.totalCents ?? 0)}分` } : {}),
        }),
      );
    }
  }
  return cards;
}

/**
 * open → closed, results computed and recorded, by whoever closes it (`person:12`, `deadline`, `admin:cli`).
 * Null when the round was not open (already closed by someone else: nothing to do twice).
 */
export async function closeRound(p: LifecyclePorts, roundId: number, by: string): Promise<{ round: RoundView; computed: ComputedResults } | null> {
  const round = await p.store.round(roundId, true);
  if (!round || round.status !== 'open') return null;
  if (!(await p.store.markClosed(roundId, by, p.now))) return null;
  const closed: RoundView = { ...round, status: 'closed', closedAt: p.now };
  const computed = computeRoundResults(closed, await p.store.scorers(roundId), await p.store.sheets(roundId), p.now);
  await p.store.saveResults(computed);
  return { round: closed, computed };
}

/** To the reviewers (admins, the 机关党委 secretary) after close: counts, the policy note, the flags, 发布结果. */
export async function reviewCards(p: LifecyclePorts, round: RoundView, computed: ComputedResults): Promise<PersonCard[]> {
  const reviewers = await p.store.reviewers();
  return reviewers.map((r) => ({
    personId: r.personId,
    card: buildScoringReviewCard({
      key: `scoring:${round.id}:review:${r.personId}`,
      roundId: round.id,
      roundName: round.title,
      submitted: computed.submitted,
      expected: computed.expected,
      policyNote: computed.policyNote,
      flags: computed.flags.map((f) => f.message),
      reportUrl: p.links.scoringReport(r.personId, round.id, null),
    }),
  }));
}

export function closedNoticeCard(p: LifecyclePorts, round: RoundView, computed: { submitted: number; expected: number }, why: string): Card {
  return roundCard(p, round, computed, `scoring:${round.id}:closed`, `${why}，共收到评分表 ${computed.submitted}/${computed.expected} 份；结果经机关党委审核后公布`);
}

const LEVEL: Record<string, BranchLevel> = { advanced: '先进', middle: '中间', lagging: '后进' };

export function resultsCard(p: LifecyclePorts, round: RoundView, results: StoredResults, key: string): Card {
  const card = buildScoringResultsCard({
    key,
    roundName: round.title,
    results: results.result.branches
      .filter((b) => b.class !== null)
      .map((b) => ({ branchName: results.result.ranksVisible && b.rank !== null ? `${b.rank}. ${b.branchName}` : b.branchName, stars: b.stars, level: LEVEL[b.class!]! })),
    reportUrl: p.links.scoringProgress(round.startedBy ?? 0, round.id),
  });
  const unrated = results.result.branches.filter((b) => b.class === null).map((b) => b.branchName);
  return unrated.length ? { ...card, status: `未参与评定（无互评分）：${unrated.join('、')}` } : card;
}

/**
 * closed → published: the group's results card and each branch secretary's private report. Null when the round
 * is not closed (still open, or published already).
 */
export async function publishRound(p: LifecyclePorts, roundId: number, by: string): Promise<{ round: RoundView; group: Card; reports: PersonCard[] } | null> {
  const round = await p.store.round(roundId, true);
  if (!round || round.status !== 'closed') return null;
  const results = await p.store.results(roundId);
  if (!results) return null;
  if (!(await p.store.markPublished(roundId, by, p.now))) return null;
  const published: RoundView = { ...round, status: 'published', publishedAt: p.now };
  const scorers = await p.store.scorers(roundId);
  const reports: PersonCard[] = [];
  for (const b of results.result.branches) {
    const branchId = Number(b.branchId);
    for (const s of scorers.filter((x) => x.role === 'peer' && x.branchId === branchId)) {
      reports.push({
        personId: s.personId,
        card: buildBranchReportCard({
          key: `scoring:${roundId}:report:${branchId}:${s.personId}`,
          roundName: round.title,
          branchName: b.branchName,
          stars: b.starLabel,
          classLabel: b.classLabel,
          total: b.totalText,
          explanation: b.explanation,
          reportUrl: p.links.scoringReport(s.personId, roundId, branchId),
        }),
      });
    }
  }
  return { round: published, group: resultsCard(p, published, results, `scoring:${roundId}:results`), reports };
}
