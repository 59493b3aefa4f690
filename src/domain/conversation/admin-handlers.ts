import type { InboundEvent, Reply } from '../messaging/types.js';
import { eventKey } from './checklist-handlers.js';
import type { ConversationPorts, PersonView } from './ports.js';
import { noticeCard, toSender } from './reply-cards.js';

/**
 * "管理后台": a single-use sign-in link, always privately (also when asked in a group: a sign-in link never
 * goes to a chat). Only admins and leaders get one; the console checks the role again on every request.
 */
export function adminConsoleLink(event: InboundEvent, person: PersonView, ports: ConversationPorts): Reply[] {
  const key = eventKey('admin-link', event);
  const admin = person.roles.includes('admin');
  if (!admin && !person.roles.includes('leader')) {
    return [toSender(noticeCard(key, '管理后台仅供管理员使用', '管理后台供机关党委的党务干部管理组织、计划、主题、提醒和互观互检，领导可只读查看。\n如需开通，请联系机关党委管理员。回复“帮助”查看您可用的功能。'))];
  }
  return [
    toSender(
      noticeCard(
        key,
        '管理后台登录链接',
        `点击“进入管理后台”登录（${admin ? '管理员' : '领导账号只读，只能查看分管范围'}）。\n链接 10 分钟内有效，只能使用一次，请勿转发；过期后重新发送“管理后台”即可。`,
        { label: '进入管理后台', url: ports.links.adminSignIn(person.id) },
      ),
    ),
  ];
}
