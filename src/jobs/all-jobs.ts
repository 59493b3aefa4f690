import type { Job } from './job.js';

/** Every scheduled job of the product. Capabilities add theirs here (the monthly topic push, reminders, digests). */
export const ALL_JOBS: Job[] = [];
