import type { Card, CardBlock, CardItem, ItemState } from '../model.js';
import { callback, DEFAULT_SOURCE, makeCard } from './make-card.js';

export interface ReminderItemInput {
  readonly id: string;
  readonly title: string;
  readonly state: ItemState;
  readonly due: string;
  readonly assignee?: string;
}

export interface ReminderInput {
  readonly key: string;
  /** due soon / overdue go to the responsible person; escalation goes privately to the branch secretary. */
  readonly kind: 'due-soon' | 'overdue' | 'escalation';
  readonly items: readonly ReminderItemInput[];
  /** Branch name, used in escalations. */
  readonly branchName?: string;
  readonly detailUrl: string;
}

const REMINDER_TITLE = { 'due-soon': '任务即将到期', overdue: '任务已逾期', escalation: '支部逾期事项' } as const;

/** 责任落实提醒: due soon / overdue (with 完成 buttons) / private escalation to the secretary. */
export function buildReminderCard(input: ReminderInput): Card {
  const escalation = input.kind === 'escalation';
  const items: CardItem[] = input.items.map((it, i) => ({
    no: i + 1,
    title: it.title,
    state: it.state,
    detail: [escalation ? it.assignee : undefined, `截止 ${it.due}`].filter(Boolean).join(' · '),
    // The secretary is told, not asked to complete other people's work (PRODUCT §3: escalations are private).
    ...(escalation || it.state === 'done' ? {} : { action: callback('complete', '完成', `完成 ${i + 1}`, { item: it.id }) }),
  }));
  const first = input.items[0];
  const single = input.items.length === 1 && first !== undefined && !escalation;
  const blocks: CardBlock[] = [
    {
      type: 'text',
      text: escalation
        ? `${input.branchName ?? '本支部'}有 ${items.length} 项事项逾期，请督促落实。此提醒仅发给您本人。`
        : input.kind === 'overdue'
          ? `以下 ${items.length} 项已过截止时间，完成后请点“完成”或直接回复。`
          : `以下 ${items.length} 项即将到期，请合理安排时间。`,
    },
    { type: 'items', items, replyVerb: '完成' },
  ];
  return makeCard({
    kind: 'reminder',
    key: input.key,
    header: { title: REMINDER_TITLE[input.kind], ...(input.branchName ? { subtitle: input.branchName } : {}), source: DEFAULT_SOURCE },
    blocks,
    actions: single ? [callback('request-extension', '申请延期', '申请延期 1', { item: first.id }, 'secondary')] : [],
    link: { label: escalation ? '查看支部进度' : '查看事项详情', url: input.detailUrl },
  });
}

export interface OrgLifeReminderInput {
  readonly key: string;
  readonly meetingId: string;
  /** "三会一课" | "主题党日" | "组织生活会" … */
  readonly category: string;
  /** "支部委员会" */
  readonly meeting: string;
  readonly branchName: string;
  /** "11月25日（周二）14:30" */
  readonly when: string;
  readonly place?: string;
  readonly topic?: string;
  readonly detailUrl: string;
}

/** 组织生活提醒 (三会一课, 主题党日): when, where, topic; 已召开 records that the meeting took place. */
export function buildOrgLifeReminderCard(input: OrgLifeReminderInput): Card {
  return makeCard({
    kind: 'org-life-reminder',
    key: input.key,
    header: { title: `${input.category}提醒：${input.meeting}`, subtitle: input.branchName, source: DEFAULT_SOURCE },
    blocks: [
      {
        type: 'fields',
        fields: [
          { label: '时间', value: input.when },
          ...(input.place ? [{ label: '地点', value: input.place }] : []),
          ...(input.topic ? [{ label: '主题', value: input.topic }] : []),
        ],
      },
      { type: 'text', text: '会后请点“已召开”，并在详情页上传会议记录。' },
    ],
    actions: [callback('meeting-held', '已召开', `已召开 ${input.meeting}`, { meeting: input.meetingId })],
    link: { label: '查看与上传记录', url: input.detailUrl },
  });
}

export interface ExtensionRequestInput {
  readonly key: string;
  readonly requestId: string;
  /** Short reference a secretary can type ("Y3"). */
  readonly ref: string;
  readonly requesterName: string;
  readonly itemTitle: string;
  readonly currentDue: string;
  readonly requestedDue: string;
  readonly reason: string;
  readonly detailUrl: string;
}

/** 延期申请 to the secretary, with 同意 / 驳回. */
export function buildExtensionRequestCard(input: ExtensionRequestInput): Card {
  const payload = { request: input.requestId };
  return makeCard({
    kind: 'extension-request',
    key: input.key,
    header: { title: '延期申请', subtitle: `${input.requesterName} 申请延期`, source: DEFAULT_SOURCE },
    blocks: [
      {
        type: 'fields',
        fields: [
          { label: '事项', value: input.itemTitle },
          { label: '原截止', value: input.currentDue },
          { label: '申请延至', value: input.requestedDue },
        ],
      },
      { type: 'text', text: `理由：${input.reason}` },
    ],
    actions: [
      callback('approve-extension', '同意', `同意延期 ${input.ref}`, payload, 'primary'),
      callback('reject-extension', '驳回', `驳回延期 ${input.ref}`, payload, 'danger'),
    ],
    link: { label: '查看申请详情', url: input.detailUrl },
  });
}
