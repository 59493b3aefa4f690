import { desc, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { rows } from '../../../db/migrate.js';
import { listRounds } from '../../../db/repositories/scoring-admin.js';
import { scoringSchemes } from '../../../db/schema/index.js';
import type { RoundStatus, RoundView } from '../../../domain/scoring/ports.js';
import type { Scheme } from '../../../domain/scoring/types.js';
import { NotFoundError } from '../../../errors.js';
import type { ConsoleUser } from '../../console-user.js';
import { canSeeUnit } from '../../console-user.js';

/**
 * What the 互观互检 pages read besides loadRoundData: schemes with their digest and "version" (the n-th scheme of
 * that name — schemes are immutable, an edit stores a new one), and rounds with their branches (listRounds gives
 * the counts; the round's branches decide whether a leader may see it).
 */

export interface SchemeRow {
  id: number;
  name: string;
  digest: string;
  scheme: Scheme;
  createdBy: string;
  createdAt: Date;
  /** 1 = the first scheme stored under this name. */
  version: number;
  /** How many schemes share the name. */
  versions: number;
  /** The newest scheme overall: what "开始互观互检" uses when no scheme is named. */
  latest: boolean;
}

export async function schemeRows(db: DbOrTx): Promise<SchemeRow[]> {
  const list = await db.select().from(scoringSchemes).orderBy(desc(scoringSchemes.id));
  const byName = new Map<string, number[]>();
  for (const s of [...list].reverse()) byName.set(s.name, [...(byName.get(s.name) ?? []), s.id]);
  return list.map((s, i) => {
    const ids = byName.get(s.name)!;
    return {
      id: s.id, name: s.name, digest: s.digest, scheme: s.definition as Scheme, createdBy: s.createdBy, createdAt: s.createdAt,
      version: ids.indexOf(s.id) + 1, versions: ids.length, latest: i === 0,
    };
  });
}

export async function schemeRow(db: DbOrTx, id: number): Promise<SchemeRow> {
  const found = (await schemeRows(db)).find((s) => s.id === id);
  if (!found) throw new NotFoundError(`计分方案 #${id} 不存在。`);
  return found;
}

export interface RoundListItem {
  id: number;
  title: string;
  status: RoundStatus;
  closesAt: Date;
  submitted: number;
  expected: number;
  round: Pick<RoundView, 'status' | 'closesAt' | 'schemeId' | 'branches'>;
}

/**
 * Rounds newest first with their progress counts and branches; a leader gets only rounds covering a branch they
 * see. Two statements whatever the number of rounds: listRounds' counts, and every round's scheme and branches.
 */
export async function roundList(db: DbOrTx, user: ConsoleUser): Promise<RoundListItem[]> {
  const extra = new Map(
    rows<{ id: number; scheme_id: number; closes_ms: number | string; branches: { id: number; name: string }[] | string }>(
      await db.execute(sql`
        select r.id, r.scheme_id, (extract(epoch from r.closes_at) * 1000)::float8 as closes_ms,
               coalesce((select json_agg(json_build_object('id', b.unit_id, 'name', b.name) order by b.sort)
                         from scoring_round_branches b where b.round_id = r.id), '[]') as branches
        from scoring_rounds r`),
    ).map((r) => [Number(r.id), { schemeId: Number(r.scheme_id), closesAt: new Date(Number(r.closes_ms)), branches: typeof r.branches === 'string' ? (JSON.parse(r.branches) as { id: number; name: string }[]) : r.branches }]),
  );
  const out: RoundListItem[] = [];
  for (const r of await listRounds(db)) {
    const more = extra.get(Number(r.id));
    if (!more) continue;
    const round = { status: r.status as RoundStatus, ...more };
    if (!seesRound(user, round)) continue;
    out.push({ id: r.id, title: r.title, status: round.status, closesAt: round.closesAt, submitted: r.submitted, expected: r.expected, round });
  }
  return out;
}

/** A round is visible to whoever sees at least one of its branches (admins and agency-wide leaders: all). */
export function seesRound(user: ConsoleUser, round: Pick<RoundView, 'branches'>): boolean {
  return user.visible === 'all' || round.branches.some((b) => canSeeUnit(user, b.id));
}

/** Sees every branch of the round (admins; leaders whose 分管范围 covers all of them): the round as a whole. */
export function seesWholeRound(user: ConsoleUser, round: RoundView): boolean {
  return user.visible === 'all' || round.branches.every((b) => canSeeUnit(user, b.id));
}

/** A positive integer id from the URL, else 404 (a mistyped link is "not found", not an error). */
export function idOf(value: string | undefined, what: string): number {
  const s = (value ?? '').trim();
  if (!/^\d{1,9}$/.test(s) || Number(s) === 0) throw new NotFoundError(`${what}不存在。`);
  return Number(s);
}
