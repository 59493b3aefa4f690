import { buildOrgLifeReminderCard, buildReminderCard, type ReminderItemInput } from '../../cards/builders/reminders.js';
import { makeCard, DEFAULT_SOURCE } from '../../cards/builders/make-card.js';
import type { BranchInfo, OpenDeadline } from '../db/repositories/reminders-due.js';
import type { MeetingRow, SettingsBook } from '../db/repositories/reminders-store.js';
import type { LinkSigner } from '../domain/conversation/ports.js';
import { cadenceRemindersOn, heldIn, periodOf, themeDayOf, themeNoticeDay } from '../domain/reminders/cadence.js';
import { deadlineStage, type DeadlineStage } from '../domain/reminders/deadline-stages.js';
import { addDays, workdaysBetween, type IsWorkday } from '../domain/reminders/days.js';
import { MEETING_NAMES } from '../domain/reminders/settings.js';
import type { PushRequest } from './reminder-push-plan.js';

export interface CandidateInput {
  today: string;
  deadlines: OpenDeadline[];
  branches: BranchInfo[];
  admins: number[];
  meetings: MeetingRow[];
  book: SettingsBook;
  isWorkday: IsWorkday;
  links: LinkSigner;
}

const short = (d: string): string => d.slice(5);
const PRIORITY = { escalation: 0, escalation_admin: 0, overdue: 1, due_today: 2, due_soon: 3, cadence: 3, theme_day: 5 } as const;

/** Everything the daily job would push today, before the push policy; pure apart from building cards. */
export function reminderCandidates(input: CandidateInput): PushRequest[] {
  return [...deadlineCandidates(input), ...cadenceCandidates(input)];
}

function deadlineCandidates({ today, deadlines, branches, admins, book, isWorkday, links }: CandidateInput): PushRequest[] {
  const out: PushRequest[] = [];
  const secretaries = new Map(branches.map((b) => [b.id, b.secretaryIds]));
  // Per recipient and card: one "即将到期" card with all items due soon, one "已逾期" card.
  const cards = new Map<string, { personId: number; kind: 'due_soon' | 'due_today' | 'overdue'; items: OpenDeadline[] }>();
  const escalate = new Map<number, { hit: boolean; hitAdmin: boolean; items: OpenDeadline[] }>();
  for (const d of deadlines) {
    const s = book.forUnit(d.branchId);
    const stage = deadlineStage(d.due, today, s, isWorkday);
    const overdue = d.due < today ? workdaysBetween(isWorkday, d.due, today) : 0;
    if (d.branchId !== null && overdue >= s.escalateSecretaryAfter) {
      const e = escalate.get(d.branchId) ?? escalate.set(d.branchId, { hit: false, hitAdmin: false, items: [] }).get(d.branchId)!;
      e.items.push(d);
      e.hit ||= stage?.kind === 'escalation';
      e.hitAdmin ||= stage?.kind === 'escalation_admin';
    }
    if (!stage || stage.kind === 'escalation' || stage.kind === 'escalation_admin') continue;
    const to = d.personId !== null ? [d.personId] : (secretaries.get(d.branchId ?? -1) ?? []);
    for (const personId of to) {
      const k = `${personId}|${stage.kind}`;
      (cards.get(k) ?? cards.set(k, { personId, kind: stage.kind, items: [] }).get(k)!).items.push(d);
    }
  }
  for (const { personId, kind, items } of cards.values()) {
    const ids = items.map((i) => i.assignmentId).sort((a, b) => a - b);
    const itemKey = `${kind}:${ids.join(',')}`;
    const card = buildReminderCard({
      key: `reminder:${today}:${personId}:${itemKey}`, kind: kind === 'overdue' ? 'overdue' : 'due-soon',
      items: items.map((i) => item(i, kind === 'overdue' ? 'overdue' : 'open')), detailUrl: links.checklist(personId),
    });
    const label = kind === 'overdue' ? '已逾期' : kind === 'due_today' ? '今天截止' : '即将到期';
    out.push({ personId, itemKey, kind, class: 'reminder', priority: PRIORITY[kind], mergeable: true, card, assignmentIds: ids, mergeLine: `${label}：${items.map((i) => `${title(i)}（${short(i.due)}）`).join('；')}` });
  }
  const branchName = new Map(branches.map((b) => [b.id, b.name]));
  for (const [branchId, e] of escalate) {
    const ids = e.items.map((i) => i.assignmentId).sort((a, b) => a - b);
    const name = branchName.get(branchId) ?? '';
    const push = (personId: number, kind: 'escalation' | 'escalation_admin'): void => {
      const itemKey = `${kind}:${branchId}:${ids.join(',')}`;
      const card = buildReminderCard({ key: `reminder:${today}:${personId}:${itemKey}`, kind: 'escalation', branchName: name, items: e.items.map((i) => item(i, 'overdue')), detailUrl: links.checklist(personId) });
      out.push({ personId, itemKey, kind, class: 'urgent', priority: 0, mergeable: false, card, assignmentIds: ids, mergeLine: `${name} 有 ${ids.length} 项逾期` });
    };
    if (e.hit) for (const p of secretaries.get(branchId) ?? []) push(p, 'escalation');
    if (e.hitAdmin) for (const p of admins) push(p, 'escalation_admin');
  }
  return out;
}

