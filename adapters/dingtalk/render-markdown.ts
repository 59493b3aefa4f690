import type { Card } from '../../cards/model.js';
import { renderMarkdown } from '../../cards/markdown.js';
import { fitMsgParam, type DingtalkRobotMessage } from './render-action-card.js';

/** Card → `sampleMarkdown` robot message (§3.3: msgParam `{title, text}`); replies and links listed in the text. */
export function renderDingtalkMarkdown(card: Card): DingtalkRobotMessage {
  const title = card.header.title;
  return {
    msgKey: 'sampleMarkdown',
    msgParam: fitMsgParam(card, (text) => ({ title, text }), (maxBytes) => renderMarkdown(card, { maxBytes, includeActions: true })),
  };
}
