import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const AES = 'a'.repeat(43);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs in demo mode with nothing configured', () => {
    const c = loadConfig({});
    expect(c).toEqual({
      port: 3000,
      publicBaseUrl: 'http://localhost:3000',
      dataDir: './data',
      timezone: 'Asia/Shanghai',
      logLevel: 'info',
      sandbox: true,
      demoMode: true,
      topicPushTime: '09:00',
      digestTime: '08:30',
      adminSessionIdleMinutes: 30,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('derives the public URL from PORT and strips a trailing slash', () => {
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://dj.example.gov.cn/' }).publicBaseUrl).toBe('https://dj.example.gov.cn');
  });

  it('reports every problem at once, naming each variable, without echoing values', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      APP_TIMEZONE: 'Mars/Olympus',
      DATABASE_URL: 'mysql://x',
      WECOM_CORP_ID: 'ww123',
      WECOM_ENCODING_AES_KEY: 'short-secret-value',
      SANDBOX: 'maybe',
    });
    const vars = problems.map((p) => p.split(':')[0]);
    expect(vars).toEqual(expect.arrayContaining(['PORT', 'APP_TIMEZONE', 'DATABASE_URL', 'WECOM_ENCODING_AES_KEY', 'SANDBOX']));
    expect(problems.join('\n')).not.toContain('short-secret-value');
  });

  it('requires the whole WeCom app group and APP_SECRET once a platform is configured', () => {
    const problems = problemsOf({ WECOM_CORP_ID: 'ww123', WECOM_SECRET: 's3cr3t' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['APP_SECRET', 'WECOM_AGENT_ID', 'WECOM_ENCODING_AES_KEY', 'WECOM_TOKEN']);
    const secretMissing = problemsOf({
      WECOM_CORP_ID: 'ww123', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 't', WECOM_ENCODING_AES_KEY: AES,
    });
    expect(secretMissing).toHaveLength(1);
    expect(secretMissing[0]).toMatch(/^APP_SECRET: /);
  });

  it('builds platform settings with their documented defaults', () => {
    const c = loadConfig({
      APP_SECRET: 'x'.repeat(32),
      WECOM_CORP_ID: 'ww123', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 't', WECOM_ENCODING_AES_KEY: AES,
      DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 'dsecret',
    });
    expect(c.demoMode).toBe(false);
    expect(c.sandbox).toBe(false);
    expect(c.wecom).toEqual({ corpId: 'ww123', agentId: '1000002', secret: 's', token: 't', encodingAesKey: AES, apiBaseUrl: 'https://qyapi.weixin.qq.com' });
    expect(c.dingtalk).toEqual({
      clientId: 'dingabc', clientSecret: 'dsecret', robotCode: 'dingabc',
      apiBaseUrl: 'https://api.dingtalk.com', oapiBaseUrl: 'https://oapi.dingtalk.com',
      gatewayUrl: 'https://api.dingtalk.com/v1.0/gateway/connections/open',
    });
  });

  it('lets SANDBOX=on keep the sandbox with a real platform', () => {
    const c = loadConfig({ APP_SECRET: 'x'.repeat(32), DINGTALK_CLIENT_ID: 'd', DINGTALK_CLIENT_SECRET: 's', SANDBOX: 'on' });
    expect(c.sandbox).toBe(true);
    expect(loadConfig({ SANDBOX: 'off' }).sandbox).toBe(false);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', PORT: '' }).port).toBe(3000);
  });
});
