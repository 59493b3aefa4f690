import type { Card, CardBlock } from '../model.js';
import { callback, DEFAULT_SOURCE, makeCard } from './make-card.js';

export interface LeaderDigestInput {
  readonly key: string;
  /** "11月22日（周五）" */
  readonly date: string;
  /** Exceptions first: overdue, behind schedule, scoring not done — each one short sentence. */
  readonly exceptions: readonly string[];
  readonly summary: readonly { readonly label: string; readonly value: string }[];
  readonly detailUrl: string;
}

/** Leader daily digest: exceptions first, then the summary figures, link to the detail page with charts. */
export function buildLeaderDigestCard(input: LeaderDigestInput): Card {
  const n = input.exceptions.length;
  const blocks: CardBlock[] = [
    { type: 'emphasis', figure: String(n), label: n > 0 ? '项需关注' : '今日无异常' },
    ...(n > 0 ? [{ type: 'text' as const, text: input.exceptions.map((e) => `! ${e}`).join('\n') }] : []),
    ...(input.summary.length > 0 ? [{ type: 'fields' as const, fields: input.summary }] : []),
  ];
  return makeCard({
    kind: 'leader-digest',
    key: input.key,
    header: { title: `今日简报 ${input.date}`, source: DEFAULT_SOURCE },
    blocks,
    actions: [],
    link: { label: '查看详情与图表', url: input.detailUrl },
  });
}

export type HelpRole = 'member' | 'secretary' | 'leader' | 'admin';

const HELP_LINES: Readonly<Record<HelpRole, readonly string[]>> = {
  member: ['“我的任务”：查看待办清单', '“完成 2”或“1、3 已学完”：记录完成', '“第二项完成，心得：…”：完成并附心得', '“申请延期 2 理由”：申请延期', '“撤销”：撤销刚才的记录'],
  secretary: ['“支部进度”：查看本支部完成情况', '群里“@党建助手 开始互观互检 2026年第四季度”：发起互观互检', '“我的评分表”：获取评分表'],
  leader: ['“今日简报”：随时查看今日简报', '“简报无异常时不发”/“恢复每日简报”：设置无异常日是否发简报', '“管理后台”：获取只读的管理后台登录链接'],
  admin: ['“管理后台”：获取管理后台登录链接（组织、计划、主题、提醒、互观互检、报表）'],
};

export interface HelpInput {
  readonly key: string;
  readonly roles: readonly HelpRole[];
  readonly helpUrl: string;
}

/** Help: what a person can say, for each of their roles. */
export function buildHelpCard(input: HelpInput): Card {
  const roles: HelpRole[] = ['member', ...input.roles.filter((r) => r !== 'member')];
  // An admin who is also a leader gets one "管理后台" line (the admin's), not two.
  const lines = [...new Set(roles.flatMap((r) => HELP_LINES[r]).filter((l) => !(roles.includes('admin') && l.startsWith('“管理后台”：获取只读'))))];
  return makeCard({
    kind: 'help',
    key: input.key,
    header: { title: '党建助手使用说明', subtitle: '点按钮或直接回复文字都可以', source: '党建助手' },
    blocks: [{ type: 'text', text: lines.join('\n') }],
    actions: [callback('my-tasks', '查看我的任务', '我的任务', {}, 'primary')],
    link: { label: '查看完整说明', url: input.helpUrl },
  });
}
