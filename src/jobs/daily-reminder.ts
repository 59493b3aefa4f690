import type { Database } from '../db/client.js';
import { adminIds, branchesWithPeople, openDeadlines } from '../db/repositories/reminders-due.js';
import { loadSettings, meetingsBetween } from '../db/repositories/reminders-store.js';
import type { Calendar } from '../domain/calendar.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import type { PlatformId } from '../domain/messaging/types.js';
import { stageWindow } from '../domain/reminders/deadline-stages.js';
import { addDays, localClock } from '../domain/reminders/days.js';
import type { Job } from './job.js';
import { reminderCandidates } from './reminder-candidates.js';
import { dayTable, planPushes, type PlannedPush } from './reminder-push-plan.js';

export interface ReminderDeps {
  database: Database;
  calendar: Calendar;
  timezone: string;
  links: LinkSigner;
  platforms: PlatformId[];
}

export interface ReminderRun {
  date: string;
  dryRun: boolean;
  candidates: number;
  enqueued: number;
  unreachable: number;
  byDecision: Record<string, number>;
  pushes: PlannedPush[];
}

/**
 * 双提醒 for one day: a handful of set-based queries (open deadlines, branches with their people, admins,
 * meetings, settings, push history), the pure rules, then planPushes. The preview is this same code with
 * `dryRun`, so what it prints is what the job would send.
 */
export async function runDailyReminders(deps: ReminderDeps, at: Date, opts: { dryRun?: boolean } = {}): Promise<ReminderRun> {
  const today = localClock(at, deps.timezone).date;
  // The widest window any branch's settings need; the calendar is asked before the transaction opens.
  const before = await loadSettings(deps.database.db);
  const windows = [before.forUnit(null), ...[...before.branches.keys()].map((id) => before.forUnit(id))].map((s) => stageWindow(today, s));
  const from = addDays(today, Math.min(...windows.map((w) => w.from)));
  const to = addDays(today, Math.max(...windows.map((w) => w.to)));
  const isWorkday = await dayTable(deps.calendar, from, addDays(to, 40));
  return deps.database.db.transaction(async (tx) => {
    const book = await loadSettings(tx);
    const [deadlines, branches, admins, meetings] = [
      await openDeadlines(tx, from, to),
      await branchesWithPeople(tx),
      await adminIds(tx),
      await meetingsBetween(tx, `${Number(today.slice(0, 4)) - 1}-01-01`, addDays(today, 60)),
    ];
    const requests = reminderCandidates({ today, deadlines, branches, admins, meetings, book, isWorkday, links: deps.links });
    const plan = await planPushes(tx, requests, { now: at, timezone: deps.timezone, isWorkday, platforms: deps.platforms, links: deps.links, dryRun: opts.dryRun ?? false });
    const byDecision: Record<string, number> = {};
    for (const p of plan.planned) byDecision[p.decision.action] = (byDecision[p.decision.action] ?? 0) + 1;
    return { date: today, dryRun: opts.dryRun ?? false, candidates: requests.length, enqueued: plan.enqueued, unreachable: plan.unreachable, byDecision, pushes: plan.planned };
  });
}

/** Daily on working days at the configured time (default 08:30, after the quiet hours end). */
export function dailyReminderJob(time = '08:30'): Job {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return {
    name: 'daily-reminders',
    cron: `${m} ${h} * * *`,
    description: '双提醒：任务到期/逾期提醒、逾期私下提醒支部书记与机关党委、组织生活提醒（每个工作日）',
    workdaysOnly: true,
    async run(deps, at) {
      const res = await runDailyReminders(deps, at);
      // The job record keeps the counts, not the list of people.
      return { date: res.date, candidates: res.candidates, enqueued: res.enqueued, unreachable: res.unreachable, byDecision: res.byDecision };
    },
  };
}
