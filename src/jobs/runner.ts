import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import cron, { type ScheduledTask } from 'node-cron';
import { jobRuns } from '../db/schema/index.js';
import { NotFoundError } from '../errors.js';
import type { Job, JobDeps } from './job.js';

export type FireOutcome =
  | { ran: true; status: 'succeeded' | 'failed'; slot: string; result?: unknown; error?: string }
  | { ran: false; reason: 'slot-taken' | 'rest-day'; slot: string };

/**
 * Runs scheduled jobs. node-cron fires in the business time zone; before running, each firing claims the row
 * UNIQUE(job, slot) in job_runs — the equivalent of node-cron's RunCoordinator, but in our own database — so
 * of N instances exactly one runs each slot, and every outcome is recorded.
 */
export class JobRunner {
  private tasks: ScheduledTask[] = [];
  readonly instance: string;

  constructor(
    private readonly deps: JobDeps,
    private readonly jobs: Job[],
    instance?: string,
  ) {
    this.instance = instance ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  start(): void {
    for (const job of this.jobs) {
      const task = cron.schedule(
        job.cron,
        async (ctx) => {
          await this.fire(job.name, ctx.date);
        },
        { name: job.name, timezone: this.deps.timezone, noOverlap: true },
      );
      this.tasks.push(task);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.destroy()));
    this.tasks = [];
  }

  job(name: string): Job {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new NotFoundError(`没有名为 ${name} 的定时任务；可用：${this.jobs.map((j) => j.name).join('、') || '（无）'}`);
    return job;
  }

  /**
   * One firing. `at` is the scheduled time (the slot is that minute); a manual run passes `manual: true` and
   * gets a slot of its own, so it never blocks or is blocked by the schedule.
   */
  async fire(name: string, at: Date, opts: { manual?: boolean } = {}): Promise<FireOutcome> {
    const job = this.job(name);
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
    const slot = opts.manual ? `manual:${this.deps.clock.now().toISOString()}:${randomUUID().slice(0, 8)}` : minute;
    const db = this.deps.database.db;
    const startedAt = this.deps.clock.now();
    const [claimed] = await db
      .insert(jobRuns)
      .values({ job: name, slot, instance: this.instance, startedAt })
      .onConflictDoNothing({ target: [jobRuns.job, jobRuns.slot] })
      .returning({ id: jobRuns.id });
    if (!claimed) return { ran: false, reason: 'slot-taken', slot };

    const log = this.deps.logger.child({ job: name, slot });
    if (job.workdaysOnly && !opts.manual && !(await this.deps.calendar.isWorkday(at))) {
      await db.update(jobRuns).set({ status: 'skipped', finishedAt: this.deps.clock.now(), result: { reason: 'rest-day' } }).where(eq(jobRuns.id, claimed.id));
      log.info('skipped: rest day');
      return { ran: false, reason: 'rest-day', slot };
    }
    try {
      const result = (await job.run(this.deps, at)) ?? null;
      await db.update(jobRuns).set({ status: 'succeeded', finishedAt: this.deps.clock.now(), result }).where(and(eq(jobRuns.id, claimed.id)));
      log.info({ result }, 'job succeeded');
      return { ran: true, status: 'succeeded', slot, result };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      await db.update(jobRuns).set({ status: 'failed', finishedAt: this.deps.clock.now(), error: error.slice(0, 2000) }).where(eq(jobRuns.id, claimed.id));
      log.error({ err }, 'job failed');
      return { ran: true, status: 'failed', slot, error };
    }
  }
}
