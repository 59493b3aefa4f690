import type { Card, CardBlock } from './model.js';
import { formatField, formatItemLine, replyHint } from './format.js';

/**
 * The plain-text form of a card: says everything the card says, including what each button would do as a
 * reply ("回复“完成 2”") and every link as a bare URL, so a person on a text-only surface loses nothing.
 */
export function renderFallbackText(card: Omit<Card, 'fallbackText'>): string {
  const lines: string[] = [];
  const { header } = card;
  lines.push(header.source ? `【${header.source}】${header.title}` : header.title);
  if (header.subtitle) lines.push(header.subtitle);
  if (card.status) lines.push(card.status);
  for (const block of card.blocks) lines.push(...blockLines(block));
  const replies: string[] = [];
  const hint = replyHint(card);
  if (hint) replies.push(hint);
  for (const action of card.actions) {
    if (action.type === 'callback') replies.push(`回复“${action.reply}”即可${action.label}`);
    if (action.type === 'link') lines.push(`${action.label}：${action.url}`);
    if (action.type === 'choice') {
      lines.push(`${action.title}（${action.multiple ? '可多选' : '单选'}）：${action.options.map((o) => o.label).join(' / ')}`);
    }
  }
  lines.push(...replies);
  if (card.link) lines.push(`${card.link.label}：${card.link.url}`);
  return lines.join('\n');
}

function blockLines(block: CardBlock): string[] {
  switch (block.type) {
    case 'emphasis':
      return [`${block.figure} ${block.label}`];
    case 'text':
      return [block.text];
    case 'fields':
      return block.fields.map((f) => formatField(f.label, f.url ? `${f.value}（${f.url}）` : f.value));
    case 'items':
      return block.items.length === 0 ? ['（暂无事项）'] : block.items.map(formatItemLine);
    case 'image':
      return [`[图片] ${block.alt}：${block.url}`];
  }
}
