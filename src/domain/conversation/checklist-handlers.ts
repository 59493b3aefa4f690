import { buildChecklistCard, buildCompletionCard } from '../../../cards/builders/checklist.js';
import { buildMonthlyTopicCard } from '../../../cards/builders/monthly-topic.js';
import type { Card } from '../../../cards/model.js';
import { localDate } from '../calendar.js';
import { resolveItems } from '../checklist/resolve-items.js';
import { itemState, shortDate, type AssignmentView } from '../checklist/types.js';
import type { InboundEvent, Reply } from '../messaging/types.js';
import type { ConversationPorts, PersonView } from './ports.js';
import { noticeCard, toSender } from './reply-cards.js';

/** Card keys derive from the event, so handling the same event twice yields the same outbox rows. */
export const eventKey = (kind: string, event: InboundEvent, suffix = ''): string => `${kind}:${event.platform}:${event.eventId}${suffix}`;

const today = (ports: ConversationPorts): string => localDate(ports.now, ports.timezone);

/** "我的任务": the person's list, numbered; the numbering is remembered for text replies. */
export async function myTasks(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const day = today(ports);
  const list = await ports.checklist.listFor(person, day);
  const key = eventKey('list', event);
  const card = buildChecklistCard({
    key,
    scope: 'person',
    ownerName: person.name,
    items: list.map((a) => ({ id: String(a.assignmentId), title: labelOf(a), state: itemState(a, day), ...(dueOf(a) ? { due: dueOf(a)! } : {}) })),
    detailUrl: ports.links.checklist(person.id),
  });
  await ports.checklist.saveSnapshot(person.id, key, list.map((a, i) => ({ no: i + 1, assignmentId: a.assignmentId })), ports.now);
  return [toSender(card)];
}

/** Completes assignments chosen by number (text) or by button (assignment id in the payload). */
export async function complete(
  event: InboundEvent,
  person: PersonView,
  ports: ConversationPorts,
  target: { items: number[]; all: boolean } | { assignmentId: number },
  note: string | null,
): Promise<Reply[]> {
  const day = today(ports);
  let ids: number[];
  if ('assignmentId' in target) {
    ids = [target.assignmentId];
  } else {
    const resolved = resolveItems(await ports.checklist.snapshot(person.id), target.items, target.all, await ports.checklist.listFor(person, day));
    if (!resolved.ok) return [toSender(noticeCard(eventKey('ask', event), '需要您确认', resolved.message))];
    ids = resolved.assignmentIds;
  }
  const recorded: { a: AssignmentView; recordId: number }[] = [];
  const lines: string[] = [];
  for (const id of ids) {
    const a = await ports.checklist.lockAssignment(id);
    if (!a || !ports.checklist.mayComplete(person, a)) {
      // Never reveals whose item it is: only that this person cannot record it.
      lines.push('有一项不是您的任务，不能代为登记。');
      continue;
    }
    if (a.completion) {
      lines.push(`“${a.title}”已于 ${formatTime(a.completion.at, ports.timezone)} 登记完成，无需重复登记。`);
      continue;
    }
    const recordId = await ports.checklist.recordCompletion({
      assignmentId: a.assignmentId,
      personId: person.id,
      source: event.kind === 'action' ? 'card' : 'text',
      evidence: note,
      sourceEventId: event.eventId,
      at: ports.now,
    });
    await ports.checklist.audit({
      actor: `person:${person.id}`, action: 'completion.record', subjectType: 'assignment', subjectId: a.assignmentId,
      data: { recordId, source: event.kind === 'action' ? 'card' : 'text', eventId: event.eventId, evidence: note }, at: ports.now,
    });
    recorded.push({ a, recordId });
  }
  if (recorded.length === 1 && lines.length === 0) {
    const { a, recordId } = recorded[0]!;
    return [toSender(buildCompletionCard({
      key: eventKey('done', event), recordId: String(recordId), itemTitle: a.title, completedAt: ports.now,
      ...(note ? { evidence: note } : {}), via: event.kind === 'action' ? '按钮' : '文字回复',
      detailUrl: ports.links.checklist(person.id), timeZone: ports.timezone,
    }))];
  }
  const head = recorded.length ? [`已登记完成 ${recorded.length} 项：`, ...recorded.map((r) => `✓ ${r.a.title}`)] : [];
  const hint = recorded.length ? ['如需撤销，回复“撤销”。'] : [];
  return [toSender(noticeCard(eventKey('done', event), recorded.length ? '已记录完成' : '没有新的登记', [...head, ...lines, ...hint].join('\n'), { label: '查看我的清单', url: ports.links.checklist(person.id) }))];
}

