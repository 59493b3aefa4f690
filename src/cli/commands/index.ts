import type { CliCommand } from '../command.js';
import { calendarCommand } from './calendar.js';
import { createAdminTokenCommand } from './create-admin-token.js';
import { migrateCommand } from './migrate.js';

/** Every command of `npm run cli`; the order is the order of the help text. */
export const COMMANDS: CliCommand[] = [migrateCommand, createAdminTokenCommand, calendarCommand];
