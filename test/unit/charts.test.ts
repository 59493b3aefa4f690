import { inflateSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  byDimensionBar, cjkFont, completionByBranchBar, monthTrendLine, renderChartSvg, renderPng, renderPngOrNull,
} from '../../src/charts/index.js';

// ---- reading what we rendered ---------------------------------------------------------------------------

interface XmlNode {
  tag: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

type Ordered = Record<string, unknown>;

/** Parses the SVG as XML (it must be well-formed) into a small tree with decoded text and attributes. */
function parseSvg(svg: string): XmlNode {
  expect(XMLValidator.validate(svg)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, preserveOrder: true, attributeNamePrefix: '', htmlEntities: true, cdataPropName: '#cdata', trimValues: false });
  const convert = (entry: Ordered): XmlNode => {
    const tag = Object.keys(entry).find((k) => k !== ':@')!;
    const attrs = (entry[':@'] ?? {}) as Record<string, string>;
    if (tag === '#text' || tag === '#cdata') return { tag, attrs: {}, children: [], text: tag === '#text' ? String(entry[tag]) : '' };
    const children = (entry[tag] as Ordered[]).map(convert);
    return { tag, attrs, children, text: children.filter((c) => c.tag === '#text').map((c) => c.text).join('') };
  };
  const roots = (parser.parse(svg) as Ordered[]).map(convert).filter((n) => n.tag !== '#text');
  expect(roots.map((r) => r.tag)).toEqual(['svg']);
  return roots[0]!;
}

function all(node: XmlNode): XmlNode[] {
  return [node, ...node.children.flatMap(all)];
}

/** The visible text labels in document order, with their position. */
function labels(svg: string): { text: string; x: number; y: number }[] {
  return all(parseSvg(svg)).filter((n) => n.tag === 'text').map((n) => {
    const [, x, y] = /translate\(([-\d.]+)[ ,]([-\d.]+)\)/.exec(n.attrs.transform ?? '') ?? [];
    return { text: n.text, x: Number(x ?? n.attrs.x ?? 0), y: Number(y ?? 0) + Number(n.attrs.y ?? 0) };
  });
}

/** A PNG's IHDR and RGBA pixels (resvg writes 8-bit RGBA, non-interlaced). */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  expect([png[24], png[25], png[28]]).toEqual([8, 6, 0]); // bit depth 8, RGBA, no interlace
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? pixels[y * stride + x - 4]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter];
      if (pred === undefined) throw new Error(`PNG filter ${filter}`);
      pixels[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, pixels };
}

/** Pixels that are not (near) white: on the white background, that is what was drawn. */
function inked(pixels: Buffer): number {
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 200 || pixels[i + 1]! < 200 || pixels[i + 2]! < 200) n++;
  return n;
}

const NO_FONT = { fontPath: '/nonexistent/NotoSansCJK-Regular.ttc', systemFonts: false } as const;

const FONT_HINT = 'no CJK font found: install it with `apt-get install fonts-noto-cjk` (README "图表与字体")';

const BRANCHES = [
  { branch: '第一党支部（办公室）', done: 17, total: 20 },
  { branch: '<script>alert(1)</script>', done: 5, total: 20 },
  { branch: `&"'`, done: 20, total: 20 },
  { branch: '机关党委第十二党支部（政策法规处、行政审批服务处、信息中心）', done: 199, total: 200 },
  { branch: '第五党支部', done: 0, total: 0 },
];

// ---- SVG -----------------------------------------------------------------------------------------------

