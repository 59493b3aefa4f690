import type { Card, CardBlock } from './model.js';
import { formatItemLine } from './format.js';
import { fitLines } from './fit-lines.js';
import { utf8Bytes } from './utf8.js';

/**
 * The markdown subset WeCom (wecom.md §10) and DingTalk (sampleMarkdown) both render: headings, bold, links,
 * plain lines. User text is neutralised by swapping markup characters for their full-width look-alikes, which
 * both clients show as text (whether either honours backslash escapes is undocumented).
 */
const MARKUP: Readonly<Record<string, string>> = {
  '<': '＜', '>': '＞', '[': '［', ']': '］', '*': '＊', '_': '＿', '`': '｀', '\\': '＼', '#': '＃', '~': '～', '|': '｜',
};

export function escapeMarkdown(s: string): string {
  return s.replace(/[<>[\]*_`\\#~|]/g, (c) => MARKUP[c] ?? c);
}

/** A link target that cannot break out of `(…)`. */
export function markdownUrl(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => encodeURIComponent(c));
}

export function markdownLink(label: string, url: string): string {
  return `[${escapeMarkdown(label)}](${markdownUrl(url)})`;
}

export interface MarkdownOptions {
  readonly maxBytes: number;
  /** Extra lines at the end (e.g. reply hints, links rendered elsewhere); already markdown. */
  readonly extraTail?: readonly string[];
  /** Whether to list card links and reply commands (true for a markdown-only message). */
  readonly includeActions: boolean;
  /** Leave the card link out of the tail (it is shown as a button), still citing it when lines overflow. */
  readonly omitLink?: boolean;
}

function blockLines(block: CardBlock): string[] {
  switch (block.type) {
    case 'emphasis':
      return [`**${escapeMarkdown(block.figure)}** ${escapeMarkdown(block.label)}`];
    case 'text':
      return block.text.split('\n').map(escapeMarkdown);
    case 'fields':
      return block.fields.map((f) => `${escapeMarkdown(f.label)}：${f.url ? markdownLink(f.value, f.url) : escapeMarkdown(f.value)}`);
    case 'items':
      return block.items.length === 0 ? ['（暂无事项）'] : block.items.map((i) => escapeMarkdown(formatItemLine(i)));
    case 'image':
      return [`![${escapeMarkdown(block.alt)}](${markdownUrl(block.url)})`];
  }
}

/** Card → markdown within `maxBytes` UTF-8 bytes; overflow drops trailing body lines behind a "见详情" line. */
export function renderMarkdown(card: Card, opts: MarkdownOptions): string {
  const head = [`### ${escapeMarkdown(card.header.title)}`];
  if (card.header.subtitle) head.push(`**${escapeMarkdown(card.header.subtitle)}**`);
  if (card.header.source) head.push(`来自 ${escapeMarkdown(card.header.source)}`);
  if (card.status) head.push(`> ${escapeMarkdown(card.status)}`);
  const body = card.blocks.flatMap(blockLines);
  const tail: string[] = [...(opts.extraTail ?? [])];
  if (opts.includeActions) {
    const replies: string[] = [];
    for (const a of card.actions) {
      if (a.type === 'callback') replies.push(a.reply);
      if (a.type === 'link') tail.push(markdownLink(a.label, a.url));
    }
    for (const b of card.blocks) if (b.type === 'items') for (const i of b.items) if (i.action) replies.push(i.action.reply);
    if (replies.length > 0) tail.unshift(`可回复：${replies.slice(0, 3).map((r) => `“${escapeMarkdown(r)}”`).join('、')}${replies.length > 3 ? ' 等' : ''}`);
  }
  if (card.link && !opts.omitLink) tail.push(markdownLink(card.link.label, card.link.url));
  const link = card.link;
  return fitLines({
    head, body, tail,
    max: opts.maxBytes,
    measure: utf8Bytes,
    ...(link ? { more: (n: number) => `…另有 ${n} 行，见${markdownLink(link.label, link.url)}` } : {}),
    what: `卡片 ${card.key} 的 markdown`,
  }).join('\n');
}
