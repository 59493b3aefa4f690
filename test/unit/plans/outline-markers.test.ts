import { describe, expect, it } from 'vitest';
import { chineseNumeral, chineseNumeralValue, formatMarker, matchMarker, normalizeMarkerCell } from '../../../src/domain/plans/outline-markers.js';

describe('matchMarker', () => {
  it.each([
    ['一、认真学习', 1, '一、', 1, '认真学习'],
    ['十二、总结', 1, '十二、', 12, '总结'],
    ['二十、其他', 1, '二十、', 20, '其他'],
    ['一、 总体要求和主要原则', 1, '一、', 1, '总体要求和主要原则'],
    ['三、\u3000全角空格', 1, '三、', 3, '全角空格'],
    ['（一）全角括号', 2, '(一)', 1, '全角括号'],
    ['(二)半角括号', 2, '(二)', 2, '半角括号'],
    ['（ 三 ）括号里有空格', 2, '(三)', 3, '括号里有空格'],
    ['（四）、后面跟顿号', 2, '(四)', 4, '后面跟顿号'],
    ['1.半角点', 3, '1.', 1, '半角点'],
    ['2．全角点', 3, '2.', 2, '全角点'],
    ['3、顿号', 3, '3.', 3, '顿号'],
    ['14. 点后有空格', 3, '14.', 14, '点后有空格'],
    ['１２．全角数字', 3, '12.', 12, '全角数字'],
    ['（1）全角括号数字', 4, '(1)', 1, '全角括号数字'],
    ['(2)半角括号数字', 4, '(2)', 2, '半角括号数字'],
    ['\u3000\u3000（3）行首全角空格', 4, '(3)', 3, '行首全角空格'],
    ['\ufeff一、BOM', 1, '一、', 1, 'BOM'],
  ])('%s', (line, level, marker, ordinal, rest) => {
    expect(matchMarker(line)).toEqual({ level, marker, ordinal, rest });
  });

  it.each([
    ['1.5万元用于支部活动'],
    ['3.8妇女节开展活动'],
    ['2023年机关党的建设总体要求是：'],
    ['2、3月份集中学习'],
    ['一是加强学习，二是强化落实'],
    ['一把手带头讲党课'],
    ['十分重要、必须落实'],
    ['把“两个维护”（一）落实'],
    ['按“1.”“2.”编号'],
    ['（2023年）工作安排'],
    ['(10万元)'],
    ['0.安排'],
    [''],
  ])('%s is not a marker', (line) => {
    expect(matchMarker(line)).toBeNull();
  });
});

describe('numerals and marker formats', () => {
  it('reads and writes Chinese numerals 1–99', () => {
    expect([1, 9, 10, 11, 19, 20, 21, 99].map(chineseNumeral)).toEqual(['一', '九', '十', '十一', '十九', '二十', '二十一', '九十九']);
    for (let n = 1; n <= 99; n++) expect(chineseNumeralValue(chineseNumeral(n))).toBe(n);
    expect(chineseNumeralValue('二二')).toBeNull();
    expect(chineseNumeralValue('')).toBeNull();
  });

  it('formats each level', () => {
    expect([1, 2, 3, 4].map((l) => formatMarker(l as 1 | 2 | 3 | 4, 3))).toEqual(['三、', '(三)', '3.', '(3)']);
  });

  it('normalises a 序号 cell for the level of its row', () => {
    expect(normalizeMarkerCell('（一）', 2)).toBe('(一)');
    expect(normalizeMarkerCell('1．', 3)).toBe('1.');
    expect(normalizeMarkerCell('3', 3)).toBe('3.');
    expect(normalizeMarkerCell('3', 1)).toBe('三、');
    expect(normalizeMarkerCell('二', 2)).toBe('(二)');
    expect(normalizeMarkerCell(' 1.1 ', 3)).toBe('1.1');
    expect(normalizeMarkerCell('', 3)).toBe('');
  });
});
