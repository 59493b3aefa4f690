import { localDate } from '../calendar.js';
import type { InboundEvent, Reply } from '../messaging/types.js';
import { addDays } from '../reminders/days.js';
import { meetingKindOf, MEETING_NAMES } from '../reminders/settings.js';
import { eventKey } from './checklist-handlers.js';
import type { ConversationPorts, PersonView } from './ports.js';
import { noticeCard, toSender } from './reply-cards.js';

/** "少提醒": the person's own weekly cap, below the agency's default of 5. */
export const REDUCED_WEEKLY_CAP = 2;

const md = (d: string): string => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/**
 * "暂停提醒 3天" / "暂停提醒到月底": no task or meeting reminders until then; "少提醒": at most two a week, the
 * rest merged. Escalations to secretaries still flow (they are about the branch's work, not this person).
 */
export async function mute(event: InboundEvent, person: PersonView, ports: ConversationPorts, intent: { points: number | null; until: string | null }): Promise<Reply[]> {
  const key = eventKey('mute', event);
  const today = localDate(ports.now, ports.timezone);
  if (intent.points === 0) {
    await ports.checklist.setReminderPreference(person.id, { mutedUntil: null, weeklyCap: null }, ports.now);
    return [toSender(noticeCard(key, '已恢复提醒', '已恢复正常提醒。'))];
  }
  const until = intent.until ?? (intent.points ? addDays(today, intent.points - 1) : null);
  if (until !== null) {
    if (until < today) return [toSender(noticeCard(key, '需要您确认', `${md(until)}已经过去，请说“暂停提醒 3天”或“暂停提醒到月底”。`))];
    await ports.checklist.setReminderPreference(person.id, { mutedUntil: until }, ports.now);
    await ports.checklist.audit({ actor: `person:${person.id}`, action: 'reminders.mute', subjectType: 'person', subjectId: person.id, data: { until }, at: ports.now });
    return [toSender(noticeCard(key, '已暂停提醒', `${md(until)}（含）之前不再向您推送任务到期和组织生活提醒。\n需要时仍可回复“我的任务”查看清单。`))];
  }
  await ports.checklist.setReminderPreference(person.id, { weeklyCap: REDUCED_WEEKLY_CAP }, ports.now);
  await ports.checklist.audit({ actor: `person:${person.id}`, action: 'reminders.reduce', subjectType: 'person', subjectId: person.id, data: { weeklyCap: REDUCED_WEEKLY_CAP }, at: ports.now });
  return [toSender(noticeCard(key, '已减少提醒', `今后每周最多向您推送 ${REDUCED_WEEKLY_CAP} 条提醒，其余合并为一条汇总。\n如需暂停一段时间，可回复“暂停提醒 3天”。`))];
}

/**
 * "支委会已开" / "主题党日已开展 11月15日" / the 已召开 button: a secretary (or 支部委员) records the branch's
 * meeting; its pending reminders are cancelled. The date defaults to today and may not lie in the future.
 */
export async function meetingHeld(event: InboundEvent, person: PersonView, ports: ConversationPorts, target: { title: string | null; until: string | null }): Promise<Reply[]> {
  const key = eventKey('meeting', event);
  const lead = person.roles.includes('secretary') || person.roles.includes('committee_member');
  if (!lead || person.branchId === null) {
    return [toSender(noticeCard(key, '仅支部书记可登记', '组织生活由支部书记或支部委员登记召开情况；如会议已开，请告知本支部书记。'))];
  }
  const kind = meetingKindOf(target.title ?? '');
  if (!kind) {
    return [toSender(noticeCard(key, '需要您确认', `没能识别“${target.title ?? ''}”是哪类会议。可以这样说：“支委会已开”“党小组会已开”“主题党日已开展 11月15日”。`))];
  }
  const today = localDate(ports.now, ports.timezone);
  const heldOn = target.until ?? today;
  if (heldOn > today) return [toSender(noticeCard(key, '需要您确认', `${md(heldOn)}还没到，会议召开后再登记即可。`))];
  const res = await ports.checklist.recordMeeting({ unitId: person.branchId, kind, heldOn, recordedBy: person.id, via: event.kind === 'action' ? 'card' : 'text', sourceEventId: event.eventId, at: ports.now });
  const name = MEETING_NAMES[kind];
  return [toSender(noticeCard(key, '已登记召开', `${person.branchName ?? ''} ${name}：${md(heldOn)}已召开，已记录。${res.created ? '' : '（此前已登记）'}\n会议记录可在详情页上传。`, { label: '查看详情', url: ports.links.checklist(person.id) }))];
}
