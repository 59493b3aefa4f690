import Router from '@koa/router';
import type { Clock } from '../../src/domain/clock.js';
import { readRawBody } from '../../src/http/read-body.js';
import { handleInbound, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import type { Logger } from '../../src/log.js';
import { botInboundEvent, type WecomBotReplyContext } from './bot-inbound.js';
import { asHttpError, CALLBACK_BODY_LIMIT, signedQuery, SOFT_DEADLINE_MS, urlVerificationHandler } from './callback-query.js';
import { MalformedCallback } from './callback-xml.js';
import { openCallback, sealReply } from './crypto.js';
import { botPassiveJson } from './passive-answer.js';

export interface BotRouteDeps {
  bot: { token: string; encodingAesKey: string };
  clock: Clock;
  logger: Logger;
  inbox: InboxDeps;
  softDeadlineMs?: number;
}

/**
 * `GET|POST /wecom/bot/callback` — the smart bot (智能机器人, wecom.md §12): JSON envelope, receive id "",
 * same signature scheme. With an empty receive id a wrong key can decrypt to garbage that passes the id check
 * (§2.3), so the signature is the integrity guard here — it is checked first, as always.
 */
export function wecomBotRoutes(deps: BotRouteDeps): Router {
  const router = new Router();
  const keys = { token: deps.bot.token, encodingAesKey: deps.bot.encodingAesKey, receiveId: '' };
  const log = deps.logger.child({ platform: 'wecom', part: 'bot-callback' });

  // §3.1: answer the bare plaintext within 1 s.
  router.get('/wecom/bot/callback', urlVerificationHandler(keys, log, 'wecom bot'));

  router.post('/wecom/bot/callback', async (ctx) => {
    const q = signedQuery(ctx);
    let body: unknown;
    try {
      const raw = await readRawBody(ctx, CALLBACK_BODY_LIMIT);
      const envelope = parseJson(raw.toString('utf8')) as { encrypt?: unknown } | null;
      if (!envelope || typeof envelope.encrypt !== 'string' || envelope.encrypt === '') throw new MalformedCallback('no "encrypt" in the envelope');
      body = parseJson(openCallback(keys, { ...q, encrypted: envelope.encrypt }));
    } catch (err) {
      log.warn({ reason: err instanceof Error ? err.message : String(err) }, 'wecom bot callback refused');
      throw asHttpError(err);
    }
    const receivedAt = deps.clock.now();
    const mapped = botInboundEvent(body, receivedAt);
    if ('ignored' in mapped) {
      log.debug({ reason: mapped.ignored }, 'wecom bot callback ignored');
      ctx.status = 200;
      ctx.body = '';
      return;
    }
    const event = mapped.event;
    const rc = event.replyContext as unknown as WecomBotReplyContext;
    // In a group, replies meant for the sender go privately through the app (never into the group), and the
    // group's own answer goes out through response_url; single chat and card clicks are answered passively.
    const passiveReplies = rc.chatType === 'group' && event.kind === 'message' ? 0 : 1;
    const outcome = await handleInbound(deps.inbox, event, { softDeadlineMs: deps.softDeadlineMs ?? SOFT_DEADLINE_MS, passiveReplies });
    const passive = outcome.duplicate ? undefined : outcome.passive[0];
    const json = passive ? botPassiveJson(event, passive, { userid: rc.userid, ...(rc.taskId ? { taskId: rc.taskId } : {}) }) : undefined;
    if (passive && !json) log.warn({ eventId: event.eventId }, 'the reply to a bot card click could not be a card update; not shown');
    ctx.status = 200;
    if (!json) {
      ctx.body = '';
      return;
    }
    // §12: timestamp a number, nonce = the callback URL's nonce.
    const sealed = sealReply(keys, JSON.stringify(json), q.timestamp, q.nonce);
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ encrypt: sealed.encrypt, msgsignature: sealed.signature, timestamp: Number(sealed.timestamp), nonce: sealed.nonce });
  });

  return router;
}

/** Lone UTF-16 surrogates (a JSON \ud800 escape without its pair): PostgreSQL's jsonb refuses them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** JSON whose strings PostgreSQL can store: NUL dropped, lone surrogates replaced (as a UTF-8 decoder would). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd') : value)) as unknown;
  } catch {
    throw new MalformedCallback('not valid JSON');
  }
}
