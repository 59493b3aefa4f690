import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../src/db/client.js';
import { findAdminByToken } from '../../src/db/repositories/admin-tokens.js';
import { listPeople } from '../../src/db/repositories/org.js';
import { peopleDirectory } from '../../src/db/repositories/people-directory.js';
import { chats, orgUnits } from '../../src/db/schema/index.js';
import type { Clock } from '../../src/domain/clock.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../src/errors.js';
import { readJsonBody } from '../../src/http/read-body.js';
import { parseInput } from '../../src/http/validate.js';
import { handleInbound, type InboxDeps } from '../../src/inbox/handle-inbound.js';
import { actionEvent, enterEvent, messageEvent, sandboxActionBody, sandboxEnterBody, sandboxMessageBody } from './inbound.js';
import { sandboxPage, SANDBOX_CSS, SANDBOX_JS } from './page.js';
import { chatConversation, insertSandboxMessages, listSandboxMessages, personConversation } from './store.js';

export interface SandboxRouteDeps {
  database: Database;
  clock: Clock;
  inbox: InboxDeps;
  /** With a real platform configured the sandbox is for admins only (bearer token). */
  requireAdminToken: boolean;
}

const CONVERSATION = /^(person:\d{1,9}|chat:[A-Za-z0-9_-]{1,64})$/;

/** The sandbox messenger: its page, and a JSON API that makes it scriptable for tests and demos. */
export function sandboxRoutes(deps: SandboxRouteDeps): Router {
  const router = new Router({ prefix: '/sandbox' });
  const db = deps.database.db;

  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'");
    ctx.body = sandboxPage();
  });
  router.get('/app.js', (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.body = SANDBOX_JS;
  });
  router.get('/app.css', (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = SANDBOX_CSS;
  });

  const api = new Router({ prefix: '/api' });
  api.use(async (ctx: Context, next: Next) => {
    if (deps.requireAdminToken) {
      const m = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
      const principal = m?.[1] ? await findAdminByToken(db, m[1], deps.clock.now()) : undefined;
      if (!principal || principal.role !== 'admin') throw new UnauthorizedError('沙箱仅限管理员使用：请在地址后加 #token=管理令牌');
    }
    await next();
  });

  api.get('/directory', async (ctx) => {
    const { items } = await listPeople(db, { limit: 500 });
    const groupChats = await db
      .select({ id: chats.externalId, name: chats.name, unitName: orgUnits.name })
      .from(chats)
      .leftJoin(orgUnits, eq(orgUnits.id, chats.unitId))
      .where(eq(chats.platform, 'sandbox'))
      .orderBy(asc(chats.id));
    // Unit names repeat (every branch may have a 第一党小组): the page groups by unit id and shows the branch too.
    const units = new Map((await db.select({ id: orgUnits.id, name: orgUnits.name, parentId: orgUnits.parentId, kind: orgUnits.kind }).from(orgUnits)).map((u) => [u.id, u]));
    const unitLabel = (id: number): string => {
      const u = units.get(id);
      if (!u) return '';
      const parent = u.kind === 'group' && u.parentId !== null ? units.get(u.parentId) : undefined;
      return parent ? `${parent.name} / ${u.name}` : u.name;
    };
    ctx.body = {
      people: items.map((p) => ({ id: p.id, name: p.name, unitId: p.unitId, unitName: p.unitName, unitLabel: unitLabel(p.unitId), roles: p.roles.map((r) => r.role) })),
      chats: groupChats,
    };
  });

  api.post('/messages', async (ctx) => {
    const body = parseInput(sandboxMessageBody, await readJsonBody(ctx, 64 * 1024));
    await checkParties(body.from, body.chat);
    const event = messageEvent(body, deps.clock.now());
    ctx.status = 202;
    ctx.body = await accept(event, body.chat, body.text);
  });

  api.post('/actions', async (ctx) => {
    const body = parseInput(sandboxActionBody, await readJsonBody(ctx, 64 * 1024));
    await checkParties(body.from, body.chat);
    const event = actionEvent(body, deps.clock.now());
    ctx.status = 202;
    ctx.body = await accept(event, body.chat, `（点击了“${body.label || body.action}”）`);
  });

  api.post('/enter', async (ctx) => {
    const body = parseInput(sandboxEnterBody, await readJsonBody(ctx, 4096));
    await checkParties(body.from, undefined);
    const event = enterEvent(body.from, deps.clock.now());
    const outcome = await handleInbound(deps.inbox, event, { softDeadlineMs: 2000, passiveReplies: 0 });
    ctx.status = 202;
    ctx.body = { eventId: event.eventId, duplicate: outcome.duplicate };
  });

  api.get('/conversations/:conversation/messages', async (ctx) => {
    const conversation = ctx.params.conversation ?? '';
    if (!CONVERSATION.test(conversation)) throw new ValidationError('会话标识不正确，应为 person:<编号> 或 chat:<群标识>');
    const after = z.coerce.number().int().min(0).catch(0).parse(ctx.query.after);
    const list = await listSandboxMessages(db, conversation, after, 200);
    ctx.body = {
      messages: list.map((m) => ({ id: m.id, direction: m.direction, party: m.party, text: m.text, html: m.html, card: m.card, createdAt: m.createdAt })),
    };
  });

  async function checkParties(from: number, chat: string | undefined): Promise<void> {
    const person = await peopleDirectory(db).byPlatformIdentity('sandbox', String(from));
    if (!person) throw new NotFoundError(`没有编号为 ${from} 的在册人员`);
    if (chat) {
      const [row] = await db.select({ id: chats.id }).from(chats).where(and(eq(chats.platform, 'sandbox'), eq(chats.externalId, chat)));
      if (!row) throw new NotFoundError(`没有标识为 ${chat} 的群聊`);
    }
  }

  async function accept(event: ReturnType<typeof messageEvent>, chat: string | undefined, text: string) {
    // Shown in the conversation like a sent message; the ref keeps a repeated post from showing twice.
    await insertSandboxMessages(
      db,
      [{
        conversation: chat ? chatConversation(chat) : personConversation(event.senderId),
        direction: 'in',
        party: event.senderId,
        text,
        ref: `event:${event.eventId}`,
      }],
      deps.clock.now(),
    );
    const outcome = await handleInbound(deps.inbox, event, { softDeadlineMs: 2000, passiveReplies: 0 });
    return { eventId: event.eventId, duplicate: outcome.duplicate };
  }

  router.use(api.routes(), api.allowedMethods());
  return router;
}
