import { describe, expect, it } from 'vitest';
import { parseOutline, parseOutlineDetailed, splitHeading } from '../../../src/domain/plans/parse-outline.js';
import type { PlanNode } from '../../../src/domain/plans/types.js';

/** Marker and title only, for compact expectations. */
function shape(nodes: PlanNode[]): unknown[] {
  return nodes.map((n) => (n.children.length > 0 ? [`${n.marker}${n.title}`, shape(n.children)] : `${n.marker}${n.title}`));
}

describe('parseOutline: levels', () => {
  it('nests all four levels', () => {
    const text = ['一、甲', '（一）甲一', '1.甲一1', '（1）甲一1a', '(2)甲一1b', '2．甲一2', '（二）甲二', '二、乙'].join('\n');
    expect(shape(parseOutline(text).nodes)).toEqual([
      ['一、甲', [['(一)甲一', [['1.甲一1', ['(1)甲一1a', '(2)甲一1b']], '2.甲一2']], '(二)甲二']],
      '二、乙',
    ]);
  });

  it('nests a skipped level under the nearest higher one (一、 → 1.)', () => {
    const text = ['一、甲', '1.一', '2.二', '二、乙', '3.三', '（1）细'].join('\n');
    expect(shape(parseOutline(text).nodes)).toEqual([['一、甲', ['1.一', '2.二']], ['二、乙', [['3.三', ['(1)细']]]]]);
  });

  it('accepts a document that starts below level 1', () => {
    expect(shape(parseOutline('（一）甲\n1、子\n（二）乙').nodes)).toEqual([['(一)甲', ['1.子']], '(二)乙']);
  });

  it('normalises markers to half-width', () => {
    const markers = parseOutline('一、a\n（一）b\n1．c\n（1）d\n2、e').nodes[0]?.children[0]?.children.map((n) => n.marker);
    expect(markers).toEqual(['1.', '2.']);
  });
});

describe('parseOutline: titles and text', () => {
  it('splits a heading at the first 。 and keeps following paragraphs as text', () => {
    const outline = parseOutline('一、总体要求\n1.严肃党内政治生活。认真落实“三会一课”。丰富主题党日。\n这一段没有编号，属于上一项。\n\n另一段也是。\n2.第二项');
    const first = outline.nodes[0]?.children[0];
    expect(first?.title).toBe('严肃党内政治生活');
    expect(first?.text).toBe('认真落实“三会一课”。丰富主题党日。\n这一段没有编号，属于上一项。\n另一段也是。');
    expect(outline.nodes[0]?.children[1]).toEqual({ marker: '2.', title: '第二项', text: '', dimensions: [], children: [] });
    expect(outline.nodes[0]?.text).toBe('');
  });

  it('keeps a heading without 。 whole', () => {
    expect(splitHeading('服务中心大局，推进服务型和实干型机关建设')).toEqual({ title: '服务中心大局，推进服务型和实干型机关建设', text: '' });
    expect(splitHeading('总体要求。 以……为指导')).toEqual({ title: '总体要求', text: '以……为指导' });
  });

  it('takes the next paragraph as title when the marker stands alone', () => {
    const node = parseOutline('一、\n加强政治建设。具体要求\n说明').nodes[0];
    expect(node).toMatchObject({ marker: '一、', title: '加强政治建设', text: '具体要求\n说明' });
  });

  it('takes the first line as the title and drops the preamble', () => {
    const { outline, preamble } = parseOutlineDetailed('\n\n2023年区党建工作要点\n\n2023年机关党的建设总体要求是：坚持……。\n一、甲\n1.乙');
    expect(outline.title).toBe('2023年区党建工作要点');
    expect(preamble).toEqual(['2023年机关党的建设总体要求是：坚持……。']);
    expect(shape(outline.nodes)).toEqual([['一、甲', ['1.乙']]]);
  });

  it('has no title when the document starts with a sentence or a marker', () => {
    expect(parseOutline('为深入贯彻落实……，制定以下实施意见。\n一、甲').title).toBe('');
    expect(parseOutline('一、甲\n二、乙').title).toBe('');
  });

  it('returns no nodes for text without markers', () => {
    expect(parseOutline('只有标题\n和一段话。')).toEqual({ title: '只有标题', nodes: [] });
    expect(parseOutline('')).toEqual({ title: '', nodes: [] });
  });
});

