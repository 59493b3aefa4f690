import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { scoringStore } from '../db/repositories/scoring-store.js';
import { chats, orgUnits, scoringChatBranches, scoringSchemes } from '../db/schema/index.js';
import type { PlatformId } from '../domain/messaging/types.js';
import type { RoundStatus, RoundView, ScorerRole, ScorerView, SheetView, StoredResults } from '../domain/scoring/ports.js';
import type { Scheme } from '../domain/scoring/types.js';
import { targetsOf } from '../domain/scoring/sheet-service.js';
import { NotFoundError, ValidationError } from '../errors.js';

/**
 * Read side of 互观互检 for the admin surfaces (CLI `scoring …`, admin API, the Excel export): one round with its
 * scorers, sheets, stored results and progress counts; branch and chat look-ups for linking a chat.
 */

export const ROUND_STATUS_LABELS: Record<RoundStatus, string> = { open: '进行中', closed: '已结束评分', published: '已发布' };
export const SCORER_ROLE_LABELS: Record<ScorerRole, string> = { peer: '互评', committee: '机关党委点评' };

export interface ProgressCount {
  /** Sheets this branch should receive / this scorer should fill in (回避 excluded). */
  expected: number;
  submitted: number;
  drafts: number;
}

export interface RoundProgress extends ProgressCount {
  /** Expected sheets neither submitted nor saved as a draft. */
  missing: number;
  byBranch: ({ branchId: number; name: string } & ProgressCount)[];
  byScorer: ({ personId: number; name: string; role: ScorerRole; branchId: number | null } & ProgressCount)[];
}

export interface RoundData {
  round: RoundView;
  scorers: ScorerView[];
  sheets: SheetView[];
  results: StoredResults | undefined;
  progress: RoundProgress;
}

export async function loadRoundData(db: DbOrTx, roundId: number): Promise<RoundData> {
  const store = scoringStore(db);
  const round = await store.round(roundId);
  if (!round) throw new NotFoundError(`互观互检轮次 ${roundId} 不存在`);
  const [scorers, sheets, results] = await Promise.all([store.scorers(roundId), store.sheets(roundId), store.results(roundId)]);
  return { round, scorers, sheets, results, progress: roundProgress(round, scorers, sheets) };
}

/** Who owes which sheet: every scorer × every branch but their own (回避); a sheet counts once, by status. */
export function roundProgress(round: RoundView, scorers: readonly ScorerView[], sheets: readonly SheetView[]): RoundProgress {
  const status = new Map(sheets.map((s) => [`${s.scorerId}:${s.targetUnitId}`, s.status]));
  const byBranch = new Map(round.branches.map((b) => [b.id, { branchId: b.id, name: b.name, expected: 0, submitted: 0, drafts: 0 }]));
  const byScorer: RoundProgress['byScorer'] = [];
  for (const scorer of scorers) {
    const own = { personId: scorer.personId, name: scorer.name, role: scorer.role, branchId: scorer.branchId, expected: 0, submitted: 0, drafts: 0 };
    for (const target of targetsOf(round, scorer)) {
      const b = byBranch.get(target.id)!;
      const s = status.get(`${scorer.personId}:${target.id}`);
      for (const count of [own, b]) {
        count.expected++;
        if (s === 'submitted') count.submitted++;
        else if (s === 'draft') count.drafts++;
      }
    }
    byScorer.push(own);
  }
  const expected = byScorer.reduce((n, s) => n + s.expected, 0);
  const submitted = byScorer.reduce((n, s) => n + s.submitted, 0);
  const drafts = byScorer.reduce((n, s) => n + s.drafts, 0);
  return { expected, submitted, drafts, missing: expected - submitted - drafts, byBranch: [...byBranch.values()], byScorer };
}

/** One imported scheme with its definition. */
export async function schemeById(db: DbOrTx, id: number): Promise<{ id: number; name: string; createdBy: string; createdAt: Date; scheme: Scheme }> {
  const [s] = await db.select().from(scoringSchemes).where(eq(scoringSchemes.id, id));
  if (!s) throw new NotFoundError(`计分方案 ${id} 不存在`);
  return { id: s.id, name: s.name, createdBy: s.createdBy, createdAt: s.createdAt, scheme: s.definition as Scheme };
}

