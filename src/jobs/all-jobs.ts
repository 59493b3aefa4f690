import type { Job } from './job.js';
import { monthlyTopicPushJob } from './monthly-topic-push.js';

/** Every scheduled job of the product. Capabilities add theirs here (reminders, digests). */
export function allJobs(opts: { topicPushTime: string }): Job[] {
  return [monthlyTopicPushJob(opts.topicPushTime)];
}
