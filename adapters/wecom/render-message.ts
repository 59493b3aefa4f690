import { ValidationError } from '../../src/errors.js';
import type { Card } from '../../cards/model.js';
import { renderMarkdown } from '../../cards/markdown.js';
import { WECOM_LIMITS as L } from './limits.js';
import { renderWecomTemplateCard, type WecomCardOptions } from './render-card.js';
import type { WecomTemplateCard } from './render-types.js';

export interface WecomTarget {
  readonly agentId: number;
  /** Member UserIDs; 1–1000 per call (§7), the outbox batches. */
  readonly touser: readonly string[];
}

function recipients(ids: readonly string[]): string {
  if (ids.length === 0 || ids.length > L.recipients) {
    throw new ValidationError(`企业微信一次发送的接收人须为 1–${L.recipients} 个，实为 ${ids.length}`, { count: ids.length });
  }
  return ids.join('|'); // §7: '|'-separated
}

export interface WecomTemplateCardMessage {
  touser: string;
  msgtype: 'template_card';
  agentid: number;
  template_card: WecomTemplateCard;
  enable_id_trans: 0;
  enable_duplicate_check: 0;
}

/** Body of `POST /cgi-bin/message/send` with a template card (§7–8). */
export function renderWecomTemplateCardMessage(card: Card, target: WecomTarget, opts: WecomCardOptions = {}): WecomTemplateCardMessage {
  return {
    touser: recipients(target.touser),
    msgtype: 'template_card',
    agentid: target.agentId, // §7: an integer
    template_card: renderWecomTemplateCard(card, opts),
    enable_id_trans: 0,
    // Idempotency comes from the task_id (42014 on a resend), not from WeCom's time-window duplicate check.
    enable_duplicate_check: 0,
  };
}

/** Body of `message/send` with markdown (§10, ≤ 2048 bytes): for cards sent where template cards cannot go. */
export function renderWecomMarkdownMessage(card: Card, target: WecomTarget): {
  touser: string; msgtype: 'markdown'; agentid: number; markdown: { content: string };
} {
  return {
    touser: recipients(target.touser),
    msgtype: 'markdown',
    agentid: target.agentId,
    markdown: { content: renderMarkdown(card, { maxBytes: L.markdownBytes, includeActions: true }) },
  };
}

export interface WecomUpdateTarget {
  readonly agentId: number;
  /** One use, 72 h (§9); from the send response or a click callback. */
  readonly responseCode: string;
  readonly userids: readonly string[];
}

const INTERACTIVE = new Set(['button_interaction', 'vote_interaction', 'multiple_interaction']);

/**
 * Body of `POST /cgi-bin/message/update_template_card` form B (§9): replace the card for `userids`. `replaceText`
 * (grey button text such as "已提交") applies only to interaction cards (§8 table).
 */
export function renderWecomCardUpdate(card: Card, target: WecomUpdateTarget, opts: WecomCardOptions & { replaceText?: string } = {}): {
  userids: string[]; agentid: number; response_code: string; enable_id_trans: 0; template_card: WecomTemplateCard;
} {
  if (target.userids.length > L.recipients) throw new ValidationError(`userids 超过 ${L.recipients} 个`, { count: target.userids.length });
  const template_card = renderWecomTemplateCard(card, opts);
  if (opts.replaceText !== undefined && INTERACTIVE.has(template_card.card_type)) template_card.replace_text = opts.replaceText;
  return { userids: [...target.userids], agentid: target.agentId, response_code: target.responseCode, enable_id_trans: 0, template_card };
}

/** Body of update_template_card form A (§9): grey out the clicked button(s) with a new label. */
export function renderWecomButtonUpdate(replaceName: string, target: WecomUpdateTarget): {
  userids: string[]; agentid: number; response_code: string; button: { replace_name: string };
} {
  return { userids: [...target.userids], agentid: target.agentId, response_code: target.responseCode, button: { replace_name: replaceName } };
}
