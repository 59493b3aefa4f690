import { cmp, fromDecimal, type Ratio } from './numbers.js';
import { atLeast, atMost, type AggregationPolicy, type BranchClass, type TieBreakKey } from './policy.js';

/**
 * Order, star levels (thresholds, then quotas) and classes of the branches that have a total. Everything
 * compares exact fractions; the order is total (the name and then the id end every tie).
 */

export interface Rankable {
  id: string;
  name: string;
  total: Ratio;
  committee: Ratio | null;
  peerMedian: Ratio;
  peerMean: Ratio;
}

/** One quota that moved a branch down: it reached `from` stars, but only `cap` branches (share) may have it. */
export interface QuotaStep {
  from: number;
  to: number;
  cap: number;
  share: number;
}

export type ClassReason = 'threshold' | 'over-quota' | 'min-share' | 'default';

export interface Placement {
  rank: number;
  thresholdStars: number;
  stars: number;
  quotaSteps: QuotaStep[];
  class: BranchClass;
  classReason: ClassReason;
  /** The cap or minimum behind an over-quota / min-share class. */
  classCount: number | null;
}

const collator = new Intl.Collator('zh-Hans-CN');

function byKey(key: TieBreakKey, a: Rankable, b: Rankable): number {
  switch (key) {
    case 'committee':
      if (a.committee === null || b.committee === null) return a.committee === b.committee ? 0 : a.committee === null ? 1 : -1;
      return cmp(b.committee, a.committee);
    case 'peerMedian':
      return cmp(b.peerMedian, a.peerMedian);
    case 'peerMean':
      return cmp(b.peerMean, a.peerMean);
    case 'name':
      return collator.compare(a.name, b.name);
  }
}

/** Comparator: higher total first, then the policy's tie rule, then name, then id. */
export function rankComparator(policy: AggregationPolicy): (a: Rankable, b: Rankable) => number {
  return (a, b) => {
    const byTotal = cmp(b.total, a.total);
    if (byTotal !== 0) return byTotal;
    for (const key of policy.tieBreak) {
      const c = byKey(key, a, b);
      if (c !== 0) return c;
    }
    return byKey('name', a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

/** The highest level whose threshold the total reaches, 0 if none. */
export function thresholdStars(policy: AggregationPolicy, total: Ratio): number {
  let best = 0;
  for (const rule of policy.stars) if (rule.stars > best && cmp(total, fromDecimal(rule.min)) >= 0) best = rule.stars;
  return best;
}

export function placeBranches(policy: AggregationPolicy, branches: readonly Rankable[]): Map<string, Placement> {
  const ranked = [...branches].sort(rankComparator(policy));
  const count = ranked.length;
  const placements = new Map<string, Placement>();
  ranked.forEach((b, i) => {
    const stars = thresholdStars(policy, b.total);
    placements.set(b.id, { rank: i + 1, thresholdStars: stars, stars, quotaSteps: [], class: 'middle', classReason: 'default', classCount: null });
  });
  const at = (b: Rankable): Placement => placements.get(b.id)!;

  // Quotas from the top level down: the lowest-ranked beyond a level's cap move to the next level below, where
  // they rank above everyone already there, so a full lower level passes its own lowest-ranked further down.
  const levels = [...new Set(policy.stars.map((r) => r.stars))].sort((x, y) => y - x);
  levels.forEach((level, li) => {
    const share = policy.starQuotas?.[level];
    if (share === undefined) return;
    const cap = atMost(share, count);
    const next = levels[li + 1] ?? 0;
    ranked.filter((b) => at(b).stars === level).slice(cap).forEach((b) => {
      const p = at(b);
      p.stars = next;
      p.quotaSteps.push({ from: level, to: next, cap, share });
    });
  });

  const { advanced, lagging } = policy.classes;
  if (advanced.minScore !== undefined || advanced.maxShare !== undefined) {
    const minScore = advanced.minScore === undefined ? null : fromDecimal(advanced.minScore);
    const cap = advanced.maxShare === undefined ? count : atMost(advanced.maxShare, count);
    ranked.filter((b) => minScore === null || cmp(b.total, minScore) >= 0).forEach((b, i) => {
      const p = at(b);
      if (i < cap) {
        p.class = 'advanced';
        p.classReason = 'threshold';
      } else if (minScore !== null) {
        p.classReason = 'over-quota';
        p.classCount = cap;
      }
    });
  }
  let laggingCount = 0;
  if (lagging.belowScore !== undefined) {
    const below = fromDecimal(lagging.belowScore);
    for (const b of ranked) {
      const p = at(b);
      if (p.class !== 'advanced' && cmp(b.total, below) < 0) {
        p.class = 'lagging';
        p.classReason = 'threshold';
        laggingCount++;
      }
    }
  }
  if (lagging.minShare !== undefined) {
    const need = atLeast(lagging.minShare, count);
    for (let i = ranked.length - 1; i >= 0 && laggingCount < need; i--) {
      const p = at(ranked[i]!);
      // A branch that reached the 先进 line but missed its quota is never made 后进 to fill a share.
      if (p.class !== 'middle' || p.classReason === 'over-quota') continue;
      p.class = 'lagging';
      p.classReason = 'min-share';
      p.classCount = need;
      laggingCount++;
    }
  }
  return placements;
}
