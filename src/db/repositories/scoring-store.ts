import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { RoundResult } from '../../domain/scoring/aggregate.js';
import type { ScoringFlag } from '../../domain/scoring/flags.js';
import type { AggregationPolicy } from '../../domain/scoring/policy.js';
import type {
  ChatView,
  RoundBranchView,
  RoundView,
  ScoringStore,
  SheetView,
} from '../../domain/scoring/ports.js';
import type { Scheme, SheetEntry } from '../../domain/scoring/types.js';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';
import { isUniqueViolation } from '../pg-error.js';
import {
  chats,
  scoringResults,
  scoringRoundBranches,
  scoringRounds,
  scoringRoundScorers,
  scoringSchemes,
  scoringSheets,
} from '../schema/index.js';
import { appendAudit } from './audit.js';

type RoundRow = typeof scoringRounds.$inferSelect;
type SheetRow = typeof scoringSheets.$inferSelect;

function toSheet(r: SheetRow): SheetView {
  return {
    id: r.id,
    roundId: r.roundId,
    scorerId: r.scorerId,
    targetUnitId: r.targetUnitId,
    status: r.status,
    entries: r.entries as SheetEntry[],
    comment: r.comment,
    totalCents: r.totalCents,
    source: r.source,
    revision: r.revision,
    submittedAt: r.submittedAt,
    updatedAt: r.updatedAt,
  };
}