export interface BranchRef {
  id: number;
  name: string;
}

/** Active 党支部 in org order. */
export async function activeBranches(db: DbOrTx): Promise<BranchRef[]> {
  return db
    .select({ id: orgUnits.id, name: orgUnits.name })
    .from(orgUnits)
    .where(and(eq(orgUnits.kind, 'branch'), eq(orgUnits.active, true)))
    .orderBy(asc(orgUnits.id));
}

/**
 * Branches named by id ("12") or name: the exact name, else the one branch whose name contains it ("第一党支部"
 * for "第一党支部（办公室）"). Every unknown or ambiguous name is reported at once; duplicates are dropped.
 */
export async function resolveBranches(db: DbOrTx, specs: readonly string[]): Promise<BranchRef[]> {
  const branches = await activeBranches(db);
  const found: BranchRef[] = [];
  const problems: string[] = [];
  for (const raw of specs) {
    const spec = raw.trim().normalize('NFKC');
    const byId = /^\d+$/.test(spec) ? branches.find((b) => b.id === Number(spec)) : undefined;
    const exact = branches.filter((b) => b.name.normalize('NFKC') === spec);
    const partial = branches.filter((b) => b.name.normalize('NFKC').includes(spec));
    const match = byId ?? (exact.length === 1 ? exact[0] : partial.length === 1 ? partial[0] : undefined);
    if (match) {
      if (!found.some((b) => b.id === match.id)) found.push(match);
    } else if (spec === '') problems.push('支部名称为空');
    else if (partial.length > 1) problems.push(`“${raw}”对应多个党支部：${partial.map((b) => b.name).join('、')}，请写全称或编号`);
    else problems.push(`没有名为“${raw}”的在用党支部（编号或名称）`);
  }
  if (problems.length) throw new ValidationError(problems.join('；'), problems);
  return found;
}

/** Branch ids given by the admin API: each must be an active 党支部. */
export async function requireBranchIds(db: DbOrTx, ids: readonly number[]): Promise<BranchRef[]> {
  return resolveBranches(db, ids.map(String));
}

export interface ChatLinks {
  id: number;
  platform: PlatformId;
  externalId: string;
  name: string;
  /** Branches linked to the chat; empty = the chat's rounds cover every active branch. */
  linkedBranches: BranchRef[];
}

/** Group chats the bot knows, with the branches linked to each (for `PUT /scoring/chats/{id}/branches`). */
export async function listChatLinks(db: DbOrTx, chatId?: number): Promise<ChatLinks[]> {
  const list = await db
    .select()
    .from(chats)
    .where(chatId === undefined ? undefined : eq(chats.id, chatId))
    .orderBy(asc(chats.id));
  if (list.length === 0) return [];
  const links = await db
    .select({ chatId: scoringChatBranches.chatId, id: orgUnits.id, name: orgUnits.name })
    .from(scoringChatBranches)
    .innerJoin(orgUnits, eq(orgUnits.id, scoringChatBranches.unitId))
    .where(inArray(scoringChatBranches.chatId, list.map((c) => c.id)))
    .orderBy(asc(orgUnits.id));
  return list.map((c) => ({
    id: c.id,
    platform: c.platform,
    externalId: c.externalId,
    name: c.name,
    linkedBranches: links.filter((l) => l.chatId === c.id).map((l) => ({ id: l.id, name: l.name })),
  }));
}

/** "2026-11-23 09:05" in the business time zone. */
export function localDateTime(at: Date, timeZone: string): string {
  const p = wallClock(at, timeZone);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/**
 * The wall-clock time in `timeZone` as a Date whose UTC fields carry it: what a spreadsheet cell should hold
 * (Excel has no time zones, exceljs writes the UTC fields).
 */
export function wallClockDate(at: Date, timeZone: string): Date {
  const p = wallClock(at, timeZone);
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second));
}

function wallClock(at: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}
