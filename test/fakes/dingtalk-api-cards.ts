import type { FakeContext } from './dingtalk-api.js';

/** Interactive cards of the fake OpenAPI (dingtalk.md §4.2–4.5, §10.3). */

export type ParamMap = Record<string, unknown>;

export interface FakeCard {
  outTrackId: string;
  cardTemplateId: string;
  openSpaceId: string;
  callbackType: string | undefined;
  cardData: ParamMap;
  privateData: Map<string, ParamMap>;
  createdAt: number;
  updates: number;
  deliveries: { spaceType: string; spaceId: string; success: boolean }[];
}

type Reply = (status: number, body: Record<string, unknown>) => void;
type NewErr = (status: number, code: string, message: string) => void;

const SPACE = /^(IM_GROUP|IM_ROBOT|IM_SINGLE|ONE_BOX)\.(.+)$/;

function paramMapOf(v: unknown): ParamMap {
  const m = (v as { cardParamMap?: unknown } | undefined)?.cardParamMap;
  return m && typeof m === 'object' ? { ...(m as ParamMap) } : {};
}

/** §4.1: every cardParamMap value must be a string; the platform only misrenders others, so the fake tells the test. */
function checkStrings(ctx: FakeContext, where: string, map: ParamMap): void {
  for (const [k, v] of Object.entries(map)) if (typeof v !== 'string') ctx.stores.cardProblems.push(`${where}: ${k} is ${typeof v}`);
}

/** Merges by key when asked (§4.3 cardUpdateOptions), otherwise replaces. Used by PUT and card-callback ACKs. */
export function applyCardUpdate(card: FakeCard, update: {
  cardData?: unknown; privateData?: Record<string, unknown>; userPrivateData?: unknown; userId?: string;
  cardUpdateOptions?: { updateCardDataByKey?: boolean; updatePrivateDataByKey?: boolean };
}): void {
  const byKey = update.cardUpdateOptions?.updateCardDataByKey === true;
  const privByKey = update.cardUpdateOptions?.updatePrivateDataByKey === true;
  if (update.cardData !== undefined) card.cardData = byKey ? { ...card.cardData, ...paramMapOf(update.cardData) } : paramMapOf(update.cardData);
  const priv: [string, unknown][] = Object.entries(update.privateData ?? {});
  if (update.userPrivateData !== undefined && update.userId) priv.push([update.userId, update.userPrivateData]);
  for (const [user, data] of priv) {
    card.privateData.set(user, privByKey ? { ...(card.privateData.get(user) ?? {}), ...paramMapOf(data) } : paramMapOf(data));
  }
  card.updates++;
}

export function routeCardApi(ctx: FakeContext, method: string, path: string, body: Record<string, unknown>, reply: Reply, newErr: NewErr): void {
  const cards = ctx.stores.cards;
  if (path === '/v1.0/card/instances/createAndDeliver' && method === 'POST') {
    if (!body.cardTemplateId) return newErr(400, 'param.cardTemplateIdEmpty', 'cardTemplateId 为空');
    if (!body.outTrackId || typeof body.outTrackId !== 'string') return newErr(400, 'param.outTrackIdEmpty', 'outTrackId 为空');
    const openSpaceId = String(body.openSpaceId ?? '');
    if (!openSpaceId.startsWith('dtv1.card//')) return newErr(400, 'param.openSpaceIdInvalid', 'openSpaceId 格式错误');
    const spaces = openSpaceId.slice('dtv1.card//'.length).split(';').map((s) => SPACE.exec(s));
    if (spaces.some((m) => !m)) return newErr(400, 'param.openSpaceIdInvalid', 'openSpaceId 格式错误');
    for (const m of spaces) {
      // §4.2: the deliver model of each space type is required (group: robotCode required).
      if (m![1] === 'IM_GROUP' && (body.imGroupOpenDeliverModel as { robotCode?: string } | undefined)?.robotCode !== ctx.robotCode) {
        return newErr(400, 'param.openSpaceModelInvalid', 'imGroupOpenDeliverModel.robotCode 缺失或错误');
      }
      if (m![1] === 'IM_ROBOT' && (body.imRobotOpenDeliverModel as { spaceType?: string } | undefined)?.spaceType !== 'IM_ROBOT') {
        return newErr(400, 'param.openSpaceModelInvalid', 'imRobotOpenDeliverModel 缺失');
      }
    }
    if (body.callbackType !== 'STREAM') ctx.stores.cardProblems.push(`${body.outTrackId}: callbackType ${String(body.callbackType)} — no callback would reach the Stream client (§4.2)`);
    const cardData = paramMapOf(body.cardData);
    checkStrings(ctx, `${body.outTrackId} cardData`, cardData);
    const privateData = new Map<string, ParamMap>();
    for (const [u, d] of Object.entries((body.privateData ?? {}) as Record<string, unknown>)) {
      checkStrings(ctx, `${body.outTrackId} privateData ${u}`, paramMapOf(d));
      privateData.set(u, paramMapOf(d));
    }
    const deliveries = spaces.map((m) => ({ spaceType: m![1]!, spaceId: m![2]!, success: !ctx.stores.failDeliveryTo.has(m![2]!) }));
    const existing = cards.get(body.outTrackId);
    // A repeated createAndDeliver for an existing outTrackId is undocumented (§9.10); the fake keeps the first card.
    if (!existing) {
      cards.set(body.outTrackId, {
        outTrackId: body.outTrackId, cardTemplateId: String(body.cardTemplateId), openSpaceId, callbackType: body.callbackType as string | undefined,
        cardData, privateData, createdAt: ctx.now(), updates: 0, deliveries,
      });
    } else {
      existing.deliveries.push(...deliveries);
    }
    return reply(200, {
      success: true,
      result: { outTrackId: body.outTrackId, deliverResults: deliveries.map((d) => ({ ...d, errorMsg: d.success ? '' : 'user not reachable', carrierId: d.success ? `car-${d.spaceId}` : '' })) },
    });
  }
  if (path === '/v1.0/card/instances' && method === 'PUT') {
    const card = cards.get(String(body.outTrackId ?? ''));
    if (!card) return newErr(400, 'param.cardNotExist', '卡片不存在');
    checkStrings(ctx, `${card.outTrackId} update`, paramMapOf(body.cardData));
    applyCardUpdate(card, body as Parameters<typeof applyCardUpdate>[1]);
    return reply(200, { success: true, result: true });
  }
  return newErr(404, 'NotFound', `no route ${method} ${path}`);
}
