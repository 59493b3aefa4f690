import { ValidationError } from '../../src/errors.js';
import type { Card } from '../../cards/model.js';
import { renderMarkdown } from '../../cards/markdown.js';
import { WECOM_LIMITS as L } from './limits.js';
import { renderWecomTemplateCard } from './render-card.js';
import type { WecomTemplateCard } from './render-types.js';

/** Smart bot (智能机器人) reply bodies, JSON before encryption (§12). The card struct is the app's (§8, doc 101032). */

export interface WecomBotCardOptions {
  /** button/vote/multiple only if the bot has a callback URL (§12); else buttons become reply hints. */
  readonly interactive: boolean;
  /** Defaults to a task_id derived from the card key; task_ids are unique per bot (§12). */
  readonly taskId?: string;
}

/** Passive reply (message or enter_chat callback) or active `response_url` reply with a template card. */
export function renderWecomBotCardReply(card: Card, opts: WecomBotCardOptions): { msgtype: 'template_card'; template_card: WecomTemplateCard } {
  return {
    msgtype: 'template_card',
    template_card: renderWecomTemplateCard(card, { interactive: opts.interactive, ...(opts.taskId ? { taskId: opts.taskId } : {}) }),
  };
}

/**
 * Answer to a smart-bot `template_card_event`: replace the card. `callbackTaskId` must be the callback's task_id
 * (§12); `userids` absent = everyone who sees the card.
 */
export function renderWecomBotCardUpdate(card: Card, callbackTaskId: string, userids?: readonly string[]): {
  response_type: 'update_template_card'; userids?: string[]; template_card: WecomTemplateCard;
} {
  if (callbackTaskId === '') throw new ValidationError('智能机器人更新卡片须带回调中的 task_id');
  return {
    response_type: 'update_template_card',
    ...(userids && userids.length > 0 ? { userids: [...userids] } : {}),
    template_card: renderWecomTemplateCard(card, { taskId: callbackTaskId }),
  };
}

/** Markdown reply (response_url, ≤ 20 480 bytes, §12). In groups the reply quotes the triggering message. */
export function renderWecomBotMarkdown(card: Card): { msgtype: 'markdown'; markdown: { content: string } } {
  return { msgtype: 'markdown', markdown: { content: renderMarkdown(card, { maxBytes: L.botMarkdownBytes, includeActions: true }) } };
}