/** "撤销" (the last completion), "撤销 2" (by number), or the 撤销 button (by record). */
export async function undo(
  event: InboundEvent,
  person: PersonView,
  ports: ConversationPorts,
  target: { items: number[] } | { recordId: number },
): Promise<Reply[]> {
  const store = ports.checklist;
  let recordIds: number[] = [];
  if ('recordId' in target) {
    recordIds = [target.recordId];
  } else if (target.items.length === 0) {
    const last = await store.lastOwnCompletion(person.id);
    if (!last) return [toSender(noticeCard(eventKey('undo', event), '没有可撤销的记录', '您最近没有登记过完成，无需撤销。'))];
    recordIds = [last.recordId];
  } else {
    const resolved = resolveItems(await store.snapshot(person.id), target.items, false, []);
    if (!resolved.ok) return [toSender(noticeCard(eventKey('undo', event), '需要您确认', resolved.message))];
    for (const id of resolved.assignmentIds) {
      const a = await store.lockAssignment(id);
      if (a?.completion) recordIds.push(a.completion.recordId);
    }
    if (recordIds.length === 0) return [toSender(noticeCard(eventKey('undo', event), '没有可撤销的记录', '这些事项目前都没有完成记录。'))];
  }
  const undone: string[] = [];
  const problems: string[] = [];
  for (const recordId of recordIds) {
    const rec = await store.completionRecord(recordId);
    const a = rec ? await store.lockAssignment(rec.assignmentId) : undefined;
    if (!rec || !a || rec.personId !== person.id) {
      problems.push('只能撤销自己登记的记录。');
      continue;
    }
    if (rec.revoked || a.completion?.recordId !== recordId) {
      problems.push(`“${a.title}”的这条记录已撤销过。`);
      continue;
    }
    const revokeId = await store.recordRevocation({ completionRecordId: recordId, assignmentId: a.assignmentId, personId: person.id, source: event.kind === 'action' ? 'card' : 'text', sourceEventId: event.eventId, at: ports.now });
    await store.audit({ actor: `person:${person.id}`, action: 'completion.revoke', subjectType: 'assignment', subjectId: a.assignmentId, data: { recordId: revokeId, revokes: recordId, eventId: event.eventId }, at: ports.now });
    undone.push(a.title);
  }
  const text = [...undone.map((t) => `已撤销：${t}（恢复为待完成）`), ...problems].join('\n');
  return [toSender(noticeCard(eventKey('undo', event), undone.length ? '已撤销' : '未撤销', text, { label: '查看我的清单', url: ports.links.checklist(person.id) }))];
}

/** "本月主题": the month's topic with this person's 必学 state. */
export async function topic(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const day = today(ports);
  const month = day.slice(0, 7);
  const t = await ports.checklist.topicFor(month);
  if (!t) return [toSender(noticeCard(eventKey('topic', event), '本月主题尚未发布', `${monthLabel(month)}的主题还没有发布，发布后会第一时间推送给您。`))];
  return [toSender(await topicCard(eventKey('topic', event), t, person, ports))];
}

/** The monthly topic card for one person; its 必学 numbering becomes their list snapshot. */
export async function topicCard(
  key: string,
  t: { month: string; title: string; summary: string; materials: { title: string; url: string }[] },
  person: PersonView,
  ports: ConversationPorts,
): Promise<Card> {
  const day = today(ports);
  const required = (await ports.checklist.listFor(person, day)).filter((a) => a.topicMonth === t.month);
  await ports.checklist.saveSnapshot(person.id, key, required.map((a, i) => ({ no: i + 1, assignmentId: a.assignmentId })), ports.now);
  return buildMonthlyTopicCard({
    key,
    month: monthLabel(t.month),
    title: t.title,
    summary: t.summary,
    materials: t.materials,
    required: required.map((a) => ({ id: String(a.assignmentId), title: a.title, done: a.completion !== null })),
    detailUrl: ports.links.topic(person.id, t.month),
  });
}

/** Secretary's "支部进度": counts per item, never names (this may be read out in a group). */
export async function progress(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const key = eventKey('progress', event);
  const isLead = person.roles.includes('secretary') || person.roles.includes('committee_member');
  if (!isLead || person.branchId === null) {
    return [toSender(noticeCard(key, '仅支部书记可查看', '“支部进度”供支部书记和支部委员查看本支部的完成情况。'))];
  }
  const rows = await ports.checklist.branchProgress(person.branchId);
  const text = rows.length
    ? rows.map((r, i) => `${i + 1}. ${r.title}：${r.done}/${r.total}${r.dueDate ? `（截止 ${shortDate(r.dueDate)}）` : ''}`).join('\n')
    : '本支部目前没有进行中的事项。';
  const card = noticeCard(key, `${person.branchName ?? ''}完成情况`, text, { label: '查看详情', url: ports.links.checklist(person.id) });
  return [event.chatId ? { to: 'chat', message: { type: 'card', card } } : toSender(card)];
}

export function labelOf(a: AssignmentView): string {
  return a.assignee.kind === 'unit' ? `【支部】${a.title}` : a.title;
}

function dueOf(a: AssignmentView): string | undefined {
  return shortDate(a.extendedUntil ?? a.dueDate);
}

export function monthLabel(month: string): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

export function formatTime(at: Date, tz: string): string {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: tz, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${g('month')}-${g('day')} ${g('hour')}:${g('minute')}`;
}
