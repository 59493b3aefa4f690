import type { ScoringFlag } from '../../../domain/scoring/flags.js';
import type { ScorerView } from '../../../domain/scoring/ports.js';
import { ForbiddenError } from '../../../errors.js';
import type { RoundData } from '../../../exports/scoring-round-data.js';
import { canSeeUnit, type ConsoleUser } from '../../console-user.js';
import { seesRound, seesWholeRound } from './read.js';

/**
 * What a console user may see of a round — the same rules as the admin API's GET /scoring/rounds/{id}
 * (src/http/api/scoring-routes.ts, roundForPrincipal), applied to a console user instead of a token:
 *  - admins: everything, including the 发布前提示 (flags) and the ranks even while they are not public;
 *  - leaders: no flags; ranks only when the round shows them;
 *  - a leader whose 分管范围 leaves out some of the round's branches: only the branches they see (results,
 *    progress, scorers, sheets about them); the round is refused when it covers none of them. A leader who sees
 *    every branch of the round (no 分管范围, or one covering them all) sees it whole.
 */
export interface ScopedRound {
  data: RoundData;
  admin: boolean;
  /** A leader who sees only part of the agency. */
  limited: boolean;
  /** Admins only; null for everyone else (and before results exist: []). */
  flags: ScoringFlag[] | null;
  /**
   * Every scorer of the round, for the per-category averages of a branch's report (they tell peer sheets from
   * the 点评分 sheet; no name is shown). The scoped `data.scorers` is what the page may list.
   */
  allScorers: ScorerView[];
}

export function scopeRound(user: ConsoleUser, data: RoundData): ScopedRound {
  if (!seesRound(user, data.round)) throw new ForbiddenError('该轮互观互检不涉及您分管的党支部。');
  const admin = user.role === 'admin';
  const limited = !seesWholeRound(user, data.round);
  const sees = (unitId: number | string | null): boolean => canSeeUnit(user, unitId === null ? null : Number(unitId));
  let results = data.results;
  if (results && !admin) {
    const r = results.result;
    results = {
      ...results,
      flags: [],
      result: {
        ...r,
        branches: r.branches.filter((b) => sees(b.branchId)).map((b) => (r.ranksVisible ? b : { ...b, rank: null })),
        sheets: r.sheets.filter((s) => sees(s.targetBranchId)),
      },
    };
  }
  const scoped: RoundData = limited
    ? {
      round: { ...data.round, branches: data.round.branches.filter((b) => sees(b.id)) },
      scorers: data.scorers.filter((s) => sees(s.branchId)),
      sheets: data.sheets.filter((s) => sees(s.targetUnitId)),
      results,
      progress: {
        ...data.progress,
        byBranch: data.progress.byBranch.filter((b) => sees(b.branchId)),
        byScorer: data.progress.byScorer.filter((s) => sees(s.branchId)),
      },
    }
    : { ...data, results };
  return { data: scoped, admin, limited, flags: admin ? (data.results?.flags ?? []) : null, allScorers: data.scorers };
}
