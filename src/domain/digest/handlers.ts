import { localDate } from '../calendar.js';
import { eventKey } from '../conversation/checklist-handlers.js';
import type { ConversationPorts, PersonView } from '../conversation/ports.js';
import { noticeCard, toSender } from '../conversation/reply-cards.js';
import type { InboundEvent, Reply } from '../messaging/types.js';
import { digestCard, figuresForPerson, viewerOf } from './compute.js';

const NOT_FOR_YOU =
  '今日简报汇总各党支部的逾期事项、即将到期事项、组织生活和互观互检情况，只提供给机关领导和党务管理员。\n' +
  '支部书记可回复“支部进度”查看本支部完成情况；回复“我的任务”查看自己的清单。';

/**
 * "今日简报": the same card the daily job sends, computed now, answered privately (also when asked in a group).
 * Today's figures are stored as the day's snapshot, so tomorrow's "较昨日" compares with the latest seen.
 */
export async function digestOnDemand(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const key = eventKey('digest', event);
  const date = localDate(ports.now, ports.timezone);
  // Inside the handling transaction: the working days come through the store's connection, not the Calendar.
  const figures = await figuresForPerson(ports.digest, person, { date, now: ports.now });
  if (!figures) return [toSender(noticeCard(key, '今日简报仅供领导查看', NOT_FOR_YOU))];
  const previous = (await ports.digest.previous([person.id], date)).get(person.id);
  await ports.digest.saveSnapshots([{ personId: person.id, figures }], ports.now);
  const { card } = digestCard({
    key, figures, previous, timezone: ports.timezone, detailUrl: ports.links.digest(person.id, date), skipQuietDays: false,
    chartUrl: ports.links.digestChart(person.id, date),
  });
  return [toSender(card!)];
}

/** "简报无异常时不发" (skip = true) / "恢复每日简报" (skip = false): a leader's own choice, stored per person. */
export async function digestQuietDays(event: InboundEvent, person: PersonView, ports: ConversationPorts, skip: boolean): Promise<Reply[]> {
  const key = eventKey('digest-quiet', event);
  const viewer = await viewerOf(ports.digest, person);
  if (!viewer || !person.roles.includes('leader')) return [toSender(noticeCard(key, '每日简报仅发送给领导', NOT_FOR_YOU))];
  await ports.digest.setSkipQuietDays(person.id, skip, ports.now);
  await ports.checklist.audit({ actor: `person:${person.id}`, action: 'digest.quiet_days', subjectType: 'person', subjectId: person.id, data: { skipQuietDays: skip }, at: ports.now });
  return skip
    ? [toSender(noticeCard(key, '已设置：无异常时不发简报', '今后工作日若没有需要关注的事项（逾期、即将到期、组织生活、互观互检），就不再发送“一切正常”的简报。\n随时可回复“今日简报”查看；回复“恢复每日简报”恢复每天发送。'))]
    : [toSender(noticeCard(key, '已恢复每日简报', '今后每个工作日都会发送今日简报，没有异常时发送一行“一切正常”。'))];
}
