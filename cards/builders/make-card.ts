import type { ButtonStyle, CallbackAction, Card, ActionPayload } from '../model.js';
import { renderFallbackText } from '../fallback-text.js';
import { validateCard } from '../validate.js';

/** Completes a draft with its fallback text and validates it, so no builder can hand out an invalid card. */
export function makeCard(draft: Omit<Card, 'fallbackText'>): Card {
  const card: Card = { ...draft, fallbackText: renderFallbackText(draft) };
  validateCard(card);
  return card;
}

export function callback(id: string, label: string, reply: string, payload: ActionPayload = {}, style: ButtonStyle = 'primary'): CallbackAction {
  return { type: 'callback', id, label, reply, payload, style };
}

/** Default source label: the party committee speaks, the bot is only the messenger. */
export const DEFAULT_SOURCE = '机关党委';
