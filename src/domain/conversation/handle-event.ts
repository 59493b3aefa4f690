import { adminConsoleLink } from './admin-handlers.js';
import { buildHelpCard, type HelpRole } from '../../../cards/builders/digest-help.js';
import type { Card } from '../../../cards/model.js';
import { makeIntent, type Intent } from '../../replies/intent.js';
import { parseReply } from '../../replies/parse-reply.js';
import { digestOnDemand, digestQuietDays } from '../digest/handlers.js';
import type { InboundEvent, Reply } from '../messaging/types.js';
import { complete, eventKey, myTasks, progress, topic, undo } from './checklist-handlers.js';
import { decideExtension, requestExtension } from './extension-handlers.js';
import type { ConversationPorts, PersonView } from './ports.js';
import { meetingHeld, mute } from './reminder-handlers.js';
import { closeScoring, mySheets, publishAction, scoringProgress, scoringResults, startScoring, submitCardSheet, typedScore } from './scoring-handlers.js';
import { noticeCard, toSender } from './reply-cards.js';

/**
 * The conversation router: one inbound event → the replies it deserves. Pure apart from the ports, so the
 * inbox runs it inside the transaction that marks the event handled. Card keys derive from the event id, so
 * handling the same event again (after a crash) produces the same outbox rows, which dedupe.
 */
export async function handleConversation(event: InboundEvent, ports: ConversationPorts): Promise<Reply[]> {
  const person = await ports.people.byPlatformIdentity(event.platform, event.senderId);
  const first = route(event, person, ports);
  if (first.replies) return first.replies;
  return first.intent ? handleIntent(event, person!, ports, first.intent) : handleAction(event, person!, ports);
}

/** What the ports besides the people directory and links hold for `storeFreeReplies`. */
export type StoreFreePorts = Pick<ConversationPorts, 'links' | 'now' | 'timezone'>;

/**
 * The replies to an event that need no store once its sender is known (`person`, undefined for nobody): an
 * unknown sender, the welcome, help — exactly what `handleConversation` answers for it, computed without
 * anything transactional; undefined for every other event. The inbox uses it to finish such events without a
 * transaction.
 */
export function storeFreeReplies(event: InboundEvent, person: PersonView | undefined, ports: StoreFreePorts): Reply[] | undefined {
  const first = route(event, person, ports);
  if (first.replies) return first.replies;
  if (first.intent?.intent === 'help') return [toSender(helpCard(event, person!, ports))];
  if (!first.intent && event.action?.actionId === 'help') return [toSender(helpCard(event, person!, ports))];
  return undefined;
}

/** The first, store-free step of the router: replies already, or the parsed intent (an action when neither). */
function route(event: InboundEvent, person: PersonView | undefined, ports: StoreFreePorts): { replies?: Reply[]; intent?: Intent } {
  if (!person) return { replies: [toSender(unknownPersonCard(event))] };
  if (event.kind === 'enter') return { replies: [toSender(helpCard(event, person, ports))] };
  if (event.kind === 'action') return {};
  return { intent: parseReply(event.text ?? '', ports.now, ports.timezone) };
}

async function handleIntent(event: InboundEvent, person: PersonView, ports: ConversationPorts, intent: Intent): Promise<Reply[]> {
  switch (intent.intent) {
    case 'help':
      return [toSender(helpCard(event, person, ports))];
    case 'my_tasks':
      return myTasks(event, person, ports);
    case 'topic':
      return topic(event, person, ports);
    case 'complete':
      return complete(event, person, ports, { items: intent.items, all: intent.all }, intent.note);
    case 'undo':
      return undo(event, person, ports, { items: intent.items });
    case 'extend':
      return requestExtension(event, person, ports, intent);
    case 'extension_approve':
    case 'extension_reject':
      return decideExtension(event, person, ports, intent.intent === 'extension_approve', intent.target, intent.note);
    case 'progress':
      return progress(event, person, ports);
    case 'mute':
      return mute(event, person, ports, intent);
    case 'meeting_held':
      return meetingHeld(event, person, ports, intent);
    case 'scoring_start':
      return startScoring(event, person, ports, intent.title);
    case 'scoring_progress':
      return scoringProgress(event, person, ports);
    case 'scoring_close':
      return closeScoring(event, person, ports);
    case 'scoring_results':
      return scoringResults(event, person, ports);
    case 'my_sheets':
      return mySheets(event, person, ports);
    case 'score':
      return typedScore(event, person, ports, intent);
    case 'digest':
      return digestOnDemand(event, person, ports);
    case 'admin_console':
      return adminConsoleLink(event, person, ports);
    case 'digest_skip_quiet':
    case 'digest_daily':
      return digestQuietDays(event, person, ports, intent.intent === 'digest_skip_quiet');
    case 'unknown':
      // A wrong guess is worse than asking; but asking every time is noise: help at most once an hour.
      return (await ports.checklist.claimHelp(person.id, ports.now)) ? [toSender(helpCard(event, person, ports, true))] : [];
    default:
      return [toSender(noticeCard(eventKey('soon', event), '功能即将开通', `“${event.text ?? ''}”对应的功能（${FEATURE_NAMES[intent.intent] ?? intent.intent}）尚未开通，敬请期待。回复“帮助”查看目前可用的功能。`))];
  }
}

const FEATURE_NAMES: Partial<Record<Intent['intent'], string>> = {};

/** Card buttons: the action id says what, the payload says which (assignment, record, request). */
async function handleAction(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const action = event.action!;
  const num = (k: string): number | null => {
    const v = Number(action.payload[k]);
    return Number.isInteger(v) && v > 0 ? v : null;
  };
  switch (action.actionId) {
    case 'complete':
    case 'learned': {
      const id = num('item');
      return id ? complete(event, person, ports, { assignmentId: id }, null) : [];
    }
    case 'undo': {
      const id = num('record');
      return id ? undo(event, person, ports, { recordId: id }) : [];
    }
    case 'approve-extension':
    case 'reject-extension':
      return decideExtension(event, person, ports, action.actionId === 'approve-extension', action.payload.request ?? null, null);
    case 'my-tasks':
      return myTasks(event, person, ports);
    case 'meeting-held':
      return meetingHeld(event, person, ports, { title: action.payload.meeting ?? null, until: null });
    case 'help':
      return [toSender(helpCard(event, person, ports))];
    case 'scoring-sheet':
      return mySheets(event, person, ports);
    case 'submit-sheet':
      return submitCardSheet(event, person, ports);
    case 'scoring-publish': {
      const id = num('round');
      return id ? publishAction(event, person, ports, id) : [];
    }
    default:
      // A button this version does not know (an old card): say so rather than guess.
      return handleIntent(event, person, ports, makeIntent('unknown', {}));
  }
}

function helpCard(event: InboundEvent, person: PersonView, ports: StoreFreePorts, unclear = false): Card {
  const card = buildHelpCard({
    key: eventKey('help', event),
    roles: person.roles.filter((r): r is HelpRole => r === 'secretary' || r === 'leader' || r === 'admin'),
    helpUrl: ports.links.help(),
  });
  if (!unclear) return card;
  return { ...card, header: { ...card.header, subtitle: '没看懂您的意思，您可以这样说：' } };
}

function unknownPersonCard(event: InboundEvent): Card {
  return noticeCard(
    eventKey('unknown-person', event),
    '尚未登记您的党员信息',
    '党建助手还不认识您的账号。请联系本单位机关党委（党务干部）把您的账号登记到组织信息中。',
  );
}
