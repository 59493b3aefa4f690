import type { Card } from '../../../cards/model.js';
import {
  buildChecklistCard, buildCompletionCard, buildExtensionRequestCard, buildHelpCard, buildLeaderDigestCard,
  buildMonthlyTopicCard, buildOrgLifeReminderCard, buildReminderCard, buildScoringResultsCard, buildScoringRoundCard,
  buildScoringSheetCard,
} from '../../../cards/index.js';

export const H5 = 'https://dj.example.gov.cn/h5';

export const topic = (): Card => buildMonthlyTopicCard({
  key: 'topic:2025-11:u-zhangsan',
  month: '2025年11月',
  title: '学习贯彻党的二十届四中全会精神',
  summary: '本月集中学习全会公报，各支部结合实际开展研讨。',
  materials: [
    { title: '全会公报', url: `${H5}/m/1` },
    { title: '学习辅导', url: `${H5}/m/2` },
  ],
  required: [
    { id: 'r1', title: '学习全会公报', done: true },
    { id: 'r2', title: '观看专题党课', done: false },
  ],
  detailUrl: `${H5}/topic/2025-11`,
});

export const checklist = (n: number): Card => buildChecklistCard({
  key: `checklist:u-zhangsan:${n}`,
  scope: 'person',
  ownerName: '张三',
  items: Array.from({ length: n }, (_, i) => ({
    id: `t${i + 1}`, title: `任务${i + 1}`, state: i === 0 ? 'overdue' as const : 'open' as const, due: '11-30',
  })),
  detailUrl: `${H5}/list/u-zhangsan`,
});

export const completion = (): Card => buildCompletionCard({
  key: 'done:rec-9', recordId: 'rec-9', itemTitle: '观看专题党课', completedAt: new Date('2025-11-22T01:31:00Z'),
  evidence: '深受教育', via: '按钮', detailUrl: `${H5}/list/u-zhangsan`,
});

export const reminder = (kind: 'due-soon' | 'overdue' | 'escalation'): Card => buildReminderCard({
  key: `remind:${kind}:1`, kind, branchName: '第一党支部',
  items: [{ id: 't1', title: '撰写学习心得', state: kind === 'due-soon' ? 'open' : 'overdue', due: '11-20', assignee: '李四' }],
  detailUrl: `${H5}/item/t1`,
});

export const orgLife = (): Card => buildOrgLifeReminderCard({
  key: 'orglife:m-11', meetingId: 'm-11', category: '三会一课', meeting: '支部委员会', branchName: '第一党支部',
  when: '11月25日（周二）14:30', place: '3楼会议室', topic: '研究年度考核', detailUrl: `${H5}/meeting/m-11`,
});

export const extension = (): Card => buildExtensionRequestCard({
  key: 'ext:req-3', requestId: 'req-3', ref: 'Y3', requesterName: '李四', itemTitle: '撰写学习心得',
  currentDue: '11-20', requestedDue: '11-27', reason: '外出培训一周', detailUrl: `${H5}/ext/req-3`,
});

export const scoringRound = (): Card => buildScoringRoundCard({
  key: 'round:2026q4:announce', roundId: '2026q4', roundName: '2026年第四季度', window: '11-24 至 11-28',
  branches: ['第一党支部', '第二党支部', '第三党支部'], submitted: 5, total: 12, progressUrl: `${H5}/round/2026q4`,
});

export const scoringSheet = (targets: number): Card => buildScoringSheetCard({
  key: `sheet:2026q4:u-wang:${targets}`, roundId: '2026q4', roundName: '2026年第四季度', deadline: '11-28 18:00',
  targets: Array.from({ length: targets }, (_, i) => ({ branchId: `b${i + 2}`, branchName: `第${i + 2}支部` })),
  formUrl: `${H5}/score/2026q4`,
});

export const results = (): Card => buildScoringResultsCard({
  key: 'results:2026q4', roundName: '2026年第四季度',
  results: [
    { branchName: '第一党支部', stars: 5, level: '先进' },
    { branchName: '第二党支部', stars: 3, level: '中间' },
    { branchName: '第三党支部', stars: 2, level: '后进' },
  ],
  reportUrl: `${H5}/report/2026q4`,
});

export const digest = (exceptions: string[]): Card => buildLeaderDigestCard({
  key: `digest:2025-11-22:${exceptions.length}`, date: '11月22日（周六）', exceptions,
  summary: [{ label: '完成率', value: '82%' }, { label: '逾期', value: '3' }], detailUrl: `${H5}/digest/2025-11-22`,
});

export const help = (): Card => buildHelpCard({ key: 'help:u-zhangsan', roles: ['secretary'], helpUrl: `${H5}/help` });

/** Every card the product sends, in representative shapes (0/1/many items included). */
export const ALL_CARDS: readonly [string, () => Card][] = [
  ['monthly topic', topic],
  ['checklist (0 items)', () => checklist(0)],
  ['checklist (1 item)', () => checklist(1)],
  ['checklist (12 items)', () => checklist(12)],
  ['completion', completion],
  ['reminder due soon', () => reminder('due-soon')],
  ['reminder overdue', () => reminder('overdue')],
  ['reminder escalation', () => reminder('escalation')],
  ['org-life reminder', orgLife],
  ['extension request', extension],
  ['scoring round', scoringRound],
  ['scoring sheet (1 branch)', () => scoringSheet(1)],
  ['scoring sheet (11 branches)', () => scoringSheet(11)],
  ['scoring results', results],
  ['leader digest (exceptions)', () => digest(['第二党支部 3 项逾期', '互观互检 4 人未评分'])],
  ['leader digest (none)', () => digest([])],
  ['help', help],
];
