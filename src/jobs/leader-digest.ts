import type { Database } from '../db/client.js';
import { digestStore } from '../db/repositories/digest-store.js';
import { activeRecipients } from '../db/repositories/recipients.js';
import { localDate, type Calendar } from '../domain/calendar.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import { digestCard, figuresForViewers } from '../domain/digest/compute.js';
import { dueSoonUntil } from '../domain/digest/scope.js';
import type { PlatformId } from '../domain/messaging/types.js';
import { addDays } from '../domain/reminders/days.js';
import { enqueueMessages, type EnqueueInput } from '../outbox/enqueue.js';
import type { Job } from './job.js';
import { dayTable } from './reminder-push-plan.js';

export interface DigestDeps {
  database: Database;
  calendar: Calendar;
  timezone: string;
  links: LinkSigner;
  platforms: PlatformId[];
}

export interface DigestRun {
  date: string;
  leaders: number;
  /** Cards enqueued by this run (0 on a re-run: the keys are per leader and day). */
  enqueued: number;
  quiet: number;
  /** Quiet days of leaders who asked for no card then. */
  skippedQuiet: number;
  unreachable: number;
}

/**
 * The leaders' digest for one day: the figures of every leader's scope from one set-based computation, each
 * leader's card (or none: a quiet day and they opted out) into the outbox under `digest:<date>:<person>`, so
 * running it again sends nothing twice, and each leader's figures stored as the day's snapshot.
 */
export async function runLeaderDigest(deps: DigestDeps, at: Date): Promise<DigestRun> {
  const date = localDate(at, deps.timezone);
  // The calendar is read before the transaction (on PGlite its own connection would wait for ours).
  const isWorkday = await dayTable(deps.calendar, date, addDays(date, 20));
  const until = dueSoonUntil(date, isWorkday);
  const db = deps.database.db;
  const reader = digestStore(db, { timezone: deps.timezone });
  const leaders = await reader.leaders();
  if (leaders.length === 0) return { date, leaders: 0, enqueued: 0, quiet: 0, skippedQuiet: 0, unreachable: 0 };
  const figures = await figuresForViewers(reader, leaders.map((l) => ({ personId: l.personId, scope: l.scopeUnitIds })), { date, dueSoonUntil: until, now: at });

  return db.transaction(async (tx) => {
    const store = digestStore(tx, { timezone: deps.timezone });
    const previous = await store.previous(leaders.map((l) => l.personId), date);
    const recipients = await activeRecipients(tx, deps.platforms);
    const messages: EnqueueInput[] = [];
    let quiet = 0;
    let skippedQuiet = 0;
    let unreachable = 0;
    for (const leader of leaders) {
      const key = `digest:${date}:${leader.personId}`;
      const f = figures.get(leader.personId)!;
      const { content, card } = digestCard({
        key, figures: f, previous: previous.get(leader.personId), timezone: deps.timezone,
        detailUrl: deps.links.digest(leader.personId, date), skipQuietDays: leader.skipQuietDays,
        // The image shows the figures stored below as the day's snapshot (src/h5/digest/chart-image.ts); null → text only.
        chartUrl: deps.links.digestChart(leader.personId, date),
      });
      if (content.quiet) quiet++;
      if (!card) {
        skippedQuiet++;
        continue;
      }
      const to = recipients.get(leader.personId);
      if (!to) {
        unreachable++;
        continue;
      }
      messages.push({ platform: to.platform, recipientKind: 'person', recipient: to.id, personId: leader.personId, message: { type: 'card', card }, idempotencyKey: key, notBefore: at });
    }
    await store.saveSnapshots([...figures].map(([personId, f]) => ({ personId, figures: f })), at);
    const enqueued = await enqueueMessages(tx, messages, at);
    return { date, leaders: leaders.length, enqueued, quiet, skippedQuiet, unreachable };
  });
}

/** Working days at DIGEST_TIME (default 08:30, business time zone). */
export function leaderDigestJob(time = '08:30'): Job {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return {
    name: 'leader-digest',
    cron: `${m} ${h} * * *`,
    description: '领导每日简报：逾期、即将到期、组织生活、互观互检，各支部本月完成情况（每个工作日）',
    workdaysOnly: true,
    run: (deps, at) => runLeaderDigest(deps, at),
  };
}
