/** Walking an outline, and what the importer needs per node: inherited dimensions and a due date. */
import { parseDeadlineCell, extractDeadline } from './deadline.js';
import { effectiveDimensions } from './dimensions.js';
import type { PlanDetailsMap, PlanNode, PlanNodeDetails, PlanOutline } from './types.js';

export interface OutlineEntry {
  node: PlanNode;
  /** Root first, parent last. */
  ancestors: readonly PlanNode[];
  /** Child indexes from the root: [0, 2] = third child of the first section. */
  path: readonly number[];
}

/** Every node, depth first in document order. */
export function* walkOutline(outline: PlanOutline): Generator<OutlineEntry> {
  function* visit(nodes: readonly PlanNode[], ancestors: readonly PlanNode[], path: readonly number[]): Generator<OutlineEntry> {
    for (const [i, node] of nodes.entries()) {
      const here = [...path, i];
      yield { node, ancestors, path: here };
      yield* visit(node.children, [...ancestors, node], here);
    }
  }
  yield* visit(outline.nodes, [], []);
}

/** The plan year a title names ("2023年区党建工作要点" → 2023), or null. */
export function planYearFromTitle(title: string): number | null {
  const m = /(?<![0-9])(20\d{2})\s*年/.exec(title.normalize('NFKC'));
  return m?.[1] === undefined ? null : Number(m[1]);
}

export type DeadlineSource = 'column' | 'text' | 'year-end';

export interface PlanItem extends OutlineEntry {
  /** Own dimensions, else the nearest ancestor's. */
  dimensions: string[];
  /** YYYY-MM-DD: the 完成时限 cell, else a deadline the title/text names, else year-12-31. */
  deadline: string;
  deadlineSource: DeadlineSource;
  details: PlanNodeDetails | undefined;
}

/** Every node with its effective dimensions and due date, for a plan of `year`. */
export function planItems(outline: PlanOutline, options: { year: number; details?: PlanDetailsMap }): PlanItem[] {
  const items: PlanItem[] = [];
  for (const entry of walkOutline(outline)) {
    const details = options.details?.get(entry.node);
    const fromColumn = details?.deadlineText ? parseDeadlineCell(details.deadlineText, options.year) : null;
    const fromText = fromColumn === null ? extractDeadline(`${entry.node.title}。${entry.node.text}`, options.year) : null;
    let deadline = `${options.year}-12-31`;
    let deadlineSource: DeadlineSource = 'year-end';
    if (fromColumn !== null) [deadline, deadlineSource] = [fromColumn, 'column'];
    else if (fromText !== null) [deadline, deadlineSource] = [fromText, 'text'];
    items.push({ ...entry, dimensions: effectiveDimensions(entry.node, entry.ancestors), deadline, deadlineSource, details });
  }
  return items;
}
