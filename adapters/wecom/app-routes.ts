import Router from '@koa/router';
import type { Context } from 'koa';
import type { WecomConfig } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { readRawBody } from '../../src/http/read-body.js';
import { handleInbound, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import type { Logger } from '../../src/log.js';
import { asHttpError, CALLBACK_BODY_LIMIT, signedQuery, SOFT_DEADLINE_MS, urlVerificationHandler } from './callback-query.js';
import { parseEnvelopeXml, parseMessageXml } from './callback-xml.js';
import { openCallback, sealReply } from './crypto.js';
import { appInboundEvent } from './inbound.js';
import { appPassiveXml } from './passive-answer.js';
import { cdata } from './passive-reply.js';

export interface AppRouteDeps {
  config: WecomConfig;
  clock: Clock;
  logger: Logger;
  inbox: InboxDeps;
  softDeadlineMs?: number;
}

/**
 * `GET|POST /wecom/callback` — the self-built app's callbacks (wecom.md §3). Verify (signature first, in
 * constant time), decrypt, check the corp id, store and handle within the soft deadline, and answer with one
 * encrypted passive reply or an empty 200 (§3.3).
 */
export function wecomAppRoutes(deps: AppRouteDeps): Router {
  const router = new Router();
  const keys = { token: deps.config.token, encodingAesKey: deps.config.encodingAesKey, receiveId: deps.config.corpId };
  const log = deps.logger.child({ platform: 'wecom', part: 'app-callback' });

  // §3.1: answer the bare plaintext within 1 s.
  router.get('/wecom/callback', urlVerificationHandler(keys, log, 'wecom'));

  router.post('/wecom/callback', async (ctx) => {
    await handlePost(ctx);
  });

  async function handlePost(ctx: Context): Promise<void> {
    let plaintext: string;
    let nonce: string;
    let timestamp: string;
    try {
      const q = signedQuery(ctx);
      ({ nonce, timestamp } = q);
      const raw = await readRawBody(ctx, CALLBACK_BODY_LIMIT);
      const envelope = parseEnvelopeXml(raw.toString('utf8'));
      plaintext = openCallback(keys, { ...q, encrypted: envelope.encrypt });
    } catch (err) {
      log.warn({ reason: err instanceof Error ? err.message : String(err) }, 'wecom callback refused');
      throw asHttpError(err);
    }
    let xml;
    try {
      xml = parseMessageXml(plaintext);
    } catch (err) {
      log.warn({ reason: err instanceof Error ? err.message : String(err) }, 'wecom callback plaintext is not valid XML');
      throw asHttpError(err);
    }
    const receivedAt = deps.clock.now();
    const mapped = appInboundEvent(xml, receivedAt);
    if ('ignored' in mapped) {
      log.debug({ reason: mapped.ignored }, 'wecom callback ignored');
      ctx.status = 200;
      ctx.body = '';
      return;
    }
    const event = mapped.event;
    // Passive replies only for clicks (§5: update_button / update_template_card); a reply to a text message
    // goes through message/send, where it can be a template card with buttons.
    const outcome = await handleInbound(deps.inbox, event, {
      softDeadlineMs: deps.softDeadlineMs ?? SOFT_DEADLINE_MS,
      passiveReplies: event.kind === 'action' ? 1 : 0,
    });
    const passive = outcome.duplicate ? undefined : outcome.passive[0];
    if (log.isLevelEnabled('debug')) log.debug({ eventId: event.eventId, duplicate: outcome.duplicate, passive: passive !== undefined }, 'wecom callback handled');
    ctx.status = 200;
    if (!passive) {
      ctx.body = ''; // §3.3: "空串" = received, nothing to say now
      return;
    }
    const reply = appPassiveXml(event, passive, { toUser: event.senderId, corpId: deps.config.corpId, createTime: Math.floor(receivedAt.getTime() / 1000) }, xml.TaskId);
    const sealed = sealReply(keys, reply, timestamp, nonce);
    ctx.type = 'text/xml';
    ctx.body = `<xml><Encrypt>${cdata(sealed.encrypt)}</Encrypt><MsgSignature>${cdata(sealed.signature)}</MsgSignature>` +
      `<TimeStamp>${sealed.timestamp}</TimeStamp><Nonce>${cdata(sealed.nonce)}</Nonce></xml>`;
  }

  return router;
}
