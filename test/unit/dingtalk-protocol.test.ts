import { describe, expect, it } from 'vitest';
import { DWClient } from 'dingtalk-stream';
import { newApiFailure, oapiFailure } from '../../adapters/dingtalk/client-errors.js';
import { renderDingtalkActionCard } from '../../adapters/dingtalk/render-action-card.js';
import { renderDingtalkText, renderSessionWebhookBody } from '../../adapters/dingtalk/render-webhook.js';
import { reconnectDelayMs } from '../../adapters/dingtalk/stream.js';
import { StreamConnection } from '../../adapters/dingtalk/stream-connection.js';
import { extension } from './cards/fixtures.js';

const noop = () => undefined;
const events = { onFrame: noop, onDisconnectNotice: noop, onClose: noop, onBadFrame: noop, onRobotMessage: noop, onCardCallback: noop };

describe('reconnect backoff (dingtalk.md §9.1)', () => {
  const t = { backoffBaseMs: 1000, backoffMaxMs: 60_000 };
  it('grows from 1 s to a 60 s cap with jitter, and the gaps never shrink', () => {
    expect([1, 2, 3, 4].map((n) => reconnectDelayMs(n, t, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(reconnectDelayMs(1, t, () => 0)).toBe(800);
    expect(reconnectDelayMs(20, t, () => 1)).toBe(60_000);
    // Below the cap the jitter ranges [0.8·d, d] never overlap; at the cap the delay jitters within [48 s, 60 s].
    for (let n = 1; n < 6; n++) expect(reconnectDelayMs(n + 1, t, () => 0)).toBeGreaterThanOrEqual(reconnectDelayMs(n, t, () => 1));
  });
});

describe('our DWClient subclass (dingtalk.md §8, §10.2)', () => {
  it('has its own subscriptions array with exactly our CALLBACK topics, debug and SDK reconnect off', () => {
    const a = new StreamConnection({ clientId: 'id', clientSecret: 's', ua: 'ua', events });
    const b = new StreamConnection({ clientId: 'id', clientSecret: 's', ua: 'ua', events });
    expect(a.subscriptions).not.toBe(b.subscriptions);
    expect(a.config.subscriptions).toBe(a.subscriptions);
    expect(a.subscriptions).toEqual([{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }, { type: 'CALLBACK', topic: '/v1.0/card/instances/callback' }]);
    expect(a.debug).toBe(false);
    expect(a.getConfig().autoReconnect).toBe(false);
    expect(a.getConfig().keepAlive).toBe(false);
    // The SDK's shared default array was not touched by our registrations.
    expect(new DWClient({ clientId: 'x', clientSecret: 'y' }).config.subscriptions).toEqual([{ type: 'EVENT', topic: '*' }]);
  });

  it('never reaches the hard-coded gateway', async () => {
    const a = new StreamConnection({ clientId: 'id', clientSecret: 's', ua: 'ua', events });
    await expect(a.getEndpoint()).rejects.toThrow(/useTicket/);
    await expect(a.connect()).rejects.toThrow(/open\(\)/);
  });
});

describe('error mapping (dingtalk.md §5.2–5.3)', () => {
  it.each([
    [403, { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', requestid: 'r1' }, 'qps', true],
    [403, { code: 'Forbidden.AccessDenied.ApiCountLimitForOrg' }, 'quota', false],
    [400, { code: 'InvalidAuthentication', message: '不合法的access_token' }, 'token', true],
    [400, { code: 'invalidParameter.userIds.overMax' }, 'client', false],
    [503, { code: 'ServiceUnavailable' }, 'server', true],
    [200, { status: 1111, wait: 5, punish: 'deny' }, 'banned', true],
  ])('new API HTTP %i %j → %s', (status, body, kind, retryable) => {
    const e = newApiFailure(status, body, 'POST /x');
    expect([e.kind, e.retryable, e.platform]).toEqual([kind, retryable, 'dingtalk']);
  });

  it.each([
    [{ errcode: 40014, errmsg: '不合法的access_token' }, 'token'],
    [{ errcode: 90018 }, 'qps'],
    [{ errcode: 90002 }, 'qps'],
    [{ errcode: 90020 }, 'quota'],
    [{ errcode: -1, errmsg: '系统繁忙' }, 'server'],
    [{ errcode: 88, sub_code: '60011', sub_msg: '无权限' }, 'client'],
  ])('old API %j → %s', (body, kind) => {
    expect(oapiFailure(body, 'POST /topapi/x')?.kind).toBe(kind);
  });

  it('errcode 0 is success', () => {
    expect(oapiFailure({ errcode: 0, errmsg: 'ok' }, 'x')).toBeUndefined();
  });
});

describe('sessionWebhook bodies (dingtalk.md §3.2)', () => {
  it('text, and an action card with vertical buttons', () => {
    expect(renderSessionWebhookBody(renderDingtalkText('你好'))).toEqual({ msgtype: 'text', text: { content: '你好' } });
    const msg = renderDingtalkActionCard(extension(), { conversation: 'single' });
    const p = JSON.parse(msg.msgParam) as Record<string, string>;
    expect(renderSessionWebhookBody(msg)).toEqual({
      msgtype: 'actionCard',
      actionCard: { title: p.title, text: p.text, btnOrientation: '0', btns: [1, 2, 3].map((i) => ({ title: p[`actionTitle${i}`], actionURL: p[`actionURL${i}`] })) },
    });
  });

  it('markdown, one button, two horizontal buttons', () => {
    expect(renderSessionWebhookBody({ msgKey: 'sampleMarkdown', msgParam: '{"title":"t","text":"x"}' })).toEqual({ msgtype: 'markdown', markdown: { title: 't', text: 'x' } });
    expect(renderSessionWebhookBody({ msgKey: 'sampleActionCard', msgParam: '{"title":"t","text":"x","singleTitle":"a","singleURL":"u"}' }))
      .toEqual({ msgtype: 'actionCard', actionCard: { title: 't', text: 'x', singleTitle: 'a', singleURL: 'u' } });
    expect(renderSessionWebhookBody({ msgKey: 'sampleActionCard6', msgParam: '{"title":"t","text":"x","buttonTitle1":"a","buttonUrl1":"u","buttonTitle2":"b","buttonUrl2":"v"}' }))
      .toEqual({ msgtype: 'actionCard', actionCard: { title: 't', text: 'x', btnOrientation: '1', btns: [{ title: 'a', actionURL: 'u' }, { title: 'b', actionURL: 'v' }] } });
  });
});