describe('renderChartSvg', () => {
  it('renders completion by branch: well-formed, sized as asked, names and percents, lowest first', () => {
    const svg = renderChartSvg(completionByBranchBar(BRANCHES), { width: 640, height: 320 });
    const root = parseSvg(svg);
    expect([root.attrs.width, root.attrs.height, root.attrs.viewBox]).toEqual(['640', '320', '0 0 640 320']);
    const texts = labels(svg).map((l) => l.text);
    expect(texts).toEqual(expect.arrayContaining([
      '各支部完成率', '第一党支部（办公室）', '第五党支部',
      '85%（17/20）', '25%（5/20）', '100%（20/20）', '99%（199/200）', '无任务', // 199 of 200 is not 100 %
      '0%', '50%', '100%',
    ]));
    // Lowest rate at the top, no tasks last: the name labels from top to bottom.
    const names = labels(svg).filter((l) => BRANCHES.some((b) => b.branch === l.text || (l.text.endsWith('…') && b.branch.startsWith(l.text.slice(0, -1)))));
    expect(names.sort((a, b) => a.y - b.y).map((l) => l.text.slice(0, 6))).toEqual(['<scrip', '第一党支部（', '机关党委第十', `&"'`, '第五党支部']);
  });

  it('shortens long branch names with an ellipsis', () => {
    const svg = renderChartSvg(completionByBranchBar(BRANCHES), { width: 400 });
    const long = labels(svg).find((l) => l.text.startsWith('机关党委'))!;
    expect(long.text).toMatch(/…$/);
    expect(BRANCHES[3]!.branch.startsWith(long.text.slice(0, -1))).toBe(true);
    expect(long.text.length).toBeLessThan(BRANCHES[3]!.branch.length);
  });

  it('keeps user-provided names as text: no markup gets in, nothing is double-escaped', () => {
    const svg = renderChartSvg(completionByBranchBar(BRANCHES), { width: 640 });
    const nodes = all(parseSvg(svg));
    expect(nodes.filter((n) => n.tag.toLowerCase() === 'script')).toEqual([]);
    for (const n of nodes) for (const v of Object.values(n.attrs)) expect(v).not.toMatch(/alert|<|&"'/);
    const texts = labels(svg).map((l) => l.text);
    expect(texts).toContain('<script>alert(1)</script>');
    expect(texts).toContain(`&"'`);
    expect(svg).not.toMatch(/<script/i); // the page inlines it with an HTML parser too
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).not.toContain('&amp;lt;');
    // The dimension and trend charts take names the same way.
    const dims = renderChartSvg(byDimensionBar([{ dimension: '<img src=x onerror=alert(1)>', done: 1, total: 2 }]), { width: 400 });
    expect(labels(dims).map((l) => l.text)).toContain('<img src=x onerror=alert(1)>');
    expect(dims).not.toMatch(/<img/i);
  });

  it('grows the bar chart with the number of branches and labels all 100', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ branch: `第${i + 1}党支部（某某处室某某科）`, done: i, total: 99 }));
    const spec = completionByBranchBar(rows);
    expect(spec.height).toBeGreaterThanOrEqual(100 * 24);
    const svg = renderChartSvg(spec, { width: 640 });
    expect(parseSvg(svg).attrs.height).toBe(String(spec.height));
    const names = labels(svg).filter((l) => l.text.startsWith('第'));
    expect(names).toHaveLength(100);
    expect(names[0]!.text.startsWith('第1党支部')).toBe(true);
    expect(labels(svg).map((l) => l.text)).toEqual(expect.arrayContaining(['0%（0/99）', '100%（99/99）']));
  });

  it('limits the bars to the lowest rates for a card image, and says so in the title', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ branch: `第${i + 1}党支部`, done: 30 - i, total: 30 }));
    const svg = renderChartSvg(completionByBranchBar(rows, { limit: 5 }), { width: 600, height: 320 });
    const texts = labels(svg).map((l) => l.text);
    expect(texts).toContain('完成率最低的 5 个支部');
    expect(texts.filter((t) => /^第\d+党支部$/.test(t)).sort()).toEqual(['第26党支部', '第27党支部', '第28党支部', '第29党支部', '第30党支部']);
    expect(() => completionByBranchBar(rows, { limit: 0 })).toThrow(RangeError);
  });

  it('renders the month trend with Chinese dates and the last rate', () => {
    const points = [{ date: '2026-12-02', rate: 0.1 }, { date: '2026-12-01', rate: 0 }, { date: '2026-12-03', rate: 0.29 }];
    const svg = renderChartSvg(monthTrendLine(points), { width: 480, height: 240 });
    expect(parseSvg(svg).attrs.width).toBe('480');
    const texts = labels(svg);
    expect(texts.map((l) => l.text)).toEqual(expect.arrayContaining(['本月完成率走势', '29%', '0%', '100%']));
    const days = texts.filter((l) => /^12月\d日$/.test(l.text)).sort((a, b) => a.x - b.x).map((l) => l.text);
    expect(days).toEqual(['12月1日', '12月2日', '12月3日']);
  });

  it('renders 五型 in the given order with percents and counts', () => {
    const rows = [
      { dimension: '政治型', done: 40, total: 50 }, { dimension: '服务型(学习型)', done: 12, total: 30 },
      { dimension: '实干型(效能型)', done: 30, total: 30 }, { dimension: '文明型', done: 0, total: 10 }, { dimension: '廉洁型', done: 0, total: 0 },
    ];
    const svg = renderChartSvg(byDimensionBar(rows), { width: 720 });
    const texts = labels(svg);
    expect(texts.map((l) => l.text)).toEqual(expect.arrayContaining(['五型建设完成情况', '80%', '40%', '100%', '0%', '40/50', '12/30', '0/10', '无任务']));
    const names = texts.filter((l) => /型/.test(l.text) && l.text !== '五型建设完成情况').sort((a, b) => a.x - b.x).map((l) => l.text);
    expect(names).toEqual(['政治型', '服务型(学习型)', '实干型(效能型)', '文明型', '廉洁型']);
  });

  it('says 暂无数据 for empty data, as a valid SVG of the asked size', () => {
    for (const spec of [completionByBranchBar([]), completionByBranchBar([{ branch: '第一党支部', done: 0, total: 0 }]), monthTrendLine([]), byDimensionBar([])]) {
      const svg = renderChartSvg(spec, { width: 300, height: 150 });
      expect([parseSvg(svg).attrs.width, parseSvg(svg).attrs.height]).toEqual(['300', '150']);
      expect(labels(svg).map((l) => l.text)).toContain('暂无数据');
    }
    expect(labels(renderChartSvg(byDimensionBar([], { title: '' }), { width: 300 })).map((l) => l.text)).toEqual(['暂无数据']);
  });

  it('names the Noto CJK fonts first, has no animation, and ids that cannot clash between inlined charts', () => {
    const points = [{ date: '2026-12-01', rate: 0.2 }, { date: '2026-12-02', rate: 0.4 }];
    const a = renderChartSvg(monthTrendLine(points), { width: 400 });
    const b = renderChartSvg(monthTrendLine([...points, { date: '2026-12-03', rate: 0.5 }]), { width: 400 });
    expect(a).toMatch(/font-family:'Noto Sans CJK SC'/);
    expect(a).not.toMatch(/animation|@keyframes/);
    const ids = (svg: string): string[] => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids(a).length).toBeGreaterThan(0); // the line chart's clipPath
    for (const svg of [a, b]) for (const [, ref] of svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids(svg)).toContain(ref);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    expect(a).not.toMatch(/"zr\d+-/);
  });

  it('rejects impossible input and sizes', () => {
    expect(() => completionByBranchBar([{ branch: 'x', done: 3, total: 2 }])).toThrow(RangeError);
    expect(() => byDimensionBar([{ dimension: 'x', done: -1, total: 2 }])).toThrow(RangeError);
    expect(() => monthTrendLine([{ date: '2026-12-01', rate: 85 }])).toThrow(/0–1/);
    expect(() => monthTrendLine([{ date: '2026-02-30', rate: 0.5 }])).toThrow(/YYYY-MM-DD/);
    expect(() => monthTrendLine([{ date: '2026-12-01', rate: 0.5 }, { date: '2026-12-01', rate: 0.6 }])).toThrow(/twice/);
    expect(() => renderChartSvg(byDimensionBar([]), { width: 0 })).toThrow(RangeError);
    expect(() => renderChartSvg(byDimensionBar([]), { width: 320.5 })).toThrow(RangeError);
  });
});

