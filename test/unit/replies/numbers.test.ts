import { describe, expect, it } from 'vitest';
import { parseItemList } from '../../../src/replies/item-list.js';
import { circledValue, normalizeReply } from '../../../src/replies/normalize.js';
import { chineseNumber, parseInteger, parsePoints } from '../../../src/replies/numbers.js';

describe('chineseNumber', () => {
  it.each([
    ['一', 1], ['二', 2], ['两', 2], ['九', 9], ['十', 10], ['十一', 11], ['十二', 12], ['十九', 19],
    ['二十', 20], ['二十三', 23], ['三十', 30], ['五十五', 55], ['九十九', 99], ['零', 0], ['〇', 0],
  ])('%s → %i', (s, n) => expect(chineseNumber(s)).toBe(n));

  it.each(['', '一二', '十十', '二十两', '两十', '十零', '零十', '一百', '三百', '十二三', 'a', '第一'])('%s is not a numeral', (s) => {
    expect(chineseNumber(s)).toBeNull();
  });

  it('every number 1..99 written in Chinese reads back', () => {
    const digit = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    for (let n = 1; n <= 99; n++) {
      const tens = Math.floor(n / 10);
      const ones = n % 10;
      const s = tens === 0 ? digit[ones]! : `${tens === 1 ? '' : digit[tens]!}十${digit[ones]!}`;
      expect(chineseNumber(s), s).toBe(n);
    }
  });

  it('parseInteger takes Arabic digits too; parsePoints takes decimals and 一百', () => {
    expect(parseInteger('07')).toBe(7);
    expect(parseInteger(' 十二 ')).toBe(12);
    expect(parseInteger('1.5')).toBeNull();
    expect(parsePoints('85.5')).toBe(85.5);
    expect(parsePoints('八十五')).toBe(85);
    expect(parsePoints('一百')).toBe(100);
    expect(parsePoints('85.555')).toBeNull();
    expect(parsePoints('-3')).toBeNull();
  });
});

describe('circled and full-width digits', () => {
  it.each([
    ['①', 1], ['⑩', 10], ['⑳', 20], ['㉑', 21], ['㉟', 35], ['㊱', 36], ['㊿', 50], ['⑴', 1], ['⒇', 20], ['⒈', 1], ['❶', 1], ['➀', 1], ['⓫', 11],
  ])('%s → %i', (c, n) => expect(circledValue(c)).toBe(n));

  it.each([
    ['①③完成', '1、3完成'],
    ['第①项完成', '第1项完成'],
    ['１２３', '123'],
    ['１、３已完成', '1、3已完成'],
    ['１２③', '12、3'],
    ['ＯＫ', 'OK'],
    ['第２项～第４项', '第2项~第4项'],
  ])('normalizes %s → %s', (input, out) => expect(normalizeReply(input)).toBe(out));
});

describe('normalizeReply', () => {
  it.each([
    ['@党建助手 开始互观互检', '开始互观互检'],
    ['@党建助手开始互观互检', '开始互观互检'],
    ['@党建助手\u2005第2项完成', '第2项完成'],
    ['@张三 @李四 完成', '完成'],
    ['  第2项完成！！', '第2项完成'],
    ['第2项完成。', '第2项完成'],
    ['第2项完成👍👍', '第2项完成'],
    ['第2项完成[强]', '第2项完成'],
    ['第2项✅', '第2项✅'],
    ['√', '√'],
    ['完成了吗？', '完成了吗？'],
    ['?', '?'],
    ['第二项完成，心得：不忘初心，牢记使命。', '第二项完成，心得：不忘初心，牢记使命'],
    ['1\u3000\u30003\u200b完成', '1 3完成'],
    ['', ''],
  ])('%s → %s', (input, out) => expect(normalizeReply(input)).toBe(out));
});

describe('parseItemList', () => {
  it.each<[string, number[]]>([
    ['1', [1]],
    ['1、3', [1, 3]],
    ['3、1、3', [1, 3]],
    ['1,2,3', [1, 2, 3]],
    ['1，2', [1, 2]],
    ['1 3', [1, 3]],
    ['1/3', [1, 3]],
    ['1和3', [1, 3]],
    ['1及3', [1, 3]],
    ['1与3', [1, 3]],
    ['1以及3', [1, 3]],
    ['1-3', [1, 2, 3]],
    ['1 - 3', [1, 2, 3]],
    ['1~3', [1, 2, 3]],
    ['1到3', [1, 2, 3]],
    ['1至3', [1, 2, 3]],
    ['第二至第四项', [2, 3, 4]],
    ['第2项至第4项', [2, 3, 4]],
    ['第一至三项', [1, 2, 3]],
    ['1-3、5', [1, 2, 3, 5]],
    ['第二项', [2]],
    ['第二十三条', [23]],
    ['第1、3项', [1, 3]],
    ['第一、三项', [1, 3]],
    ['第1条和第3条', [1, 3]],
    ['第1项第2项', [1, 2]],
    ['2项', [2]],
    ['第4个', [4]],
    ['99', [99]],
    ['98-99', [98, 99]],
  ])('%s → %j', (s, items) => expect(parseItemList(s)).toEqual(items));

  it.each(['', '0', '100', '1-100', '3-1', '第', '1、', '、1', '1,,2', 'a', '1.3', '12.5', '两项', '三条', '2个', '1一2', '第一二项', '一百'])(
    '%s is not an item list',
    (s) => expect(parseItemList(s)).toBeNull(),
  );
});
