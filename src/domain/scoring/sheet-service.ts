import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { computeSheet, validateSheet } from './sheet.js';
import type { RoundBranchView, RoundView, ScorerView, ScoringStore, SheetSource, SheetView } from './ports.js';
import type { SheetEntry, SheetProblem } from './types.js';

/**
 * Saving a scorer's sheet, whichever way it comes (H5 form, card choices, admin): the same rules everywhere —
 * only while the round is open and before its deadline, only by a scorer of the round, never for their own
 * branch (回避), and on submit the whole sheet must be valid. Errors are in Chinese and change nothing.
 */

export interface SheetTarget {
  round: RoundView;
  scorer: ScorerView;
  branch: RoundBranchView;
}

/** The branches a scorer scores in a round, in round order: all but their own (回避). */
export function targetsOf(round: RoundView, scorer: ScorerView): RoundBranchView[] {
  return round.branches.filter((b) => b.id !== scorer.branchId);
}

/** Is the round still taking sheets at `now`? */
export function isAcceptingSheets(round: RoundView, now: Date): boolean {
  return round.status === 'open' && now.getTime() < round.closesAt.getTime();
}

/** Resolves and checks who scores what; throws a typed error with a message for the person. */
export async function sheetTarget(store: ScoringStore, roundId: number, personId: number, branchId: number, lock = false): Promise<SheetTarget> {
  const round = await store.round(roundId, lock);
  if (!round) throw new NotFoundError('该互观互检不存在。');
  const scorer = (await store.scorers(roundId)).find((s) => s.personId === personId);
  if (!scorer) throw new ForbiddenError(`您不是“${round.title}”的评分人。`);
  const branch = round.branches.find((b) => b.id === branchId);
  if (!branch) throw new NotFoundError(`该支部不在“${round.title}”的参评名单中。`);
  if (scorer.branchId === branchId) throw new ForbiddenError(`本支部（${branch.name}）由其他支部评分，您无需也不能给本支部打分（回避）。`);
  return { round, scorer, branch };
}

export interface SaveSheetRequest {
  roundId: number;
  personId: number;
  branchId: number;
  entries: SheetEntry[];
  comment: string | null;
  submit: boolean;
  source: SheetSource;
  now: Date;
}

export class SheetInvalidError extends ValidationError {
  constructor(readonly problems: SheetProblem[]) {
    super(`评分表有${problems.length}处需要修改：${problems.map((p) => p.message).join('；')}`, problems);
  }
}

const MAX_COMMENT = 1000;

/**
 * Saves a draft (保存草稿: numbers checked for range, nothing required yet) or submits (提交: everything checked,
 * the total recorded). Submitting again, or saving a submitted sheet as a draft (重新打开), is allowed until
 * the round closes; each revision is kept in the audit log by the store.
 */
export async function saveScorerSheet(store: ScoringStore, req: SaveSheetRequest): Promise<{ sheet: SheetView; target: SheetTarget; totalCents: number }> {
  const target = await sheetTarget(store, req.roundId, req.personId, req.branchId, true);
  const { round } = target;
  if (!isAcceptingSheets(round, req.now)) {
    throw new ConflictError(round.status === 'open' ? `“${round.title}”已过评分截止时间，不能再修改评分表。` : `“${round.title}”已结束评分，不能再修改评分表。`);
  }
  const comment = req.comment?.trim() ? req.comment.trim() : null;
  if (comment && comment.length > MAX_COMMENT) throw new ValidationError(`评语最多${MAX_COMMENT}字（现为${comment.length}字）`);
  // Only what was filled in is kept; an empty item is "not filled", never a silent 0.
  const entries = req.entries.filter((e) => e.points !== null && e.points !== undefined);
  const all = validateSheet(round.scheme, entries);
  const problems = req.submit ? all : all.filter((p) => !isCompletenessProblem(p, entries));
  if (problems.length) throw new SheetInvalidError(problems);
  const { totalCents } = computeSheet(round.scheme, entries);
  const sheet = await store.saveSheet({
    roundId: round.id,
    scorerId: req.personId,
    targetUnitId: req.branchId,
    entries,
    comment,
    submit: req.submit,
    totalCents,
    source: req.source,
    actor: `person:${req.personId}`,
    at: req.now,
  });
  return { sheet, target, totalCents };
}

/** Problems a draft may still have: a required item not filled in yet, or a reason not written yet. */
function isCompletenessProblem(p: SheetProblem, entries: readonly SheetEntry[]): boolean {
  if (p.itemId === null) return false;
  const entry = entries.find((e) => e.itemId === p.itemId);
  if (!entry) return true; // required and empty
  return /理由/.test(p.message);
}
