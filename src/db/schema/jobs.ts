import { bigint, jsonb, pgEnum, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

export const jobRunStatus = pgEnum('job_run_status', ['running', 'succeeded', 'failed', 'skipped']);

/**
 * One row per (job, slot): the unique key is what makes N instances run each scheduled firing once
 * (node-cron's RunCoordinator asks us before every run). Manual runs get their own slot names.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    job: text('job').notNull(),
    slot: text('slot').notNull(),
    instance: text('instance').notNull(),
    status: jobRunStatus('status').notNull().default('running'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    result: jsonb('result'),
    error: text('error'),
  },
  (t) => [unique('job_runs_job_slot_key').on(t.job, t.slot)],
);