describe('parseOutline: traps', () => {
  it('does not take numbers inside or at the start of sentences for markers', () => {
    const text = [
      '一、落实经费保障',
      '1.划拨专项经费。每年从留存党费中划拨100万元，',
      '1.5万元用于支部活动，',
      '2023年起列入预算。一是加强学习，二是强化落实。',
      '一是建立台账；二是定期通报。',
      '2.第二项',
    ].join('\n');
    const [section] = parseOutline(text).nodes;
    expect(section?.children.map((n) => n.title)).toEqual(['划拨专项经费', '第二项']);
    expect(section?.children[0]?.text).toBe('每年从留存党费中划拨100万元，\n1.5万元用于支部活动，\n2023年起列入预算。一是加强学习，二是强化落实。\n一是建立台账；二是定期通报。');
  });

  it('handles a BOM, Windows and old Mac line endings, full-width spaces and tabs', () => {
    const text = '\ufeff标题\r\n\r\n\u3000\u3000一、\u3000甲\u3000\r\n\t1．乙。正文\u3000\r2、丙\r\n';
    const outline = parseOutline(text);
    expect(outline.title).toBe('标题');
    expect(outline.nodes).toEqual([{
      marker: '一、', title: '甲', text: '', dimensions: [],
      children: [
        { marker: '1.', title: '乙', text: '正文', dimensions: [], children: [] },
        { marker: '2.', title: '丙', text: '', dimensions: [], children: [] },
      ],
    }]);
  });

  it('warns about odd numbering but still builds the tree', () => {
    const { outline, warnings } = parseOutlineDetailed('一、甲\n1.a\n3.b\n三、乙');
    expect(shape(outline.nodes)).toEqual([['一、甲', ['1.a', '3.b']], '三、乙']);
    expect(warnings).toEqual([
      '第3行：编号“3.”前面是“1.”，请检查是否漏项或编号有误',
      '第4行：编号“三、”前面是“一、”，请检查是否漏项或编号有误',
    ]);
  });

  it('accepts numbering that restarts per section and numbering that runs on', () => {
    expect(parseOutlineDetailed('一、甲\n1.a\n2.b\n二、乙\n1.c').warnings).toEqual([]);
    expect(parseOutlineDetailed('一、甲\n1.a\n2.b\n二、乙\n3.c').warnings).toEqual([]);
  });
});

describe('parseOutline: dimensions', () => {
  it('tags headings that name a dimension, and only from the title', () => {
    const outline = parseOutline([
      '一、推进政治型机关建设',
      '1.严守纪律。推进廉洁型机关建设。',
      '二、推进服务型和实干型机关建设',
      '三、推进基层党组织建设',
      '（一）创建廉洁型党支部',
    ].join('\n'));
    expect(outline.nodes.map((n) => n.dimensions)).toEqual([['政治型'], ['服务型', '实干型'], []]);
    expect(outline.nodes[0]?.children[0]?.dimensions).toEqual([]);
    expect(outline.nodes[2]?.children[0]?.dimensions).toEqual(['廉洁型']);
  });

  it('uses the configured dimensions and aliases', () => {
    const outline = parseOutline('一、创建“学习型机关”\n二、创建“效能型机关”', {
      dimensions: { names: ['政治型', '服务型', '实干型'], aliases: { 学习型: '服务型', 效能型: '实干型' } },
    });
    expect(outline.nodes.map((n) => n.dimensions)).toEqual([['服务型'], ['实干型']]);
  });
});
