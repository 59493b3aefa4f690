import { describe, expect, it } from 'vitest';
import { parseReply } from '../../../src/replies/parse-reply.js';

const NOW = new Date('2026-11-22T02:00:00Z');
const TZ = 'Asia/Shanghai';

/** A leader's word on the daily digest's quiet days, as typed (with the wrappers people add). */
describe('parseReply: the digest on quiet days', () => {
  it.each([
    '简报无异常时不发',
    '无异常时不发简报',
    '没有异常不用发简报',
    '一切正常时不发简报',
    '简报有异常再发',
    '只在有异常时发简报',
    '请简报无异常时不发',
    '@党建助手 简报无异常时不发。',
    '简报无异常时不发吧',
  ])('%s → digest_skip_quiet', (text) => {
    expect(parseReply(text, NOW, TZ)).toStrictEqual({ intent: 'digest_skip_quiet', items: [], all: false, note: null, until: null, target: null, points: null, title: null });
  });

  it.each(['恢复每日简报', '恢复简报', '每天都发简报', '简报无异常也发', '请恢复每日简报吧', '@党建助手 恢复每日简报'])('%s → digest_daily', (text) => {
    expect(parseReply(text, NOW, TZ)).toStrictEqual({ intent: 'digest_daily', items: [], all: false, note: null, until: null, target: null, points: null, title: null });
  });

  it('asking for the digest stays "digest", and other talk about it is not a setting', () => {
    for (const text of ['今日简报', '每日简报', '简报']) expect(parseReply(text, NOW, TZ).intent).toBe('digest');
    for (const text of ['简报无异常', '简报发了吗', '不要简报', '简报不发', '恢复']) {
      expect(['digest_skip_quiet', 'digest_daily'], text).not.toContain(parseReply(text, NOW, TZ).intent);
    }
  });
});
