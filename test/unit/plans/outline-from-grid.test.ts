import { describe, expect, it } from 'vitest';
import { outlineFromGrid, PLAN_TEMPLATE_HEADERS } from '../../../src/domain/plans/outline-from-grid.js';
import type { PlanNode } from '../../../src/domain/plans/types.js';

const HEADER = ['序号', '方面', '目标', '任务', '工作要求', '完成时限', '责任单位', '责任人', '清单类型', '五型维度'];

function shape(nodes: PlanNode[]): unknown[] {
  return nodes.map((n) => (n.children.length > 0 ? [`${n.marker}${n.title}`, shape(n.children)] : `${n.marker}${n.title}`));
}

describe('outlineFromGrid', () => {
  it('reads one row per node, with the title row above the header', () => {
    const { outline, details, errors } = outlineFromGrid([
      ['2026年机关党建工作清单'],
      [],
      HEADER,
      ['一、', '推进政治型机关建设', '', '', '', '', '', '', '', ''],
      ['（一）', '', '强化理论武装', '', '', '', '', '', '', ''],
      ['1', '', '', '开展专题学习', '每月一次', '6月底前', '机关党委', '张三', '学习清单', ''],
      ['2', '', '', '组织读书班。分两期举办', '', '', '', '', '', '服务型'],
      ['', '', '', '', '', '', '', '', '', ''],
      ['二、', '推进廉洁型机关建设', '', '', '', '', '', '', '', ''],
      ['3.', '', '', '开展警示教育', '', '', '', '', '', ''],
    ]);
    expect(errors).toEqual([]);
    expect(outline.title).toBe('2026年机关党建工作清单');
    expect(shape(outline.nodes)).toEqual([
      ['一、推进政治型机关建设', [['(一)强化理论武装', ['1.开展专题学习', '2.组织读书班']]]],
      ['二、推进廉洁型机关建设', ['3.开展警示教育']],
    ]);
    expect(outline.nodes.map((n) => n.dimensions)).toEqual([['政治型'], ['廉洁型']]);
    const [study, reading] = outline.nodes[0]?.children[0]?.children ?? [];
    expect(study?.text).toBe('每月一次');
    expect(reading).toMatchObject({ text: '分两期举办', dimensions: ['服务型'] });
    expect(study && details.get(study)).toEqual({ rowNumber: 6, deadlineText: '6月底前', responsibleUnit: '机关党委', responsiblePerson: '张三', listKind: '学习清单' });
    expect(reading && details.get(reading)).toEqual({ rowNumber: 7 });
  });

  it('reads a ledger that repeats (or merges) 方面 and 目标 down its rows, numbering what has no 序号', () => {
    const { outline, errors } = outlineFromGrid([
      ['方面', '目标', '任务', '责任人'],
      ['一、推进政治型机关建设', '强化理论武装', '开展专题学习', '张三'],
      ['一、推进政治型机关建设', '强化理论武装', '组织读书班', '李四'],
      ['一、推进政治型机关建设', '严肃组织生活', '落实三会一课', ''],
      ['推进廉洁型机关建设', '', '开展警示教育', ''],
      ['', '', '开展廉政谈话', ''],
    ]);
    expect(errors).toEqual([]);
    expect(shape(outline.nodes)).toEqual([
      ['一、推进政治型机关建设', [['(一)强化理论武装', ['1.开展专题学习', '2.组织读书班']], ['(二)严肃组织生活', ['1.落实三会一课']]]],
      ['二、推进廉洁型机关建设', ['1.开展警示教育', '2.开展廉政谈话']],
    ]);
    expect(outline.title).toBe('');
  });

  it('accepts header variants', () => {
    const { outline, details, errors } = outlineFromGrid([
      [' 工作方面 ', '具体任务*', '完成时间', '牵头单位', '维度', '备注'],
      ['政治建设', '', '', '', '政治', ''],
      ['', '学习', '2026-03-31', '办公室', '', '无'],
    ]);
    expect(errors).toEqual([]);
    expect(outline.nodes[0]?.dimensions).toEqual(['政治型']);
    const task = outline.nodes[0]?.children[0];
    expect(task?.marker).toBe('1.');
    expect(task && details.get(task)).toEqual({ rowNumber: 3, deadlineText: '2026-03-31', responsibleUnit: '办公室' });
    expect(PLAN_TEMPLATE_HEADERS.level3[0]).toBe('任务');
  });

  it('reports every bad row', () => {
    const { errors } = outlineFromGrid([
      HEADER,
      ['', '推进政治型机关建设', '', '', '', '', '', '', '', '学习型'],
      ['', '', '', '', '只有要求没有标题', '', '', '', '', ''],
      ['', '', '', '任务', '', '', '', '', '', '政治型, 效能'],
    ]);
    expect(errors).toEqual([
      { row: 2, message: '第2行：五型维度“学习型”不在配置的维度中（政治型、服务型、实干型、文明型、廉洁型）' },
      { row: 3, message: '第3行：“方面”“目标”“任务”都是空的，每行至少要填其中一项' },
      { row: 4, message: '第4行：五型维度“效能”不在配置的维度中（政治型、服务型、实干型、文明型、廉洁型）' },
    ]);
  });

  it('refuses a sheet without title columns', () => {
    const { errors, outline } = outlineFromGrid([['姓名', '支部'], ['张三', '第一支部']]);
    expect(outline.nodes).toEqual([]);
    expect(errors[0]?.message).toMatch(/没有找到“方面”“目标”“任务”列/);
  });
});
