/**
 * Plan document text → outline tree (pure). The rules, as agencies write 工作要点 and 实施方案:
 *
 * - A line that starts (after optional spaces) with a marker — "一、", "（一）"/"(一)", "1."/"1．"/"1、",
 *   "（1）"/"(1)" — opens an item. Levels are fixed by marker style (1 to 4), not by order of appearance, so a
 *   document that skips a level ("一、" followed directly by "1.") nests "1." under "一、"; numbering that runs on
 *   across sections is as fine as numbering that restarts.
 * - The item's title is the rest of its line up to the first "。"; what follows on the line, and every unmarked
 *   paragraph after it, is its text. A marker line with nothing after the marker takes the next paragraph as title.
 * - Before the first marker, the first non-empty line is the document's title when it reads like one (short,
 *   not a sentence); everything else there (the preamble, "2023年机关党的建设总体要求是：…") is not a node.
 * - "1.5万元", "2023年", "一是…二是…" are not markers; BOM, Windows line endings and full-width spaces are fine.
 * - A heading that names a configured dimension ("推进服务型和实干型机关建设") gets those `dimensions`.
 */
import { DEFAULT_DIMENSION_CONFIG, detectDimensions } from './dimensions.js';
import type { DimensionConfig } from './dimensions.js';
import { matchMarker, trimText } from './outline-markers.js';
import type { MarkerLevel } from './outline-markers.js';
import type { PlanNode, PlanOutline } from './types.js';

export interface ParseOutlineOptions {
  dimensions?: DimensionConfig;
}

export interface ParsedOutline {
  outline: PlanOutline;
  /** Paragraphs before the first marker that are not the title. */
  preamble: string[];
  /** Odd numbering, for the person importing to check ("第12行：“(三)”前面是“(一)”"). Never fatal. */
  warnings: string[];
}

const MAX_TITLE_LENGTH = 80;

/** Splits a heading's line into title (up to the first "。") and the text after it. */
export function splitHeading(line: string): { title: string; text: string } {
  const i = line.indexOf('。');
  if (i < 0) return { title: trimText(line), text: '' };
  return { title: trimText(line.slice(0, i)), text: trimText(line.slice(i + 1)) };
}

function looksLikeTitle(line: string): boolean {
  return line.length <= MAX_TITLE_LENGTH && !/[。；;：:]$/.test(line);
}

/** Text → lines: BOM dropped, \r\n and \r → \n, every line trimmed (full-width spaces too). */
export function outlineLines(text: string): string[] {
  return text.replace(/^\ufeff/, '').split(/\r\n|\r|\n|\u2028|\u2029/).map(trimText);
}

interface Open {
  level: MarkerLevel;
  node: PlanNode;
  ordinal: number;
  textLines: string[];
}

/** The outline with what was left out of it (preamble) and numbering warnings. */
export function parseOutlineDetailed(text: string, options: ParseOutlineOptions = {}): ParsedOutline {
  const config = options.dimensions ?? DEFAULT_DIMENSION_CONFIG;
  const nodes: PlanNode[] = [];
  const preamble: string[] = [];
  const warnings: string[] = [];
  const all: Open[] = [];
  const stack: Open[] = [];
  // Last ordinal seen per level under the current parent, and across the document (for run-on numbering).
  const lastInDocument = new Map<MarkerLevel, number>();
  let title = '';
  let seenContent = false;

  outlineLines(text).forEach((line, index) => {
    if (line === '') return;
    const marker = matchMarker(line);
    if (marker) {
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= marker.level) stack.pop();
      const parent = stack[stack.length - 1];
      const siblings = parent ? parent.node.children : nodes;
      const lastSibling = [...all].reverse().find((o) => o.level === marker.level && siblings.includes(o.node));
      const expected = [1, (lastSibling?.ordinal ?? 0) + 1, (lastInDocument.get(marker.level) ?? 0) + 1];
      if (!expected.includes(marker.ordinal)) {
        const before = lastSibling ? `前面是“${lastSibling.node.marker}”` : '是这一层的第一项';
        warnings.push(`第${index + 1}行：编号“${marker.marker}”${before}，请检查是否漏项或编号有误`);
      }
      lastInDocument.set(marker.level, marker.ordinal);
      const { title: itemTitle, text: rest } = splitHeading(marker.rest);
      const node: PlanNode = { marker: marker.marker, title: itemTitle, text: '', dimensions: [], children: [] };
      const open: Open = { level: marker.level, node, ordinal: marker.ordinal, textLines: rest === '' ? [] : [rest] };
      siblings.push(node);
      stack.push(open);
      all.push(open);
      seenContent = true;
      return;
    }
    const current = stack[stack.length - 1];
    if (current) {
      if (current.node.title === '' && current.textLines.length === 0) {
        const heading = splitHeading(line);
        current.node.title = heading.title;
        if (heading.text !== '') current.textLines.push(heading.text);
      } else {
        current.textLines.push(line);
      }
      return;
    }
    if (!seenContent && looksLikeTitle(line)) title = line;
    else preamble.push(line);
    seenContent = true;
  });

  for (const open of all) {
    open.node.text = open.textLines.join('\n');
    open.node.dimensions = detectDimensions(open.node.title, config);
  }
  return { outline: { title, nodes }, preamble, warnings };
}

/** Plan document text → `{ title, nodes }`. Never throws; an empty `nodes` means no marker was found. */
export function parseOutline(text: string, options: ParseOutlineOptions = {}): PlanOutline {
  return parseOutlineDetailed(text, options).outline;
}
