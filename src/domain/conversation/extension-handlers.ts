import { buildExtensionRequestCard } from '../../../cards/builders/reminders.js';
import { isIsoDate, localDate } from '../calendar.js';
import { resolveItems } from '../checklist/resolve-items.js';
import type { InboundEvent, Reply } from '../messaging/types.js';
import { eventKey } from './checklist-handlers.js';
import type { ConversationPorts, PersonView } from './ports.js';
import { noticeCard, toPerson, toSender } from './reply-cards.js';

/** Reference a secretary can type: "Y3" for extension request 3. */
export const extensionRef = (id: number): string => `Y${id}`;

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "申请延期 2 到12月10日 理由…": a request to the branch secretary, privately. */
export async function requestExtension(
  event: InboundEvent,
  person: PersonView,
  ports: ConversationPorts,
  intent: { items: number[]; until: string | null; points: number | null; note: string | null },
): Promise<Reply[]> {
  const key = eventKey('ext', event);
  const today = localDate(ports.now, ports.timezone);
  const resolved = resolveItems(await ports.checklist.snapshot(person.id), intent.items, false, await ports.checklist.listFor(person, today));
  if (!resolved.ok) return [toSender(noticeCard(key, '需要您确认', resolved.message))];
  if (resolved.assignmentIds.length !== 1) {
    return [toSender(noticeCard(key, '一次申请一项', '延期请逐项申请，例如“申请延期 2 到12月10日 理由：出差”。'))];
  }
  const a = await ports.checklist.lockAssignment(resolved.assignmentIds[0]!);
  if (!a || !ports.checklist.mayComplete(person, a)) return [toSender(noticeCard(key, '无法申请', '这项不是您的任务，不能为它申请延期。'))];
  if (a.completion) return [toSender(noticeCard(key, '无需延期', `“${a.title}”已经完成，无需延期。`))];
  const base = a.extendedUntil ?? a.dueDate ?? today;
  const until = intent.until ?? (intent.points ? addDays(base, Math.round(intent.points)) : null);
  if (!until || !isIsoDate(until)) {
    return [toSender(noticeCard(key, '请说明延到哪天', '请写明希望延至的日期，例如“申请延期 2 到12月10日 理由：出差”。'))];
  }
  if (until <= base) return [toSender(noticeCard(key, '日期需晚于原截止', `“${a.title}”原截止 ${base}，申请的日期 ${until} 并不晚于它。`))];
  if (person.branchId === null) return [toSender(noticeCard(key, '无法申请', '您不在任何党支部，延期请直接联系机关党委。'))];
  const secretaries = (await ports.checklist.branchSecretaries(person.branchId)).filter((s) => s.id !== person.id);
  if (secretaries.length === 0) return [toSender(noticeCard(key, '暂无审批人', '本支部尚未登记支部书记，请联系机关党委。'))];

  const id = await ports.checklist.createExtension({ assignmentId: a.assignmentId, personId: person.id, until, reason: intent.note, sourceEventId: event.eventId, at: ports.now });
  await ports.checklist.audit({ actor: `person:${person.id}`, action: 'extension.request', subjectType: 'assignment', subjectId: a.assignmentId, data: { extensionId: id, until, reason: intent.note }, at: ports.now });
  const replies: Reply[] = secretaries.map((s) =>
    toPerson(s.id, buildExtensionRequestCard({
      key: `${key}:to:${s.id}`, requestId: String(id), ref: extensionRef(id), requesterName: person.name, itemTitle: a.title,
      currentDue: base, requestedDue: until, reason: intent.note ?? '（未填写）', detailUrl: ports.links.extension(s.id, id),
    })),
  );
  replies.push(toSender(noticeCard(key, '延期申请已提交', `“${a.title}”申请延至 ${until}，已发给${secretaries.map((s) => s.name).join('、')}审批，结果会通知您。`)));
  return replies;
}

/** The secretary's 同意 / 驳回, by button (request id) or text ("同意延期 Y3"). */
export async function decideExtension(
  event: InboundEvent,
  person: PersonView,
  ports: ConversationPorts,
  approve: boolean,
  ref: string | null,
  note: string | null,
): Promise<Reply[]> {
  const key = eventKey('ext-decision', event);
  const id = ref ? Number(/^y?(\d{1,9})$/i.exec(ref.trim())?.[1] ?? NaN) : NaN;
  const ext = Number.isInteger(id) ? await ports.checklist.extension(id, true) : undefined;
  if (!ext) return [toSender(noticeCard(key, '找不到该申请', `没有编号为 ${ref ?? '（空）'} 的延期申请，请核对卡片上的编号。`))];
  const mayDecide = person.roles.includes('admin') || (person.branchId === ext.unitId && person.roles.includes('secretary'));
  if (!mayDecide) return [toSender(noticeCard(key, '无权审批', '只有该党员所在支部的书记（或机关党委管理员）可以审批这项延期申请。'))];
  if (ext.status !== 'pending') {
    return [toSender(noticeCard(key, '已处理过', `申请 ${extensionRef(ext.id)} 已${ext.status === 'approved' ? '同意' : '驳回'}，无需重复操作。`))];
  }
  await ports.checklist.decideExtension({ id: ext.id, approve, deciderId: person.id, note, at: ports.now });
  await ports.checklist.audit({ actor: `person:${person.id}`, action: approve ? 'extension.approve' : 'extension.reject', subjectType: 'extension_request', subjectId: ext.id, data: { note }, at: ports.now });
  const outcome = approve ? `已同意，截止日期延至 ${ext.requestedUntil}` : `未获同意${note ? `（${note}）` : ''}，请按原截止 ${ext.currentDue ?? ''} 完成`;
  return [
    toSender(noticeCard(key, approve ? '已同意延期' : '已驳回延期', `${ext.personName}：“${ext.itemTitle}”${approve ? `延至 ${ext.requestedUntil}` : '维持原截止日期'}。已通知本人。`)),
    toPerson(ext.personId, noticeCard(`${key}:notify`, approve ? '延期申请已同意' : '延期申请未同意', `“${ext.itemTitle}”的延期申请${outcome}。审批人：${person.name}`, { label: '查看我的清单', url: ports.links.checklist(ext.personId) })),
  ];
}
