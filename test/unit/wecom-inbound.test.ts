import { describe, expect, it } from 'vitest';
import { botInboundEvent, stripMention } from '../../adapters/wecom/bot-inbound.js';
import { MalformedCallback, parseMessageXml } from '../../adapters/wecom/callback-xml.js';
import { appInboundEvent } from '../../adapters/wecom/inbound.js';
import { sendRoute } from '../../adapters/wecom/send-routes.js';
import type { SendItem } from '../../src/domain/messaging/platform.js';

const AT = new Date('2026-11-23T01:00:00Z');

describe('WeCom app callback XML → InboundEvent (wecom.md §4)', () => {
  it('keeps every value a string, MsgId beyond 2^53 included, and trims the text', () => {
    const x = parseMessageXml('<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[ZhangWei]]></FromUserName><CreateTime>1795000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ 1、2 完成 ]]></Content><MsgId>9223372036854775807</MsgId><AgentID>1000002</AgentID></xml>');
    expect(x).toMatchObject({ MsgId: '9223372036854775807', AgentID: '1000002', CreateTime: '1795000000' });
    expect(appInboundEvent(x, AT)).toEqual({ event: {
      platform: 'wecom', eventId: 'msg:9223372036854775807', kind: 'message', senderId: 'ZhangWei', text: '1、2 完成',
      occurredAt: '2026-11-18T11:06:40.000Z', replyContext: { via: 'app', userid: 'ZhangWei' },
    } });
  });

  it.each([
    ['one item, one option', '<SelectedItems><SelectedItem><QuestionKey>q</QuestionKey><OptionIds><OptionId>a</OptionId></OptionIds></SelectedItem></SelectedItems>', [{ QuestionKey: 'q', OptionIds: ['a'] }]],
    ['two items', '<SelectedItems><SelectedItem><QuestionKey>q1</QuestionKey><OptionIds><OptionId>a</OptionId><OptionId>b</OptionId></OptionIds></SelectedItem><SelectedItem><QuestionKey>q2</QuestionKey><OptionIds><OptionId>c</OptionId></OptionIds></SelectedItem></SelectedItems>', [{ QuestionKey: 'q1', OptionIds: ['a', 'b'] }, { QuestionKey: 'q2', OptionIds: ['c'] }]],
    ['none', '', []],
  ])('parses SelectedItems as arrays: %s', (_n, items, expected) => {
    expect(parseMessageXml(`<xml><MsgType>event</MsgType>${items}</xml>`).SelectedItems).toEqual(expected);
  });

  it('refuses DTDs and non-XML', () => {
    expect(() => parseMessageXml('<!DOCTYPE x [<!ENTITY e "x">]><xml/>')).toThrow(MalformedCallback);
    expect(() => parseMessageXml('<xml><a></xml>')).toThrow(MalformedCallback);
    expect(() => parseMessageXml('<notxml/>')).toThrow(MalformedCallback);
  });

  it('maps a button click with the action ref decoded and ignores other events', () => {
    const x = parseMessageXml('<xml><FromUserName>u1</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event><EventKey><![CDATA[learned?item=42]]></EventKey><TaskId>t1</TaskId><ResponseCode>rc</ResponseCode></xml>');
    const r = appInboundEvent(x, AT);
    expect('event' in r && r.event).toMatchObject({ kind: 'action', eventId: 'ev:u1:1:t1:learned?item=42', action: { actionId: 'learned', payload: { item: '42' } } });
    expect(appInboundEvent(parseMessageXml('<xml><FromUserName>u1</FromUserName><MsgType>event</MsgType><Event>subscribe</Event></xml>'), AT)).toEqual({ ignored: 'event subscribe' });
    expect(appInboundEvent(parseMessageXml('<xml><FromUserName>u1</FromUserName><MsgType>image</MsgType></xml>'), AT)).toEqual({ ignored: 'message type image' });
  });
});

describe('WeCom smart bot JSON → InboundEvent (wecom.md §12)', () => {
  it.each([['@党建助手 帮助', '帮助'], ['@党建助手\u2005支部进度', '支部进度'], ['支部进度 @党建助手', '支部进度'], ['帮助', '帮助']])('strips the mention: %s', (text, out) => {
    expect(stripMention(text)).toBe(out);
  });

  it('maps a card event (card_type/event_key or cardtype/eventkey) with selector arrays', () => {
    const r = botInboundEvent({
      msgid: 'm1', chatid: 'c1', chattype: 'group', from: { userid: 'u1' }, response_url: 'https://qyapi.weixin.qq.com/x', msgtype: 'event',
      event: { eventtype: 'template_card_event', template_card_event: { cardtype: 'vote_interaction', eventkey: 'vote', task_id: 't9', selected_items: { selected_item: { question_key: 'q', option_ids: { option_id: 'one' } } } } },
    }, AT);
    expect('event' in r && r.event).toMatchObject({ eventId: 'bot:m1', chatId: 'c1', kind: 'action', action: { actionId: 'vote', values: { q: ['one'] } }, replyContext: { via: 'bot', taskId: 't9', responseUrlExpiresAt: '2026-11-23T02:00:00.000Z' } });
  });
});

describe('send route of an outbox row', () => {
  const base: SendItem = { outboxId: 1, recipientKind: 'person', recipient: 'u1', message: { type: 'text', text: 'x' }, idempotencyKey: 'reply:wecom:bot:m1:0' };
  const bot = { via: 'bot', userid: 'u1', chatType: 'group', chatId: 'c1', responseUrl: 'https://q/r', responseUrlExpiresAt: '2026-11-23T02:00:00Z' };
  it.each([
    ['group reply via response_url', { ...base, recipientKind: 'chat', recipient: 'c1', replyContext: bot }, 'response-url'],
    ['expired response_url: the group cannot be reached', { ...base, recipientKind: 'chat', recipient: 'c1', replyContext: { ...bot, responseUrlExpiresAt: '2026-11-23T00:59:00Z' } }, 'unreachable-chat'],
    ['a second reply never spends the code', { ...base, recipientKind: 'chat', recipient: 'c1', idempotencyKey: 'reply:wecom:bot:m1:1', replyContext: bot }, 'unreachable-chat'],
    ['the sender in a group: privately, by message/send', { ...base, replyContext: bot }, 'message-send'],
  ] as [string, SendItem, string][])('%s', (_n, item, kind) => {
    expect(sendRoute(item, AT).kind).toBe(kind);
  });
});
