import { ValidationError } from '../../src/errors.js';
import { fitLines } from '../fit-lines.js';
import { escapeMarkdown } from '../markdown.js';
import type { Card, CardBlock } from '../model.js';
import { ellipsizeUtf8, utf8Bytes } from '../utf8.js';
import { DEFAULT_SOURCE, makeCard } from './make-card.js';

/**
 * A digest is a half-minute read: its text blocks together stay within this many bytes (as markdown, where
 * ASCII markup becomes 3-byte look-alikes) — which also keeps it inside the one 1 KB text variable of the
 * DingTalk card template. What does not fit ends with "…另有 N …，见详情"; the detail page has everything.
 */
export const DIGEST_TEXT_BYTES = 960;
const LINE_BYTES = 200;
/** Exceptions may take this much (the content fits them, every kind first) even when the branch lines then go. */
export const DIGEST_EXCEPTION_BYTES = 660;

export interface DigestCardInput {
  readonly key: string;
  /** "11月18日（周三）" */
  readonly date: string;
  /** Whose figures: "全机关 5 个党支部", "分管：第二党支部、第三党支部". */
  readonly scope: string;
  /** Nothing needs attention: one line, "一切正常". */
  readonly quiet: boolean;
  readonly attention: number;
  /** Exceptions first, one short sentence each. */
  readonly exceptions: readonly string[];
  readonly branchHeading: string;
  /** One line of month-to-date completion per branch. */
  readonly branchLines: readonly string[];
  readonly summary: string;
  /** What changed since the previous digest. */
  readonly changes: readonly string[];
  readonly detailUrl: string;
  /**
   * The chart image (completion by branch) for platforms that show one; absent where it cannot be drawn (no
   * CJK font on the server) — the card is then text only. Never on a quiet day.
   */
  readonly chart?: DigestChart;
}

/** A signed PNG of the digest's chart, `aspectRatio` = width / height as the image route draws it. */
export interface DigestChart {
  readonly url: string;
  readonly alt: string;
  readonly aspectRatio: number;
}

/**
 * The leader's daily digest (and "今日简报" on demand): exceptions first, then a line per branch, the total and
 * what changed; the detail page has the charts and every item. A quiet day is a single line. With `chart`, the
 * image comes first (WeCom shows it as the news_notice picture); the text blocks are the same with or without
 * it, and the image is not counted in DIGEST_TEXT_BYTES (it is a URL, not text to read).
 */
export function buildDigestCard(input: DigestCardInput): Card {
  const link = { label: '查看详情与图表', url: input.detailUrl };
  if (input.quiet) {
    return makeCard({
      kind: 'leader-digest',
      key: input.key,
      header: { title: `今日简报 ${input.date}：一切正常`, subtitle: input.scope, source: DEFAULT_SOURCE },
      blocks: [],
      actions: [],
      link,
    });
  }
  const measure = (t: string): number => utf8Bytes(escapeMarkdown(t));
  const line = (t: string): string => ellipsizeUtf8(t, LINE_BYTES);
  const exceptions = input.exceptions.length
    ? fitLines({ head: [], body: input.exceptions.map((e) => line(`! ${e}`)), tail: [], max: DIGEST_EXCEPTION_BYTES, measure, more: (n) => `…另有 ${n} 条，见详情`, what: '简报异常事项' })
    : [];
  const changes = input.changes.map(line);
  const used = [...exceptions, input.summary, ...changes].reduce((n, t) => n + measure(t) + 2, 0);
  const chart = input.chart;
  const blocks: CardBlock[] = [
    ...(chart ? [{ type: 'image' as const, url: chart.url, alt: chart.alt, aspectRatio: chart.aspectRatio }] : []),
    { type: 'emphasis', figure: String(input.attention), label: '项需关注' },
    ...(exceptions.length > 0 ? [{ type: 'text' as const, text: exceptions.join('\n') }] : []),
    ...branchBlock(input, DIGEST_TEXT_BYTES - used - 2, measure, line),
    { type: 'text', text: input.summary },
    ...(changes.length > 0 ? [{ type: 'text' as const, text: changes.join('\n') }] : []),
  ];
  return makeCard({
    kind: 'leader-digest',
    key: input.key,
    header: { title: `今日简报 ${input.date}`, subtitle: input.scope, source: DEFAULT_SOURCE },
    blocks,
    actions: [],
    link,
  });
}

/** The per-branch lines in what room is left; none at all when not even the heading fits. */
function branchBlock(input: DigestCardInput, room: number, measure: (t: string) => number, line: (t: string) => string): CardBlock[] {
  if (input.branchLines.length === 0) return [];
  try {
    const lines = fitLines({ head: [`${input.branchHeading}：`], body: input.branchLines.map(line), tail: [], max: room, measure, more: (n) => `…另有 ${n} 个支部，见详情`, what: '简报各支部情况' });
    return [{ type: 'text', text: lines.join('\n') }];
  } catch (e) {
    if (e instanceof ValidationError) return [];
    throw e;
  }
}
