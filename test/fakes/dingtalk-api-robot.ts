import { randomUUID } from 'node:crypto';
import type { FakeContext } from './dingtalk-api.js';

/** Robot sends of the fake OpenAPI (dingtalk.md §3.2–3.3, §10.3). */

export interface RobotStores {
  robotMessages: { userId: string; msgKey: string; msgParam: Record<string, string>; processQueryKey: string; at: number }[];
  groupMessages: { openConversationId: string; msgKey: string; msgParam: Record<string, string>; processQueryKey: string; at: number }[];
  webhookMessages: { session: string; conversationId: string; body: Record<string, unknown>; at: number }[];
  sessions: Map<string, { conversationId: string; expiresAt: number }>;
  knownUsers: Set<string> | undefined;
  flowControlled: Set<string>;
}

/** §3.3: the msgKey catalogue (13 keys; there is no sampleActionCard1). */
export const MSG_KEYS: Record<string, string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleImageMsg: ['photoURL'],
  sampleLink: ['text', 'title', 'picUrl', 'messageUrl'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
  sampleActionCard3: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3'],
  sampleActionCard4: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3', 'actionTitle4', 'actionURL4'],
  sampleActionCard5: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3', 'actionTitle4', 'actionURL4', 'actionTitle5', 'actionURL5'],
  sampleActionCard6: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'],
  sampleAudio: ['mediaId', 'duration'],
  sampleFile: ['mediaId', 'fileName', 'fileType'],
  sampleVideo: ['videoMediaId', 'duration', 'videoType'],
};

type Reply = (status: number, body: Record<string, unknown>) => void;
type NewErr = (status: number, code: string, message: string) => void;

/** msgParam must be a JSON *string* holding the keys of its msgKey (§3.3 `invalidParameter.msgParam.invalid`). */
function checkMessage(body: Record<string, unknown>, newErr: NewErr): Record<string, string> | undefined {
  const keys = typeof body.msgKey === 'string' ? MSG_KEYS[body.msgKey] : undefined;
  if (!body.msgKey) return void newErr(400, 'invalidParameter.msgKey.empty', 'msgKey 为空');
  if (!keys) return void newErr(400, 'invalidParameter.msgKey.invalid', `msgKey ${String(body.msgKey)} 不存在`);
  if (typeof body.msgParam !== 'string') return void newErr(400, 'invalidParameter.msgParam.invalid', 'msgParam 必须是 JSON 字符串');
  let p: Record<string, string>;
  try {
    p = JSON.parse(body.msgParam) as Record<string, string>;
  } catch {
    return void newErr(400, 'invalidParameter.msgParam.invalid', 'msgParam 必须是 JSON');
  }
  const missing = keys.filter((k) => typeof p[k] !== 'string' && !['picUrl', 'duration'].includes(k));
  if (missing.length) return void newErr(400, 'invalidParameter.msgParam.invalid', `msgParam 缺少 ${missing.join(',')}`);
  return p;
}

export function routeRobotApi(ctx: FakeContext, method: string, path: string, url: URL, body: Record<string, unknown>, reply: Reply, newErr: NewErr): void {
  const s = ctx.stores;
  const at = ctx.now();
  if (path === '/robot/sendBySession' && method === 'POST') {
    // §3.2: HTTP 200 with errcode; after sessionWebhookExpiredTime a non-zero errcode (real code unknown).
    const id = url.searchParams.get('session') ?? '';
    const session = s.sessions.get(id);
    if (!session) return reply(200, { errcode: 300001, errmsg: 'session not found' });
    if (at >= session.expiresAt) return reply(200, { errcode: 300001, errmsg: 'session expired' });
    if (!['text', 'markdown', 'actionCard', 'link', 'feedCard'].includes(String(body.msgtype))) return reply(200, { errcode: 40035, errmsg: '缺少参数 msgtype' });
    s.webhookMessages.push({ session: id, conversationId: session.conversationId, body, at });
    return reply(200, { errcode: 0, errmsg: 'ok' });
  }
  if (body.robotCode !== ctx.robotCode) return newErr(400, 'invalidParameter.robotCode.notExsit', 'robotCode 不存在');
  if (path === '/v1.0/robot/oToMessages/batchSend' && method === 'POST') {
    const userIds = Array.isArray(body.userIds) ? (body.userIds as string[]) : [];
    if (userIds.length === 0) return newErr(400, 'invalidParameter.userIds.empty', 'userIds 为空');
    if (userIds.length > 20) return newErr(400, 'invalidParameter.userIds.overMax', 'userIds 超过 20');
    const p = checkMessage(body, newErr);
    if (!p) return;
    const processQueryKey = randomUUID();
    const invalid = userIds.filter((u) => s.knownUsers !== undefined && !s.knownUsers.has(u));
    const throttled = userIds.filter((u) => !invalid.includes(u) && s.flowControlled.has(u));
    for (const u of userIds) {
      if (!invalid.includes(u) && !throttled.includes(u)) s.robotMessages.push({ userId: u, msgKey: String(body.msgKey), msgParam: p, processQueryKey, at });
    }
    return reply(200, { processQueryKey, invalidStaffIdList: invalid, flowControlledStaffIdList: throttled });
  }
  if (path === '/v1.0/robot/groupMessages/send' && method === 'POST') {
    if (typeof body.openConversationId !== 'string' || !body.openConversationId.startsWith('cid')) return newErr(400, 'invalid.openConversationId', '群会话 id 无效');
    if (typeof body.msgParam === 'string' && Buffer.byteLength(body.msgParam) > 15_000) return newErr(400, 'invalidParameter.msgParam.invalid', 'msgParam 超过 15000 字节');
    const p = checkMessage(body, newErr);
    if (!p) return;
    const processQueryKey = randomUUID();
    s.groupMessages.push({ openConversationId: body.openConversationId, msgKey: String(body.msgKey), msgParam: p, processQueryKey, at });
    return reply(200, { processQueryKey });
  }
  return newErr(404, 'NotFound', `no route ${method} ${path}`);
}
