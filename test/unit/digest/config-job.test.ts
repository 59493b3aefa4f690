import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/errors.js';
import { allJobs } from '../../../src/jobs/all-jobs.js';

describe('DIGEST_TIME and the leader-digest job', () => {
  it('defaults to 08:30 and takes HH:mm', () => {
    expect(loadConfig({}).digestTime).toBe('08:30');
    expect(loadConfig({ DIGEST_TIME: '07:45' }).digestTime).toBe('07:45');
  });

  it('refuses anything else, naming the variable and not echoing the value', () => {
    for (const bad of ['8:30', '24:00', '08:60', 'morning']) {
      try {
        loadConfig({ DIGEST_TIME: bad });
        expect.unreachable(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const problems = (e as ConfigError).problems;
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^DIGEST_TIME: must be a time HH:mm/);
        expect(problems[0]).toContain(`(got a value of ${bad.length} characters)`);
      }
    }
  });

  it('schedules the digest on working days at that time', () => {
    const job = allJobs(loadConfig({ DIGEST_TIME: '07:45' })).find((j) => j.name === 'leader-digest');
    expect(job).toMatchObject({ cron: '45 7 * * *', workdaysOnly: true });
    expect(allJobs({ topicPushTime: '09:00' }).find((j) => j.name === 'leader-digest')?.cron).toBe('30 8 * * *');
  });
});