const title = (i: OpenDeadline): string => (i.branchLevel ? `【支部】${i.title}` : i.title);
const item = (i: OpenDeadline, state: 'open' | 'overdue'): ReminderItemInput => ({
  id: String(i.assignmentId), title: title(i), state, due: short(i.due), ...(i.personName ? { assignee: i.personName } : { assignee: '支部' }),
});

function cadenceCandidates({ today, branches, meetings, book, isWorkday, links }: CandidateInput): PushRequest[] {
  const out: PushRequest[] = [];
  for (const b of branches) {
    const s = book.forUnit(b.id);
    const held = (kind: string, from: string, to: string): boolean => meetings.some((m) => m.unitId === b.id && m.kind === kind && m.heldOn >= from && m.heldOn <= to);
    for (const due of cadenceRemindersOn(today, s, isWorkday, { hasGroups: b.hasGroups })) {
      if (meetings.some((m) => m.unitId === b.id && m.kind === due.kind && heldIn(due.period, m.heldOn))) continue;
      const itemKey = `cadence:${b.id}:${due.kind}:${due.period.key}`;
      const meeting = MEETING_NAMES[due.kind];
      for (const personId of b.secretaryIds) {
        const card = buildOrgLifeReminderCard({
          key: `reminder:${today}:${personId}:${itemKey}`, meetingId: due.kind, category: ['life_meeting', 'appraisal'].includes(due.kind) ? '组织生活' : '三会一课',
          meeting, branchName: b.name, when: `${periodLabel(due.period.key)}内，${short(due.period.end)} 前尚未登记`, detailUrl: links.checklist(personId),
        });
        out.push({ personId, itemKey, kind: 'cadence', class: 'reminder', priority: PRIORITY.cadence, mergeable: true, card, assignmentIds: [], mergeLine: `${meeting}：${periodLabel(due.period.key)}尚未登记召开` });
      }
    }
    if (s.cadence.theme_day === 'off') continue;
    // The notice day can fall in the month before the 主题党日 (a theme day on the 1st).
    for (const month of [today.slice(0, 7), addDays(`${today.slice(0, 7)}-28`, 7).slice(0, 7)]) {
      if (themeNoticeDay(month, s, isWorkday) !== today) continue;
      const period = periodOf('monthly', `${month}-01`);
      if (held('theme_day', period.start, period.end)) continue;
      const day = themeDayOf(month, s, isWorkday);
      const itemKey = `theme_day:${b.id}:${month}`;
      for (const personId of b.memberIds) {
        out.push({ personId, itemKey, kind: 'theme_day', class: 'reminder', priority: PRIORITY.theme_day, mergeable: true, card: themeDayCard(`reminder:${today}:${personId}:${itemKey}`, b.name, day), assignmentIds: [], mergeLine: `主题党日：${dayLabel(day)}` });
      }
    }
  }
  return out;
}

/** Members are told, not asked to record: the secretary records the 主题党日 (no 已召开 button here). */
function themeDayCard(key: string, branchName: string, day: string) {
  return makeCard({
    kind: 'org-life-reminder', key,
    header: { title: '主题党日提醒', subtitle: branchName, source: DEFAULT_SOURCE },
    blocks: [{ type: 'fields', fields: [{ label: '时间', value: dayLabel(day) }] }, { type: 'text', text: '本月主题党日即将举行，具体安排以支部通知为准。' }],
    actions: [],
  });
}

const WEEKDAYS = '日一二三四五六';
export const dayLabel = (d: string): string => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日（周${WEEKDAYS[new Date(`${d}T00:00:00Z`).getUTCDay()]}）`;
const periodLabel = (key: string): string => (key.includes('Q') ? `${key.slice(0, 4)}年第${'一二三四'[Number(key.slice(6)) - 1]}季度` : key.length === 4 ? `${key}年` : `${key.slice(0, 4)}年${Number(key.slice(5))}月`);
export type { DeadlineStage };