export function scoringStore(db: DbOrTx): ScoringStore {
  async function roundView(r: RoundRow): Promise<RoundView> {
    const [scheme] = await db.select({ definition: scoringSchemes.definition }).from(scoringSchemes).where(eq(scoringSchemes.id, r.schemeId));
    const branches = await db
      .select({ id: scoringRoundBranches.unitId, name: scoringRoundBranches.name })
      .from(scoringRoundBranches)
      .where(eq(scoringRoundBranches.roundId, r.id))
      .orderBy(asc(scoringRoundBranches.sort));
    const chat = r.chatId === null ? undefined : (await db.select({ externalId: chats.externalId }).from(chats).where(eq(chats.id, r.chatId)))[0];
    return {
      id: r.id,
      title: r.title,
      status: r.status,
      platform: r.platform,
      chatId: r.chatId,
      chatExternalId: chat?.externalId ?? null,
      startedBy: r.startedBy,
      opensAt: r.opensAt,
      closesAt: r.closesAt,
      closedAt: r.closedAt,
      publishedAt: r.publishedAt,
      schemeId: r.schemeId,
      scheme: scheme!.definition as Scheme,
      policy: r.policy as AggregationPolicy,
      showRanks: r.showRanks,
      branches,
    };
  }

  const chatView = (c: typeof chats.$inferSelect): ChatView => ({ id: c.id, platform: c.platform, externalId: c.externalId, name: c.name, unitId: c.unitId });

  const store: ScoringStore = {
    async chat(platform, externalId) {
      const [c] = await db.select().from(chats).where(and(eq(chats.platform, platform), eq(chats.externalId, externalId)));
      return c ? chatView(c) : undefined;
    },

    async registerChat(platform, externalId, name, at) {
      await db.insert(chats).values({ platform, externalId, name, createdAt: at }).onConflictDoNothing({ target: [chats.platform, chats.externalId] });
      const [c] = await db.select().from(chats).where(and(eq(chats.platform, platform), eq(chats.externalId, externalId)));
      return chatView(c!);
    },

    async chatBranches(chatId) {
      // Linked branches first; without links, every active branch — 机关党委's group of all secretaries.
      return rows<RoundBranchView>(
        await db.execute(sql`
          with linked as (select unit_id from scoring_chat_branches where chat_id = ${chatId})
          select u.id, u.name from org_units u
          where u.kind = 'branch' and u.active
            and (not exists (select 1 from linked) or u.id in (select unit_id from linked))
          order by u.id`),
      );
    },

    async findScheme(name) {
      const pick = async (where: ReturnType<typeof sql> | undefined) => {
        const q = db.select().from(scoringSchemes);
        const [s] = await (where ? q.where(where) : q).orderBy(desc(scoringSchemes.id)).limit(1);
        return s ? { id: s.id, name: s.name, scheme: s.definition as Scheme } : undefined;
      };
      if (name === null) return pick(undefined);
      return (await pick(sql`${scoringSchemes.name} = ${name}`)) ?? pick(sql`strpos(${scoringSchemes.name}, ${name}) > 0`);
    },

    async candidateScorers(branchIds) {
      if (branchIds.length === 0) return [];
      const list = rows<{ person_id: number; name: string; role: 'peer' | 'committee'; branch_id: number | null }>(
        await db.execute(sql`
          with branch_secretaries as (
            select distinct on (p.id) p.id as person_id, p.name, 'peer' as role, coalesce(r.scope_unit_id, pu.id) as branch_id
            from person_roles r
            join people p on p.id = r.person_id and p.active
            join org_units pu on pu.id = p.unit_id
            where r.role = 'secretary' and coalesce(r.scope_unit_id, pu.id) in (${sql.join(branchIds.map((id) => sql`${id}`), sql`, `)})
            order by p.id, r.id
          ),
          committee as (
            select p.id as person_id, p.name,
                   case when bool_or(r.role = 'secretary') then 'committee' else 'peer' end as role,
                   null::int as branch_id
            from people p
            join org_units u on u.id = p.unit_id and u.kind = 'committee'
            join person_roles r on r.person_id = p.id and r.role in ('secretary', 'committee_member')
            where p.active
            group by p.id, p.name
          )
          select * from branch_secretaries where person_id not in (select person_id from committee)
          union all select * from committee
          order by role desc, branch_id nulls last, person_id`),
      );
      return list.map((r) => ({ personId: r.person_id, name: r.name, role: r.role, branchId: r.branch_id }));
    },

    async roundBySourceEvent(eventId) {
      const [r] = await db.select().from(scoringRounds).where(eq(scoringRounds.sourceEventId, eventId));
      return r ? roundView(r) : undefined;
    },

    async openRoundInChat(chatId) {
      const [r] = await db.select().from(scoringRounds).where(and(eq(scoringRounds.chatId, chatId), eq(scoringRounds.status, 'open')));
      return r ? roundView(r) : undefined;
    },

    async latestRoundOf(personId) {
      const [r] = rows<{ id: number }>(
        await db.execute(
          personId === null
            ? sql`select id from scoring_rounds order by (status = 'closed') desc, id desc limit 1`
            : sql`select r.id from scoring_rounds r join scoring_round_scorers s on s.round_id = r.id and s.person_id = ${personId} order by r.id desc limit 1`,
        ),
      );
      return r?.id;
    },

    async latestRoundInChat(chatId) {
      const [r] = await db.select({ id: scoringRounds.id }).from(scoringRounds).where(eq(scoringRounds.chatId, chatId)).orderBy(desc(scoringRounds.id)).limit(1);
      return r?.id;
    },

    async openRoundsOf(personId, now) {
      const list = await db
        .select({ round: scoringRounds })
        .from(scoringRounds)
        .innerJoin(scoringRoundScorers, and(eq(scoringRoundScorers.roundId, scoringRounds.id), eq(scoringRoundScorers.personId, personId)))
        .where(and(eq(scoringRounds.status, 'open'), sql`${scoringRounds.closesAt} > ${now.toISOString()}::timestamptz`))
        .orderBy(desc(scoringRounds.id));
      return Promise.all(list.map((r) => roundView(r.round)));
    },

    async createRound(input) {
      let created: RoundRow | undefined;
      try {
        // A savepoint, so a refused second round leaves the caller's transaction usable.
        created = await db.transaction(async (tx) => {
          const [r] = await tx
            .insert(scoringRounds)
            .values({
              title: input.title,
              schemeId: input.schemeId,
              policy: input.policy,
              policyVersion: input.policy.version,
              platform: input.platform,
              chatId: input.chatId,
              startedBy: input.startedBy,
              opensAt: input.opensAt,
              closesAt: input.closesAt,
              sourceEventId: input.sourceEventId,
              createdAt: input.at,
            })
            .returning();
          return r!;
        });
      } catch (e) {
        if (isUniqueViolation(e)) return null;
        throw e;
      }
      const round = created;
      if (input.branches.length) {
        await db.insert(scoringRoundBranches).values(input.branches.map((b, i) => ({ roundId: round.id, unitId: b.id, name: b.name, sort: i })));
      }
      if (input.scorers.length) {
        await db
          .insert(scoringRoundScorers)
          .values(input.scorers.map((s) => ({ roundId: round.id, personId: s.personId, role: s.role, branchId: s.branchId, name: s.name })));
      }
      await appendAudit(db, input.at, {
        actor: input.startedBy === null ? 'admin' : `person:${input.startedBy}`,
        action: 'scoring.round.start',
        subjectType: 'scoring_round',
        subjectId: round.id,
        data: {
          title: input.title,
          schemeId: input.schemeId,
          policyVersion: input.policy.version,
          closesAt: input.closesAt.toISOString(),
          branches: input.branches.map((b) => b.id),
          scorers: input.scorers.map((s) => s.personId),
        },
      });
      return roundView(round);
    },

    async round(id, lock = false) {
      const q = db.select().from(scoringRounds).where(eq(scoringRounds.id, id));
      const [r] = await (lock ? q.for('update') : q);
      return r ? roundView(r) : undefined;
    },

    async scorers(roundId) {
      const list = await db.select().from(scoringRoundScorers).where(eq(scoringRoundScorers.roundId, roundId)).orderBy(asc(scoringRoundScorers.personId));
      return list.map((s) => ({ personId: s.personId, name: s.name, role: s.role, branchId: s.branchId }));
    },

    async sheets(roundId) {
      const list = await db.select().from(scoringSheets).where(eq(scoringSheets.roundId, roundId)).orderBy(asc(scoringSheets.id));
      return list.map(toSheet);
    },

    async saveSheet(input) {
      const values = {
        status: input.submit ? ('submitted' as const) : ('draft' as const),
        entries: input.entries,
        comment: input.comment,
        totalCents: input.submit ? input.totalCents : null,
        source: input.source,
        submittedAt: input.submit ? input.at : null,
        updatedAt: input.at,
      };
      const [row] = await db
        .insert(scoringSheets)
        .values({ roundId: input.roundId, scorerId: input.scorerId, targetUnitId: input.targetUnitId, ...values })
        .onConflictDoUpdate({
          target: [scoringSheets.roundId, scoringSheets.scorerId, scoringSheets.targetUnitId],
          set: { ...values, revision: sql`${scoringSheets.revision} + 1` },
        })
        .returning();
      const sheet = toSheet(row!);
      // The row holds the latest revision; the audit log holds every one (a re-opened sheet keeps its history).
      await appendAudit(db, input.at, {
        actor: input.actor,
        action: input.submit ? 'scoring.sheet.submit' : 'scoring.sheet.save',
        subjectType: 'scoring_sheet',
        subjectId: sheet.id,
        data: {
          roundId: input.roundId,
          scorerId: input.scorerId,
          targetUnitId: input.targetUnitId,
          revision: sheet.revision,
          source: input.source,
          entries: input.entries,
          comment: input.comment,
          totalCents: sheet.totalCents,
        },
      });
      return sheet;
    },

    async markClosed(roundId, by, at) {
      const done = await db
        .update(scoringRounds)
        .set({ status: 'closed', closedAt: at, closedBy: by })
        .where(and(eq(scoringRounds.id, roundId), eq(scoringRounds.status, 'open')))
        .returning({ id: scoringRounds.id });
      if (done.length) await appendAudit(db, at, { actor: by, action: 'scoring.round.close', subjectType: 'scoring_round', subjectId: roundId, data: {} });
      return done.length > 0;
    },

    async saveResults(r) {
      await db
        .insert(scoringResults)
        .values({ roundId: r.roundId, policyVersion: r.policyVersion, result: r.result, flags: r.flags, computedAt: r.computedAt })
        .onConflictDoNothing({ target: scoringResults.roundId });
      await appendAudit(db, r.computedAt, {
        actor: 'system',
        action: 'scoring.round.results',
        subjectType: 'scoring_round',
        subjectId: r.roundId,
        data: {
          policyVersion: r.policyVersion,
          totals: r.result.branches.map((b) => ({ branchId: b.branchId, total: b.totalText, stars: b.stars, class: b.class })),
          flags: r.flags.length,
        },
      });
    },

    async results(roundId) {
      const [r] = await db.select().from(scoringResults).where(eq(scoringResults.roundId, roundId));
      if (!r) return undefined;
      return { roundId: r.roundId, policyVersion: r.policyVersion, result: r.result as RoundResult, flags: r.flags as ScoringFlag[], computedAt: r.computedAt };
    },

    async markPublished(roundId, by, at) {
      const done = await db
        .update(scoringRounds)
        .set({ status: 'published', publishedAt: at, publishedBy: by })
        .where(and(eq(scoringRounds.id, roundId), eq(scoringRounds.status, 'closed')))
        .returning({ id: scoringRounds.id });
      if (done.length) await appendAudit(db, at, { actor: by, action: 'scoring.round.publish', subjectType: 'scoring_round', subjectId: roundId, data: {} });
      return done.length > 0;
    },

    async dueRounds(now) {
      const list = await db
        .select({ id: scoringRounds.id })
        .from(scoringRounds)
        .where(and(eq(scoringRounds.status, 'open'), sql`${scoringRounds.closesAt} <= ${now.toISOString()}::timestamptz`))
        .orderBy(asc(scoringRounds.id));
      return list.map((r) => r.id);
    },

    async reviewers() {
      return rows<{ personId: number; name: string }>(
        await db.execute(sql`
          select distinct p.id as "personId", p.name
          from people p
          join person_roles r on r.person_id = p.id
          join org_units u on u.id = p.unit_id
          where p.active and (r.role = 'admin' or (r.role = 'secretary' and u.kind = 'committee'))
          order by p.id`),
      );
    },

    async audit(entry) {
      await appendAudit(db, entry.at, entry);
    },
  };
  return store;
}
