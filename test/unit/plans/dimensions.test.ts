import { describe, expect, it } from 'vitest';
import { DEFAULT_DIMENSION_NAMES, detectDimensions, effectiveDimensions, parseDimensionList } from '../../../src/domain/plans/dimensions.js';

describe('detectDimensions', () => {
  it.each([
    ['认真学习贯彻党的二十大精神，推进政治型机关建设', ['政治型']],
    ['服务中心大局，推进服务型和实干型机关建设', ['服务型', '实干型']],
    ['推进实干型、服务型机关建设', ['服务型', '实干型']],
    ['聚焦固本强基，推进基层党组织建设', []],
    ['以党的思想建设引领创建“学习型机关”', []],
  ])('%s', (title, dims) => {
    expect(detectDimensions(title)).toEqual(dims);
  });

  it('uses the configured names and aliases', () => {
    const config = { names: ['政治型', '服务型', '实干型', '文明型', '廉洁型'], aliases: { 效能型: '实干型', 学习型: '服务型', 无效: '不存在' } };
    expect(detectDimensions('引领创建“效能型机关”', config)).toEqual(['实干型']);
    expect(detectDimensions('创建“学习型机关”和服务型机关', config)).toEqual(['服务型']);
    expect(detectDimensions('无效', config)).toEqual([]);
    expect(detectDimensions('创建“学习型机关”', { names: ['政治型', '学习型'] })).toEqual(['学习型']);
  });

  it('has the five default names', () => {
    expect(DEFAULT_DIMENSION_NAMES).toEqual(['政治型', '服务型', '实干型', '文明型', '廉洁型']);
  });
});

describe('parseDimensionList', () => {
  it('splits a cell and reports what it does not know', () => {
    expect(parseDimensionList('廉洁型、政治型')).toEqual({ dimensions: ['政治型', '廉洁型'], unknown: [] });
    expect(parseDimensionList('服务 / 实干')).toEqual({ dimensions: ['服务型', '实干型'], unknown: [] });
    expect(parseDimensionList('学习型，文明型')).toEqual({ dimensions: ['文明型'], unknown: ['学习型'] });
    expect(parseDimensionList('效能型', { names: DEFAULT_DIMENSION_NAMES, aliases: { 效能型: '实干型' } }).dimensions).toEqual(['实干型']);
  });
});

describe('effectiveDimensions', () => {
  const section = { dimensions: ['服务型', '实干型'] };
  const goal = { dimensions: [] as string[] };
  it('takes the node’s own, else the nearest ancestor’s', () => {
    expect(effectiveDimensions({ dimensions: ['服务型'] }, [section, goal])).toEqual(['服务型']);
    expect(effectiveDimensions({ dimensions: [] }, [section, goal])).toEqual(['服务型', '实干型']);
    expect(effectiveDimensions({ dimensions: [] }, [section, { dimensions: ['廉洁型'] }])).toEqual(['廉洁型']);
    expect(effectiveDimensions({ dimensions: [] }, [])).toEqual([]);
  });
});
