import type { Database } from '../db/client.js';
import { scoringStore } from '../db/repositories/scoring-store.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import { closedNoticeCard, closeRound, publishRound, reviewCards, type LifecyclePorts } from '../domain/scoring/round-lifecycle.js';
import { directSender } from '../outbox/direct-sender.js';
import type { Job } from './job.js';

export interface ScoringDeadlineDeps {
  database: Database;
  links: LinkSigner;
  timezone: string;
}

export interface ScoringDeadlineRun {
  closed: { roundId: number; title: string; submitted: number; expected: number }[];
}

/**
 * Closes every open round whose deadline has passed — each in its own transaction, with the same results,
 * audit entries and cards as "结束互观互检" in the group. A round someone closed meanwhile is skipped.
 */
export async function closeDueRounds(deps: ScoringDeadlineDeps, now: Date, by = 'deadline'): Promise<ScoringDeadlineRun> {
  const due = await scoringStore(deps.database.db).dueRounds(now);
  const closed: ScoringDeadlineRun['closed'] = [];
  for (const roundId of due) {
    const done = await closeOne(deps, roundId, now, by);
    if (done) closed.push(done);
  }
  return { closed };
}

/** Closes one round now (deadline job, CLI); null when it was not open. */
export async function closeOne(deps: ScoringDeadlineDeps, roundId: number, now: Date, by: string): Promise<ScoringDeadlineRun['closed'][number] | null> {
  return deps.database.db.transaction(async (tx) => {
    const p: LifecyclePorts = { store: scoringStore(tx), links: deps.links, timezone: deps.timezone, now };
    const res = await closeRound(p, roundId, by);
    if (!res) return null;
    const { round, computed } = res;
    const send = directSender(tx, () => now);
    const why = by === 'deadline' ? '已到评分截止时间' : '评分已结束';
    if (round.chatExternalId !== null && send.canPostToChat(round.platform)) await send.toChat(round.platform, round.chatExternalId, closedNoticeCard(p, round, computed, why));
    for (const r of await reviewCards(p, round, computed)) await send.toPerson(round.platform, r.personId, r.card);
    return { roundId, title: round.title, submitted: computed.submitted, expected: computed.expected };
  });
}

/**
 * Publishes a closed round from outside any chat (CLI, admin API): branch reports privately, the results card to
 * the group where the platform lets the bot post unprompted. `postedToChat` false = someone must say
 * "互观互检结果" in the group (WeCom). Null when the round was not closed.
 */
export async function publishOne(deps: ScoringDeadlineDeps, roundId: number, now: Date, by: string): Promise<{ title: string; reports: number; postedToChat: boolean } | null> {
  return deps.database.db.transaction(async (tx) => {
    const p: LifecyclePorts = { store: scoringStore(tx), links: deps.links, timezone: deps.timezone, now };
    const done = await publishRound(p, roundId, by);
    if (!done) return null;
    const send = directSender(tx, () => now);
    let reports = 0;
    for (const r of done.reports) if (await send.toPerson(done.round.platform, r.personId, r.card)) reports++;
    const postedToChat = done.round.chatExternalId !== null && send.canPostToChat(done.round.platform);
    if (postedToChat) await send.toChat(done.round.platform, done.round.chatExternalId!, done.group);
    return { title: done.round.title, reports, postedToChat };
  });
}

export function scoringDeadlineJob(): Job {
  return {
    name: 'scoring-deadlines',
    // Every ten minutes: a round closes at most ten minutes after its deadline; sheets are refused from the deadline on.
    cron: '*/10 * * * *',
    description: '互观互检到截止时间自动结束评分、计算结果并通知机关党委审核',
    run: (deps, now) => closeDueRounds(deps, now),
  };
}
