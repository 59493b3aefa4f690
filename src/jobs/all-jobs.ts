import { dailyReminderJob } from './daily-reminder.js';
import type { Job } from './job.js';
import { leaderDigestJob } from './leader-digest.js';
import { monthlyTopicPushJob } from './monthly-topic-push.js';
import { scoringDeadlineJob } from './scoring-deadlines.js';

/** Every scheduled job of the product. Capabilities add theirs here (reminders, digests). */
export function allJobs(opts: { topicPushTime: string; reminderTime?: string; digestTime?: string }): Job[] {
  return [monthlyTopicPushJob(opts.topicPushTime), dailyReminderJob(opts.reminderTime ?? '08:30'), scoringDeadlineJob(), leaderDigestJob(opts.digestTime ?? '08:30')];
}
