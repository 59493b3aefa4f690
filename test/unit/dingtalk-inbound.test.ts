import { describe, expect, it } from 'vitest';
import { cardCallbackEvent, robotMessageEvent } from '../../adapters/dingtalk/inbound.js';
import type { DingtalkStreamFrame } from '../../adapters/dingtalk/stream-connection.js';

const frame = (topic: string, data: unknown, messageId = 'm-1'): DingtalkStreamFrame => ({
  specVersion: '1.0', type: 'CALLBACK',
  headers: { appId: 'a', connectionId: 'c', contentType: 'application/json', messageId, time: '1790000000000', topic },
  data: JSON.stringify(data),
});
const robot = (over: Record<string, unknown>) => frame('/v1.0/im/bot/messages/get', {
  msgId: 'msgABC==', msgtype: 'text', conversationId: 'cidP2P==', conversationType: '1', senderStaffId: 'dt_zhangwei', senderId: '$:LWCP_v1:$x',
  text: { content: '已学习 1' }, sessionWebhook: 'https://oapi.example/robot/sendBySession?session=s1', sessionWebhookExpiredTime: 1790005400000,
  createAt: 1790000000000, ...over,
});

describe('DingTalk robot message → InboundEvent (dingtalk.md §3.1)', () => {
  it('1:1 text: msgId is the event id, senderStaffId the sender, the webhook kept for the reply', () => {
    expect(robotMessageEvent(robot({}))).toEqual({
      platform: 'dingtalk', eventId: 'msg:msgABC==', kind: 'message', senderId: 'dt_zhangwei', text: '已学习 1',
      occurredAt: new Date(1790000000000).toISOString(),
      replyContext: {
        sessionWebhook: 'https://oapi.example/robot/sendBySession?session=s1', sessionWebhookExpiredTime: 1790005400000,
        conversationType: '1', conversationId: 'cidP2P==', senderId: 'dt_zhangwei',
      },
    });
  });

  it.each([
    [' 支部进度', '支部进度'],
    ['@党建助手 支部进度', '支部进度'],
    ['  帮助  ', '帮助'],
  ])('group @mention %j → %j, chatId = conversationId', (content, text) => {
    const e = robotMessageEvent(robot({ conversationType: '2', conversationId: 'cidGROUP==', text: { content } }))!;
    expect(e.text).toBe(text);
    expect(e.chatId).toBe('cidGROUP==');
    expect(e.replyContext).toMatchObject({ conversationType: '2', conversationId: 'cidGROUP==' });
  });

  it('richText parts and audio recognition become text; a quota-exhausted message has none', () => {
    expect(robotMessageEvent(robot({ msgtype: 'richText', text: undefined, content: { richText: [{ text: '完成' }, { type: 'picture' }, { text: ' 2' }] } }))!.text).toBe('完成 2');
    expect(robotMessageEvent(robot({ msgtype: 'audio', text: undefined, content: { recognition: '我的任务' } }))!.text).toBe('我的任务');
    expect(robotMessageEvent(robot({ text: undefined, msgtype: undefined, errMsg: '20001' }))!.text).toBe('');
  });

  it('falls back to the frame messageId without msgId; no staff id → anonymous sender', () => {
    const e = robotMessageEvent(robot({ msgId: undefined, senderStaffId: undefined }))!;
    expect(e.eventId).toBe('msg:m-1');
    expect(e.senderId).toBe('anon:$:LWCP_v1:$x');
    expect(robotMessageEvent(robot({ senderStaffId: undefined, senderId: undefined }))).toBeUndefined();
  });

  it('conversationType given as a number still counts as a group', () => {
    expect(robotMessageEvent(robot({ conversationType: 2, conversationId: 'cidG==' }))!.chatId).toBe('cidG==');
  });
});

describe('DingTalk card callback → InboundEvent (dingtalk.md §4.5)', () => {
  const cb = (over: Record<string, unknown>) => frame('/v1.0/card/instances/callback', {
    type: 'actionCallback', outTrackId: 'topic_2026-11_5', corpId: 'ding1', userId: 'dt_zhangwei', userIdType: 1, spaceType: 'IM_ROBOT', spaceId: 'dt_zhangwei',
    content: JSON.stringify({ cardPrivateData: { actionIds: ['btn1'], params: { action: 'learned?item=42', card: 'topic:2026-11:5' } } }),
    ...over,
  });

  it('decodes the action ref and the card key from the template params', () => {
    const r = cardCallbackEvent(cb({}))!;
    expect(r.outTrackId).toBe('topic_2026-11_5');
    expect(r.event).toEqual({
      platform: 'dingtalk', eventId: 'card:topic_2026-11_5:dt_zhangwei:learned?item=42', kind: 'action', senderId: 'dt_zhangwei',
      action: { actionId: 'learned', payload: { item: '42' }, cardKey: 'topic:2026-11:5' },
      occurredAt: new Date(1790000000000).toISOString(), replyContext: { outTrackId: 'topic_2026-11_5' },
    });
  });

  it('group cards carry the chat; `value` works instead of `content`; unknown shapes are refused', () => {
    const value = JSON.stringify({ cardPrivateData: { params: { action: 'help', card: 'k' } } });
    const r = cardCallbackEvent(cb({ spaceType: 'IM_GROUP', spaceId: 'cidG==', content: undefined, value }))!;
    expect(r.event.chatId).toBe('cidG==');
    expect(r.event.action?.actionId).toBe('help');
    expect(cardCallbackEvent(cb({ content: '{not json' }))).toBeUndefined();
    expect(cardCallbackEvent(cb({ userId: undefined }))).toBeUndefined();
  });
});
