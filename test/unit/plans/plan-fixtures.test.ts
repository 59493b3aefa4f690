import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOutline } from '../../../src/domain/plans/parse-outline.js';
import { planItems, planYearFromTitle } from '../../../src/domain/plans/plan-items.js';
import { EMPTY_OUTLINE_MESSAGE } from '../../../src/domain/plans/types.js';
import { ValidationError } from '../../../src/errors.js';
import { parsePlanFile, plainTextFromMarkdown, readPlanFile } from '../../../src/importers/read-plan-file.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const shared = resolve(repoRoot, '../shared/fixtures/plans');
const local = resolve(repoRoot, 'test/fixtures/plans');
const workPointsText = readFileSync(join(shared, 'work-points-2023.txt'), 'utf8');

describe('work-points-2023.txt (一、 sections, items 1.–25. numbered on across sections)', async () => {
  const { outline, warnings, preamble, format } = await readPlanFile(join(shared, 'work-points-2023.txt'));

  it('has 6 sections with 5, 6, 3, 3, 4, 4 items', () => {
    expect(format).toBe('text');
    expect(outline.title).toBe('2023年区党建工作要点');
    expect(outline.nodes.map((n) => n.marker)).toEqual(['一、', '二、', '三、', '四、', '五、', '六、']);
    expect(outline.nodes.map((n) => n.children.length)).toEqual([5, 6, 3, 3, 4, 4]);
    const items = outline.nodes.flatMap((n) => n.children);
    expect(items.map((n) => n.marker)).toEqual(Array.from({ length: 25 }, (_, i) => `${i + 1}.`));
    expect(items.every((n) => n.children.length === 0 && n.dimensions.length === 0 && n.text !== '')).toBe(true);
    expect(warnings).toEqual([]);
    expect(preamble).toHaveLength(1);
    expect(preamble[0]).toMatch(/^2023年机关党的建设总体要求是：/);
  });

  it('keeps titles and texts as written', () => {
    expect(outline.nodes[0]?.title).toBe('认真学习贯彻党的二十大精神，推进政治型机关建设');
    expect(outline.nodes[5]?.title).toBe('层层压实责任，推进全面从严治党向纵深发展');
    expect(outline.nodes[0]?.text).toBe('');
    const first = outline.nodes[0]?.children[0];
    expect(first?.title).toBe('以县处级以上领导干部为重点深入开展主题教育');
    expect(first?.text).toMatch(/^把开展主题教育作为重要政治任务，.*营造浓厚的主题教育氛围。$/);
    expect(outline.nodes[2]?.children[2]).toMatchObject({ marker: '14.', title: '推进共青团和青年工作' });
    expect(outline.nodes[3]?.children[1]?.title).toBe('大力实施“四警六廉工程”');
    expect(outline.nodes[5]?.children[3]?.title).toBe('严格督查考核');
  });

  it('tags sections 一–四 with the dimensions they name', () => {
    expect(outline.nodes.map((n) => n.dimensions)).toEqual([['政治型'], ['服务型', '实干型'], ['文明型'], ['廉洁型'], [], []]);
  });

  it('gives every item its section’s dimensions and a year-end deadline through planItems', () => {
    const year = planYearFromTitle(outline.title);
    expect(year).toBe(2023);
    const items = planItems(outline, { year: year ?? 0 });
    expect(items).toHaveLength(31);
    const item6 = items.find((i) => i.node.marker === '6.');
    expect(item6).toMatchObject({ path: [1, 0], dimensions: ['服务型', '实干型'], deadline: '2023-12-31', deadlineSource: 'year-end' });
    expect(items.find((i) => i.node.marker === '25.')?.dimensions).toEqual([]);
  });
});

