/**
 * Regenerates the plan-import fixtures in test/fixtures/plans/ from ../shared/fixtures/plans/work-points-2023.txt:
 *
 * - work-points-2023.docx: the same text as a Word document, one paragraph per line, written the way Word
 *   writes it: a paragraph's text split over several runs (bold marker, then the rest in two pieces), an empty
 *   paragraph after the title, a full-width space inside a heading. A minimal valid .docx is a zip of
 *   [Content_Types].xml, _rels/.rels and word/document.xml; jszip (which mammoth itself uses) writes it.
 * - plan-template-example.xlsx: sections 一 and 三 (10 rows) in the plan spreadsheet template (see
 *   src/domain/plans/outline-from-grid.ts), with a merged title row, numeric 序号 cells, a date cell and
 *   free-text 完成时限 values.
 *
 *   npx tsx scripts/make-plan-fixtures.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { matchMarker } from '../src/domain/plans/outline-markers.js';
import { parseOutline } from '../src/domain/plans/parse-outline.js';
import { decodeText } from '../src/importers/read-table-file.js';

const source = fileURLToPath(new URL('../../shared/fixtures/plans/work-points-2023.txt', import.meta.url));
const out = fileURLToPath(new URL('../test/fixtures/plans/', import.meta.url));
const text = decodeText(readFileSync(source));
// Fixed timestamps keep the .docx byte-stable across runs (the .xlsx differs only in its zip container).
const FIXED = new Date('2026-01-01T00:00:00Z');

// ---- .docx ----

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const run = (t: string, bold = false): string =>
  `<w:r>${bold ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${escapeXml(t)}</w:t></w:r>`;

function paragraph(line: string): string {
  if (line === '') return '<w:p/>';
  const m = matchMarker(line);
  // m.rest is the trimmed end of the line, so everything before it is the marker (with its spaces).
  const markerLength = m ? line.trimEnd().length - m.rest.length : 0;
  const head = line.slice(0, markerLength);
  const body = line.slice(markerLength);
  const cut = Math.floor(body.length / 2);
  const runs = (head === '' ? '' : run(head, true)) + run(body.slice(0, cut)) + run(body.slice(cut));
  return `<w:p><w:pPr><w:jc w:val="both"/></w:pPr>${runs}</w:p>`;
}

const lines = text.split(/\r?\n/);
const paragraphs = lines.map((line, i) => {
  // The third heading gets a full-width space after its marker, as people type it.
  if (line.startsWith('三、')) return paragraph(`三、\u3000${line.slice(2)}`);
  return i === 0 ? `<w:p><w:pPr><w:jc w:val="center"/></w:pPr>${run(line, true)}</w:p>` : paragraph(line);
});

const documentXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs.join('')}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`;
const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;

const zip = new JSZip();
zip.file('[Content_Types].xml', contentTypes, { date: FIXED, createFolders: false });
zip.file('_rels/.rels', rels, { date: FIXED, createFolders: false });
zip.file('word/document.xml', documentXml, { date: FIXED, createFolders: false });
const docx = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
writeFileSync(`${out}work-points-2023.docx`, docx);
console.log(`wrote ${out}work-points-2023.docx (${paragraphs.length} paragraphs)`);

// ---- .xlsx ----

const outline = parseOutline(text);
const sections = [outline.nodes[0], outline.nodes[2]].filter((n) => n !== undefined);
const HEADERS = ['序号', '方面', '目标', '任务', '工作要求', '完成时限', '责任单位', '责任人', '清单类型', '五型维度'];

const workbook = new ExcelJS.Workbook();
workbook.creator = 'dangjian-bot';
workbook.created = FIXED;
workbook.modified = FIXED;
const sheet = workbook.addWorksheet('工作清单');
sheet.addRow([outline.title]);
sheet.mergeCells(1, 1, 1, HEADERS.length);
sheet.addRow(HEADERS);
sheet.columns.forEach((c, i) => { c.width = [6, 30, 12, 30, 60, 12, 14, 8, 10, 10][i] ?? 10; });

// Per task: 完成时限 (string, Date cell or empty), 责任单位, 责任人, 清单类型.
const extras: Record<string, [string | Date, string, string, string]> = {
  '1.': ['6月底前', '机关党委', '张三', '学习清单'],
  '2.': [new Date(Date.UTC(2023, 10, 30)), '机关党委', '李四', '学习清单'],
  '3.': ['', '各党支部', '', '工作清单'],
  '4.': ['年底前', '各党支部', '', '工作清单'],
  '5.': ['每季度', '机关党委', '王五', '工作清单'],
  '12.': ['2023年9月30日', '机关工会', '赵六', '工作清单'],
  '13.': ['长期坚持', '机关工会', '', '工作清单'],
  '14.': ['上半年', '机关团委', '', '创新清单'],
};

for (const section of sections) {
  // Section 一 states its dimension in the 五型维度 column; section 三 leaves it to the title (文明型).
  sheet.addRow([section.marker, section.title, '', '', section.text, '', '', '', '', section.marker === '一、' ? '政治型' : '']);
  for (const task of section.children) {
    const [deadline, unit, person, listKind] = extras[task.marker] ?? ['', '', '', ''];
    const number = Number.parseInt(task.marker, 10);
    // 序号 as a number (1) for section 一's tasks, as written ("12.") for section 三's.
    sheet.addRow([number < 10 ? number : task.marker, '', '', task.title, task.text, deadline, unit, person, listKind, '']);
  }
}

await workbook.xlsx.writeFile(`${out}plan-template-example.xlsx`);
console.log(`wrote ${out}plan-template-example.xlsx (${sheet.rowCount - 2} rows)`);
