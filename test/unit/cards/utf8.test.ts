import { describe, expect, it } from 'vitest';
import { ellipsizeChars, ellipsizeUtf8, truncateUtf8, utf8Bytes } from '../../../cards/utf8.js';

describe('utf8Bytes', () => {
  it.each([
    ['', 0], ['abc', 3], ['é', 2], ['党', 3], ['党建助手', 12], ['😀', 4], ['👨‍👩‍👧', 18], ['a党😀', 8],
  ])('%j is %i bytes', (s, n) => {
    expect(utf8Bytes(s)).toBe(n);
    expect(utf8Bytes(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});

describe('truncateUtf8', () => {
  it.each([
    ['党建助手', 12, '党建助手'],
    ['党建助手', 11, '党建助'], // never half a CJK character
    ['党建助手', 2, ''],
    ['a😀b', 4, 'a'], // never half a surrogate pair
    ['a😀b', 5, 'a😀'],
    ['👨‍👩‍👧x', 17, ''], // never part of a ZWJ sequence
    ['👨‍👩‍👧x', 18, '👨‍👩‍👧'],
  ])('%j to %i bytes → %j', (s, max, out) => {
    expect(truncateUtf8(s, max)).toBe(out);
    expect(utf8Bytes(truncateUtf8(s, max))).toBeLessThanOrEqual(max);
  });
});

describe('ellipsize', () => {
  it('keeps text that fits exactly at the byte limit', () => {
    expect(ellipsizeUtf8('一二三四', 12)).toBe('一二三四');
  });
  it('ends cut text with … and stays within the limit', () => {
    expect(ellipsizeUtf8('一二三四五', 12)).toBe('一二三…');
    expect(utf8Bytes(ellipsizeUtf8('一二三四五', 12))).toBe(12);
    expect(ellipsizeUtf8('学习😀😀😀', 13)).toBe('学习😀…'); // 6 + 4 + 3 = 13
    expect(ellipsizeUtf8('学习😀😀😀', 12)).toBe('学习…'); // the emoji is not split to fill the gap
  });
  it('counts characters for 字 limits', () => {
    expect(ellipsizeChars('互观互检2026年第四季度评分', 26)).toBe('互观互检2026年第四季度评分');
    expect(ellipsizeChars('一二三四五六', 5)).toBe('一二三四…');
    expect(ellipsizeChars('😀😀😀😀😀😀', 5)).toBe('😀😀😀😀…');
  });
});
