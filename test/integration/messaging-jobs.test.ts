import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarOverrideStore } from '../../src/db/repositories/calendar.js';
import { jobRuns } from '../../src/db/schema/index.js';
import { createCalendar } from '../../src/domain/calendar.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Job, JobDeps } from '../../src/jobs/job.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { quietLogger } from '../support/messaging.js';

describe(`job runner: one run per slot across instances (${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestDatabase;
  let deps: JobDeps;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  const runs = new Map<string, Date[]>();
  const counting = (name: string, extra: Partial<Job> = {}): Job => ({
    name,
    cron: '0 9 * * *',
    description: name,
    async run(_deps, at) {
      runs.set(name, [...(runs.get(name) ?? []), at]);
      // Yield to the other instance while "working", so both firings really overlap.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return { sent: 3 };
    },
    ...extra,
  });
  const rowsOf = (job: string) => t.database.db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(jobRuns.id);

  beforeAll(async () => {
    t = await createTestDatabase();
    deps = {
      database: t.database,
      clock,
      calendar: createCalendar('Asia/Shanghai', calendarOverrideStore(t.database.db)),
      logger: quietLogger(),
      publicBaseUrl: 'http://localhost:3000',
      timezone: 'Asia/Shanghai',
      // The jobs here build no links; a plain fake of the port is enough.
      links: { checklist: (p) => `/h5/checklist/${p}`, topic: (p, m) => `/h5/topic/${m}/${p}`, extension: (p, e) => `/h5/extension/${e}/${p}`, help: () => '/h5/help',
        scoringSheets: (p, r) => `/h5/scoring/sheets/${r}/${p}`, scoringReport: (p, r) => `/h5/scoring/report/${r}/${p}`, scoringProgress: (p, r) => `/h5/scoring/progress/${r}/${p}`,
        digest: (p, d) => `/h5/digest/${d}/${p}`, digestChart: () => null, adminSignIn: (p) => `/admin/signin/${p}`, yearReport: (p, k, y) => `/h5/reports/year/${k}/${y}/${p}` },
      platforms: ['sandbox'],
      topicPushTime: '09:00',
    };
  });
  afterAll(async () => t.drop());

  it('two instances firing the same slot at once: one runs it, the other finds the slot taken', async () => {
    const jobs = [counting('morning-push')];
    const a = new JobRunner(deps, jobs, 'instance-a');
    const b = new JobRunner(deps, jobs, 'instance-b');
    // 09:00 Shanghai on a Monday; the seconds differ, as two hosts' timers would.
    const [ra, rb] = await Promise.all([a.fire('morning-push', new Date('2026-11-23T01:00:00.120Z')), b.fire('morning-push', new Date('2026-11-23T01:00:00.870Z'))]);

    const outcomes = [ra, rb].sort((x, y) => Number(y.ran) - Number(x.ran));
    expect(outcomes).toEqual([
      { ran: true, status: 'succeeded', slot: '2026-11-23T01:00:00.000Z', result: { sent: 3 } },
      { ran: false, reason: 'slot-taken', slot: '2026-11-23T01:00:00.000Z' },
    ]);
    expect(runs.get('morning-push')).toHaveLength(1);
    const rows = await rowsOf('morning-push');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ slot: '2026-11-23T01:00:00.000Z', status: 'succeeded', result: { sent: 3 }, error: null });
    expect(['instance-a', 'instance-b']).toContain(rows[0]!.instance);
    expect(rows[0]!.finishedAt).toEqual(clock.now());

    // The next day's slot is a new slot.
    expect(await b.fire('morning-push', new Date('2026-11-24T01:00:00Z'))).toMatchObject({ ran: true, status: 'succeeded' });
    expect(await rowsOf('morning-push')).toHaveLength(2);
  });

  it('skips a workdays-only job on National Day (Asia/Shanghai) and records it', async () => {
    const runner = new JobRunner(deps, [counting('reminder', { workdaysOnly: true })], 'instance-a');
    const outcome = await runner.fire('reminder', new Date('2026-10-01T01:00:00Z'));
    expect(outcome).toEqual({ ran: false, reason: 'rest-day', slot: '2026-10-01T01:00:00.000Z' });
    expect(runs.get('reminder')).toBeUndefined();
    const rows = await rowsOf('reminder');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'skipped', result: { reason: 'rest-day' } });
    // A second instance does not get to run it either.
    expect(await new JobRunner(deps, [counting('reminder', { workdaysOnly: true })], 'instance-b').fire('reminder', new Date('2026-10-01T01:00:30Z'))).toEqual({
      ran: false,
      reason: 'slot-taken',
      slot: '2026-10-01T01:00:00.000Z',
    });
    // 2026-10-10 is a 调休 Saturday: a working day, so it runs.
    expect(await runner.fire('reminder', new Date('2026-10-10T01:00:00Z'))).toMatchObject({ ran: true, status: 'succeeded' });
  });

  it('records a failing job as failed with the error', async () => {
    const failing: Job = { name: 'digest', cron: '0 17 * * 5', description: 'digest', run: async () => Promise.reject(new Error('汇总查询超时')) };
    const runner = new JobRunner(deps, [failing], 'instance-a');
    const outcome = await runner.fire('digest', new Date('2026-11-27T09:00:00Z'));
    expect(outcome).toEqual({ ran: true, status: 'failed', slot: '2026-11-27T09:00:00.000Z', error: '汇总查询超时' });
    const rows = await rowsOf('digest');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'failed', error: '汇总查询超时', result: null });
    expect(rows[0]!.finishedAt).not.toBeNull();
  });

  it('gives a manual run a slot of its own, even at the minute the schedule already ran', async () => {
    const runner = new JobRunner(deps, [counting('manual-push', { workdaysOnly: true })], 'instance-a');
    const at = new Date('2026-10-01T01:00:00Z'); // a holiday, but a manual run is what an administrator asked for
    const scheduled = await runner.fire('manual-push', at);
    expect(scheduled).toMatchObject({ ran: false, reason: 'rest-day' });
    const m1 = await runner.fire('manual-push', at, { manual: true });
    const m2 = await runner.fire('manual-push', at, { manual: true });
    expect(m1).toMatchObject({ ran: true, status: 'succeeded' });
    expect(m2).toMatchObject({ ran: true, status: 'succeeded' });
    expect(m1.slot).toMatch(/^manual:/);
    expect(new Set([scheduled.slot, m1.slot, m2.slot]).size).toBe(3);
    expect(runs.get('manual-push')).toHaveLength(2);
    expect((await rowsOf('manual-push')).map((r) => r.status)).toEqual(['skipped', 'succeeded', 'succeeded']);
  });

  it('names an unknown job and the available ones', async () => {
    const runner = new JobRunner(deps, [counting('x')], 'instance-a');
    await expect(runner.fire('nope', clock.now())).rejects.toThrow(/nope.*x/);
  });
});
