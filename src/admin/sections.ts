/** The console's sections, in menu order. Each section's pages live in src/admin/pages/<key>/. */
export const ADMIN_SECTIONS = [
  { key: 'home', path: '/admin', label: '首页' },
  { key: 'org', path: '/admin/org', label: '组织' },
  { key: 'plans', path: '/admin/plans', label: '计划' },
  { key: 'topics', path: '/admin/topics', label: '每月主题' },
  { key: 'reminders', path: '/admin/reminders', label: '提醒' },
  { key: 'scoring', path: '/admin/scoring', label: '互观互检' },
  { key: 'reports', path: '/admin/reports', label: '报表' },
  { key: 'calendar', path: '/admin/calendar', label: '日历' },
] as const;

export type SectionKey = (typeof ADMIN_SECTIONS)[number]['key'];
