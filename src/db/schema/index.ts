export * from './org.js';
export * from './calendar.js';
export * from './admin.js';