// ---- PNG -----------------------------------------------------------------------------------------------

describe('renderPng and the CJK font', () => {
  const chinese = renderChartSvg(completionByBranchBar([], { title: '' }), { width: 300, height: 120 }); // only "暂无数据"

  it('finds the installed Noto CJK font, an explicit path first, and nothing when told not to look', () => {
    const found = cjkFont();
    expect(found, FONT_HINT).not.toBeNull();
    expect(cjkFont({ fontPath: found })).toBe(found);
    expect(cjkFont(NO_FONT)).toBeNull();
    expect(cjkFont({ fontPath: '/nonexistent.ttc' })).toBe(found); // a wrong path still finds the system's
  });

  it('writes a PNG of the asked width, with the height from the aspect ratio', async () => {
    const svg = renderChartSvg(completionByBranchBar(BRANCHES), { width: 600, height: 300 });
    const png = await renderPng(svg, { width: 1200 });
    const { width, height } = decodePng(png);
    expect([width, height]).toEqual([1200, 600]);
    const small = decodePng((await renderPngOrNull(svg, { width: 300 }))!);
    expect([small.width, small.height]).toEqual([300, 150]);
    await expect(renderPng(svg, { width: 0 })).rejects.toThrow(RangeError);
  });

  it('returns null without a CJK font, so the caller sends a text card', async () => {
    expect(await renderPngOrNull(chinese, { width: 300, ...NO_FONT })).toBeNull();
  });

  it('draws real Chinese glyphs with the font (not nothing, not tofu boxes)', async () => {
    expect(cjkFont(), FONT_HINT).not.toBeNull();
    const withFont = decodePng((await renderPngOrNull(chinese, { width: 300 }))!);
    const withoutFont = decodePng(await renderPng(chinese, { width: 300, ...NO_FONT }));
    expect(inked(withoutFont.pixels)).toBe(0); // resvg drops text it has no font for
    expect(inked(withFont.pixels)).toBeGreaterThan(300); // four 14 px glyphs
    expect(withFont.pixels.equals(withoutFont.pixels)).toBe(false);
    // Tofu would draw the same box for every character: two different characters must differ.
    const oneChar = async (ch: string): Promise<Buffer> => decodePng(await renderPng(
      `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text x="4" y="30" style="font-size:28px;font-family:'Noto Sans CJK SC', sans-serif">${ch}</text></svg>`,
      { width: 40 },
    )).pixels;
    const [zan, wu] = [await oneChar('暂'), await oneChar('无')];
    expect(inked(zan)).toBeGreaterThan(50);
    expect(zan.equals(wu)).toBe(false);
  });
});
