import type { Card, PersonalCardState } from '../../cards/model.js';
import { DingtalkApiError } from './client-errors.js';
import type { DingtalkClient } from './client.js';
import { renderDingtalkCardInstance, renderDingtalkCardUpdate } from './render-card.js';

export interface CardTarget {
  kind: 'person' | 'chat';
  /** userid (IM_ROBOT) or openConversationId (IM_GROUP). */
  id: string;
}

interface CreateAndDeliverAnswer {
  success?: boolean;
  result?: { outTrackId?: string; deliverResults?: { spaceType?: string; spaceId?: string; success?: boolean; errorMsg?: string }[] };
}

/**
 * The createAndDeliver body (§4.2): our card part (render-card.ts) + the space and deliver models of the target.
 * 1:1 with the bot → `IM_ROBOT.<userid>` + `imRobotOpenDeliverModel`; group → `IM_GROUP.<openConversationId>` +
 * `imGroupOpenDeliverModel` (robotCode required). `outTrackId` = the outbox idempotency key (stable across resends).
 */
export function createAndDeliverBody(card: Card, o: { templateId: string; robotCode: string; outTrackId: string; target: CardTarget }): Record<string, unknown> {
  // §4.1: private variables need a value per user to show per-user state; the 1:1 recipient starts with none.
  const personal: Record<string, PersonalCardState> = o.target.kind === 'person' ? { [o.target.id]: {} } : {};
  const instance = renderDingtalkCardInstance(card, o.templateId, personal);
  const preview = { ZH_CN: card.header.title };
  const space = o.target.kind === 'person'
    ? {
        openSpaceId: `dtv1.card//IM_ROBOT.${o.target.id}`,
        imRobotOpenSpaceModel: { supportForward: false, lastMessageI18n: preview },
        imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: o.robotCode },
      }
    : {
        openSpaceId: `dtv1.card//IM_GROUP.${o.target.id}`,
        imGroupOpenSpaceModel: { supportForward: true, lastMessageI18n: preview },
        imGroupOpenDeliverModel: { robotCode: o.robotCode },
      };
  return { ...instance, outTrackId: o.outTrackId, ...space };
}

/** §4.2: creates and delivers; a 200 can still hide failures — `success` and every `deliverResults[].success` count. */
export async function createAndDeliverCard(client: DingtalkClient, body: Record<string, unknown>): Promise<string> {
  const answer = await client.api<CreateAndDeliverAnswer>('POST', '/v1.0/card/instances/createAndDeliver', body);
  if (answer.success !== true) throw new DingtalkApiError('server', 'success-false', 'card createAndDeliver: success is not true');
  const failed = (answer.result?.deliverResults ?? []).filter((r) => r.success !== true);
  if (failed.length > 0) {
    const why = failed.map((r) => `${r.spaceType ?? '?'} ${r.errorMsg ?? 'failed'}`).join('; ');
    // A space that refuses delivery (user not reachable, bot not in the group) does not heal by retrying.
    throw new DingtalkApiError('client', 'deliver-failed', `card createAndDeliver: delivery failed (${why})`);
  }
  return String(body.outTrackId);
}

/** §4.3: `PUT /v1.0/card/instances`, by key so other users' private data stays. */
export async function updateCard(client: DingtalkClient, outTrackId: string, card: Card, personal: Readonly<Record<string, PersonalCardState>> = {}): Promise<void> {
  const body = { ...renderDingtalkCardUpdate(card, personal), outTrackId };
  const answer = await client.api<{ success?: boolean }>('PUT', '/v1.0/card/instances', body);
  if (answer.success !== true) throw new DingtalkApiError('server', 'success-false', 'card update: success is not true');
}
