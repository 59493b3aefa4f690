import { makeCard } from '../../../cards/builders/make-card.js';
import type { Card } from '../../../cards/model.js';
import type { Reply } from '../messaging/types.js';

/** A short notice card: the answer to something that needs no buttons. */
export function noticeCard(key: string, title: string, text: string, link?: { label: string; url: string }): Card {
  return makeCard({
    kind: 'help',
    key,
    header: { title, source: '党建助手' },
    blocks: [{ type: 'text', text }],
    actions: [],
    ...(link ? { link } : {}),
  });
}

export const toSender = (card: Card): Reply => ({ to: 'sender', message: { type: 'card', card } });
export const toPerson = (personId: number, card: Card): Reply => ({ to: { personId }, message: { type: 'card', card } });
