import { buildHelpCard, type HelpRole } from '../../../cards/builders/digest-help.js';
import type { Card } from '../../../cards/model.js';
import { makeCard } from '../../../cards/builders/make-card.js';
import { parseReply } from '../../replies/parse-reply.js';
import type { InboundEvent, Reply } from '../messaging/types.js';
import type { ConversationPorts, PersonView } from './ports.js';

/**
 * The conversation router: one inbound event → the replies it deserves. Pure apart from the ports, so the
 * inbox can run it inside the transaction that marks the event handled. Card keys derive from the event id,
 * so handling the same event again (after a crash) produces the same outbox rows, which dedupe.
 */
export async function handleConversation(event: InboundEvent, ports: ConversationPorts): Promise<Reply[]> {
  const person = await ports.people.byPlatformIdentity(event.platform, event.senderId);
  if (!person) return [{ to: 'sender', message: { type: 'card', card: unknownPersonCard(event) } }];

  const intent = event.kind === 'enter' ? { intent: 'help' as const } : event.kind === 'action' ? actionIntent(event) : parseReply(event.text ?? '', ports.now, ports.timezone);
  switch (intent.intent) {
    case 'help':
    default:
      // In a group, help goes to the person privately: the group is not a place for one person's menu.
      return [{ to: 'sender', message: { type: 'card', card: helpCard(event, person, ports) } }];
  }
}

function actionIntent(event: InboundEvent): { intent: 'help' | 'unknown' } {
  return event.action?.payload.op === 'help' ? { intent: 'help' } : { intent: 'unknown' };
}

function helpCard(event: InboundEvent, person: PersonView, ports: ConversationPorts): Card {
  return buildHelpCard({
    key: `help:${event.platform}:${event.eventId}`,
    roles: person.roles.filter((r): r is HelpRole => r === 'secretary' || r === 'leader'),
    helpUrl: `${ports.publicBaseUrl}/h5/help`,
  });
}

function unknownPersonCard(event: InboundEvent): Card {
  return makeCard({
    kind: 'help',
    key: `unknown-person:${event.platform}:${event.eventId}`,
    header: { title: '尚未登记您的党员信息', source: '党建助手' },
    blocks: [{ type: 'text', text: '党建助手还不认识您的账号。请联系本单位机关党委（党务干部）把您的账号登记到组织信息中。' }],
    actions: [],
  });
}
