export * from './org.js';
export * from './calendar.js';
export * from './admin.js';
export * from './messaging.js';
export * from './jobs.js';
export * from './sandbox.js';
export * from './plans.js';
export * from './reminders.js';
