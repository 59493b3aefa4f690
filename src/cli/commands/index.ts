import type { CliCommand } from '../command.js';
import { adminLinkCommand } from './admin-link.js';
import { calendarCommand } from './calendar.js';
import { createAdminTokenCommand } from './create-admin-token.js';
import { importOrgCommand } from './import-org.js';
import { importPlanCommand } from './import-plan.js';
import { migrateCommand } from './migrate.js';
import { parseReplyCommand } from './parse-reply.js';
import { runJobCommand } from './run-job.js';
import { seedDemoCommand } from './seed-demo.js';
import { topicCommand } from './topic.js';
import { remindersCommand } from './reminders.js';
import { syncOrgCommand } from './sync-org.js';
import { burdenReportCommand } from './burden-report.js';
import { scoringCommand } from './scoring.js';
import { reportCommand } from './report.js';

/** Every command of `npm run cli`; the order is the order of the help text. */
export const COMMANDS: CliCommand[] = [
  migrateCommand,
  importOrgCommand,
  seedDemoCommand,
  importPlanCommand,
  syncOrgCommand,
  createAdminTokenCommand,
  adminLinkCommand,
  topicCommand,
  calendarCommand,
  remindersCommand,
  burdenReportCommand,
  scoringCommand,
  reportCommand,
  runJobCommand,
  parseReplyCommand,
];