describe('five-type-implementation-plan.txt (一、 sections, items 1．–24． with full-width dots)', async () => {
  const { outline, warnings } = await readPlanFile(join(shared, 'five-type-implementation-plan.txt'));

  it('has 7 sections with 2, 4, 5, 5, 2, 2, 4 items', () => {
    expect(outline.title).toBe('加推机关“五型模范机关”的实施方案');
    expect(outline.nodes.map((n) => n.marker)).toEqual(['一、', '二、', '三、', '四、', '五、', '六、', '七、']);
    expect(outline.nodes.map((n) => n.children.length)).toEqual([2, 4, 5, 5, 2, 2, 4]);
    expect(outline.nodes.flatMap((n) => n.children).map((n) => n.marker)).toEqual(Array.from({ length: 24 }, (_, i) => `${i + 1}.`));
    expect(outline.nodes.flatMap((n) => n.children).every((n) => n.children.length === 0)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('keeps titles and texts as written', () => {
    expect(outline.nodes[0]?.title).toBe('总体要求和主要原则');
    expect(outline.nodes[1]?.title).toBe('坚定践行“两个维护”，以党的政治建设引领创建“政治型机关”');
    expect(outline.nodes[0]?.children[0]?.title).toBe('总体要求');
    expect(outline.nodes[3]?.children[4]?.title).toBe('全面实施“党建+”融合工程');
    expect(outline.nodes[6]?.children[3]?.title).toBe('切实加强机关党建工作保障');
    // Item 5's text runs on after a double space; it is one paragraph, not a new item.
    expect(outline.nodes[1]?.children[2]?.text).toContain('说清楚。  应当自觉参加双重组织生活');
  });

  it('tags sections by the agency’s own five types when configured', async () => {
    expect(outline.nodes.map((n) => n.dimensions)).toEqual([[], ['政治型'], [], ['服务型'], [], ['廉洁型'], []]);
    const own = await readPlanFile(join(shared, 'five-type-implementation-plan.txt'), {
      dimensions: { names: ['政治型', '服务型', '实干型', '文明型', '廉洁型'], aliases: { 学习型: '服务型', 效能型: '实干型' } },
    });
    expect(own.outline.nodes.map((n) => n.dimensions)).toEqual([[], ['政治型'], ['服务型'], ['服务型'], ['实干型'], ['廉洁型'], []]);
  });
});

describe('work-points-2023.docx', () => {
  it('gives the same tree as its text source', async () => {
    const docx = await readPlanFile(join(local, 'work-points-2023.docx'));
    expect(docx.format).toBe('docx');
    expect(docx.outline).toEqual(parseOutline(workPointsText));
    expect(docx.preamble).toHaveLength(1);
  });

  it('rejects a file that is not a Word document', async () => {
    await expect(parsePlanFile(new TextEncoder().encode('not a zip'), 'plan.docx')).rejects.toThrow(/无法读取 Word 文件/);
  });
});

describe('plan-template-example.xlsx', async () => {
  const xlsx = await readPlanFile(join(local, 'plan-template-example.xlsx'));

  it('gives the same tree as the text source for the sections it holds (一 and 三)', () => {
    const text = parseOutline(workPointsText);
    expect(xlsx.format).toBe('xlsx');
    expect(xlsx.outline).toEqual({ title: text.title, nodes: [text.nodes[0], text.nodes[2]] });
  });

  it('carries 完成时限, 责任单位, 责任人 and 清单类型 beside the tree', () => {
    const items = planItems(xlsx.outline, { year: 2023, details: xlsx.details });
    const byMarker = new Map(items.map((i) => [i.node.marker, i]));
    expect(byMarker.get('1.')).toMatchObject({ deadline: '2023-06-30', deadlineSource: 'column', details: { rowNumber: 4, responsibleUnit: '机关党委', responsiblePerson: '张三', listKind: '学习清单' } });
    expect(byMarker.get('2.')).toMatchObject({ deadline: '2023-11-30', deadlineSource: 'column' });
    expect(byMarker.get('3.')).toMatchObject({ deadline: '2023-12-31', deadlineSource: 'year-end', details: { responsibleUnit: '各党支部' } });
    expect(byMarker.get('5.')).toMatchObject({ deadline: '2023-12-31', deadlineSource: 'year-end', details: { deadlineText: '每季度' } });
    expect(byMarker.get('12.')).toMatchObject({ deadline: '2023-09-30', dimensions: ['文明型'] });
    expect(byMarker.get('13.')?.deadline).toBe('2023-12-31');
    expect(byMarker.get('14.')).toMatchObject({ deadline: '2023-06-30', details: { listKind: '创新清单' } });
  });
});

describe('readPlanFile: encodings and refusals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-file-'));
  const sample = '2026年工作要点\r\n一、推进政治型机关建设\r\n1．加强学习。6月底前完成。\r\n';
  const expected = {
    title: '2026年工作要点',
    nodes: [{ marker: '一、', title: '推进政治型机关建设', text: '', dimensions: ['政治型'], children: [{ marker: '1.', title: '加强学习', text: '6月底前完成。', dimensions: [], children: [] }] }],
  };

  it('reads UTF-8 with a BOM (.md) and GB18030/GBK (.txt)', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(sample)]);
    expect((await parsePlanFile(bom, '要点.md')).outline).toEqual(expected);
    // "2026年工作要点\r\n一、推进…" in GBK: the test writes the bytes Windows Notepad would.
    const gbk = gbkBytes(sample);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
    writeFileSync(join(dir, 'gbk.TXT'), gbk);
    expect((await readPlanFile(join(dir, 'gbk.TXT'))).outline).toEqual(expected);
  });

  it('reads markdown headings, emphasis and escapes in .md files', async () => {
    const md = '# 2026年工作要点\n\n## 一、推进**政治型**机关建设\n\n1\\. **加强学习。**6月底前完成。\n';
    expect(plainTextFromMarkdown(md)).toBe('2026年工作要点\n\n一、推进政治型机关建设\n\n1. 加强学习。6月底前完成。\n');
    expect((await parsePlanFile(new TextEncoder().encode(md), 'plan.md')).outline).toEqual(expected);
  });

  it('refuses unknown and legacy file types in Chinese', async () => {
    await expect(readPlanFile(join(dir, 'plan.pdf'))).rejects.toThrow('不支持的文件类型“.pdf”，请使用 .txt、.md、.docx、.xlsx 文件');
    await expect(parsePlanFile(new Uint8Array(), 'plan.doc')).rejects.toThrow(/另存为 \.docx/);
    await expect(parsePlanFile(new Uint8Array(), 'plan.xls')).rejects.toThrow(/另存为 \.xlsx/);
    await expect(parsePlanFile(new Uint8Array(), 'plan')).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a document without numbered items', async () => {
    await expect(parsePlanFile(new TextEncoder().encode('2026年工作要点\n全年认真做好各项工作。'), 'a.txt')).rejects.toThrow(EMPTY_OUTLINE_MESSAGE);
    await expect(parsePlanFile(new Uint8Array(), 'a.txt')).rejects.toThrow(EMPTY_OUTLINE_MESSAGE);
    expect(EMPTY_OUTLINE_MESSAGE).toBe('文档中没有找到任何带编号的条目（如“一、”“（一）”“1.”）');
  });

  it('refuses a missing file with a ValidationError', async () => {
    await expect(readPlanFile(join(dir, 'missing.txt'))).rejects.toThrow(/无法读取文件“missing.txt”/);
  });
});

/** GBK bytes for the sample (no GBK encoder in Node): each character's code from a small table. */
function gbkBytes(text: string): Uint8Array {
  // Build the table by decoding every two-byte GBK code once, for the characters needed.
  const needed = new Set([...text].filter((c) => c.charCodeAt(0) > 0x7f));
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe && table.size < needed.size; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (needed.has(ch) && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  return new Uint8Array([...text].flatMap((c) => table.get(c) ?? [c.charCodeAt(0)]));
}
