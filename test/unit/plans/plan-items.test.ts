import { describe, expect, it } from 'vitest';
import { parseOutline } from '../../../src/domain/plans/parse-outline.js';
import { planItems, planYearFromTitle, walkOutline } from '../../../src/domain/plans/plan-items.js';

describe('walkOutline / planItems', () => {
  const outline = parseOutline('2026年工作要点\n一、推进服务型机关建设\n（一）走访基层\n1.结对帮扶。上半年完成结对。\n2.调研。每季度一次。\n二、其他\n3.总结。12月10日前报送。');

  it('walks depth first with ancestors and paths', () => {
    expect([...walkOutline(outline)].map((e) => [e.node.marker, e.path, e.ancestors.map((a) => a.marker)])).toEqual([
      ['一、', [0], []],
      ['(一)', [0, 0], ['一、']],
      ['1.', [0, 0, 0], ['一、', '(一)']],
      ['2.', [0, 0, 1], ['一、', '(一)']],
      ['二、', [1], []],
      ['3.', [1, 0], ['二、']],
    ]);
  });

  it('inherits dimensions and resolves deadlines from the text, else year end', () => {
    expect(planItems(outline, { year: 2026 }).map((i) => [i.node.marker, i.dimensions, i.deadline, i.deadlineSource])).toEqual([
      ['一、', ['服务型'], '2026-12-31', 'year-end'],
      ['(一)', ['服务型'], '2026-12-31', 'year-end'],
      ['1.', ['服务型'], '2026-06-30', 'text'],
      ['2.', ['服务型'], '2026-12-31', 'year-end'],
      ['二、', [], '2026-12-31', 'year-end'],
      ['3.', [], '2026-12-10', 'text'],
    ]);
  });

  it('reads the plan year from a title', () => {
    expect(planYearFromTitle('2023年区党建工作要点')).toBe(2023);
    expect(planYearFromTitle('关于２０２５年机关党建工作的安排')).toBe(2025);
    expect(planYearFromTitle('加推机关“五型模范机关”的实施方案')).toBeNull();
  });
});
