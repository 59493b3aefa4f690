import { describe, expect, it } from 'vitest';
import { parseReply } from '../../../src/replies/parse-reply.js';

/**
 * Negation safety: a wrong completion is worse than asking. Generated texts that contain a negation must never
 * come out as `complete`, wherever the negation sits.
 */
const NOW = new Date('2026-11-22T02:00:00Z');
const TZ = 'Asia/Shanghai';

/** Replies that do parse as completions; every negated variant of them must not. */
const COMPLETIONS = [
  '1、3 已学完', '第二项完成', '完成 2', '已学习 3', '都完成了', '全部完成', '完成', '已完成', '学习了', '✅', '√', '第2项✅',
  '1-3完成', '第二至第四项已完成', '第1条和第3条已办结', '1/3/5 搞定', '我已经全部学完了', '第2项和第3项都学完了',
  '已完成第一项和第三项的学习', '看完了第三项', '1 ok', 'done', '第一项搞定了', '第3项已读', '①③完成', '@党建助手 1 已学完',
  '第二项完成，心得：不忘初心', '完成，体会：受益匪浅', '1、2已学习 心得体会：深刻领会', '第1项学习任务已完成',
];
const HARD = ['没', '未', '还没', '没有', '尚未', '并未', '沒'];
const SOFT = ['不', '别', '无法', '还差', '快', '准备', '正在', '明天', '要', '?', '吗'];
const ITEMS = ['', '1', '第2项', '1、3', '第二项', '全部', '都', '1-3', '第一、三项'];
const VERBS = ['完成', '已完成', '学完', '已学完', '已学习', '学习', '看完', '做完', '办结', '搞定', '读完', '学'];

function variants(text: string, insert: string): string[] {
  const chars = [...text];
  return chars.map((_, i) => [...chars.slice(0, i), insert, ...chars.slice(i)].join('')).concat(`${text}${insert}`);
}

describe('negation safety', () => {
  it('the seeds are completions', () => {
    for (const t of COMPLETIONS) expect(parseReply(t, NOW, TZ).intent, t).toBe('complete');
  });

  it('没/未/还没 inserted anywhere (note included) never yields complete', () => {
    let checked = 0;
    for (const seed of COMPLETIONS) {
      for (const neg of HARD) {
        for (const text of variants(seed, neg)) {
          expect(parseReply(text, NOW, TZ).intent, text).not.toBe('complete');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('不/别/not-yet words and question marks inserted into the command never yield complete', () => {
    // (Not into a @mention: that is stripped as a whole, whatever the name.)
    for (const seed of COMPLETIONS.filter((t) => !/心得|体会|@/.test(t))) {
      for (const neg of SOFT) {
        for (const text of variants(seed, neg)) expect(parseReply(text, NOW, TZ).intent, text).not.toBe('complete');
      }
    }
  });

  it('generated "items + negation + verb" sentences are never completions', () => {
    const templates = [
      (i: string, n: string, v: string) => `${i}${n}${v}`,
      (i: string, n: string, v: string) => `${i}还${n}${v}`,
      (i: string, n: string, v: string) => `${n}${v}${i}`,
      (i: string, n: string, v: string) => `${i}${v}了，${i || '3'}${n}${v}`,
      (i: string, n: string, v: string) => `${i}${v}${n}`,
      (i: string, n: string, v: string) => `${i} ${n}${v}，心得：${i}`,
    ];
    let checked = 0;
    for (const i of ITEMS) for (const n of HARD) for (const v of VERBS) for (const t of templates) {
      const text = t(i, n, v);
      expect(parseReply(text, NOW, TZ).intent, text).not.toBe('complete');
      checked++;
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it('mixed reports ask instead of guessing', () => {
    for (const text of ['2完成了3还没', '1完成，2没完成', '第一项学完了第二项还没学', '1、2完成 3未完成', '除了第3项都完成了', '第2项完成，第3项明天']) {
      expect(parseReply(text, NOW, TZ).intent, text).toBe('unknown');
    }
  });

  it('negated meetings and extensions are not acted on either', () => {
    for (const text of ['支委会还没开', '主题党日未开展', '支部党员大会没召开', '不申请延期了', '没有申请延期', '不要撤销']) {
      expect(['unknown', 'mute'], text).toContain(parseReply(text, NOW, TZ).intent);
    }
  });
});
