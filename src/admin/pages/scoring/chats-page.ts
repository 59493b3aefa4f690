import type { Context } from 'koa';
import { linkChatBranches } from '../../../db/repositories/scoring-admin.js';
import { NotFoundError, ValidationError } from '../../../errors.js';
import { activeBranches, listChatLinks, requireBranchIds } from '../../../exports/scoring-round-data.js';
import { chats } from '../../../db/schema/index.js';
import { html } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { actorOf, canSeeUnit, consoleUser, postedForm, requireWrite } from '../../console-user.js';
import { csrfField, emptyState, redirectWithFlash, renderAdmin } from '../../layout.js';
import { idOf } from './read.js';
import { BASE, PLATFORM_TEXT } from './ui.js';

/**
 * /admin/scoring/chats — which branches a round started in each group chat covers (scoring_chat_branches; none
 * = every active 党支部). Admins change it with the checkboxes (linkChatBranches: replaces the links, audited as
 * scoring.chat.link); leaders see it, limited to the branches they may see.
 */
export async function chatsPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const db = deps.database.db;
  const [all, branches] = [await listChatLinks(db), await activeBranches(db)];
  // A leader whose 分管范围 is part of the agency sees the chats of their units only (a chat's name often names its
  // branch); a chat of no unit (registered from a message) only when they see every branch.
  const unitOf = new Map((await db.select({ id: chats.id, unitId: chats.unitId }).from(chats)).map((c) => [c.id, c.unitId]));
  const seesAll = branches.every((b) => canSeeUnit(user, b.id));
  const list = all.filter((c) => {
    const unitId = unitOf.get(c.id) ?? null;
    return user.visible === 'all' || (unitId === null ? seesAll : canSeeUnit(user, unitId));
  });
  const names = (list: readonly { id: number; name: string }[]): string => list.filter((b) => canSeeUnit(user, b.id)).map((b) => b.name).join('、');
  renderAdmin(ctx, {
    title: '群聊覆盖的支部',
    active: 'scoring',
    body: html`<p><a href="${BASE}">← 返回互观互检</a></p>
<p class="muted">在群里发起的互观互检覆盖这里为该群设置的党支部；不设置（都不勾选）则覆盖全部在用党支部。机器人须先在群里收到过消息，群聊才会出现在这里。修改只影响此后发起的轮次。${list.length < all.length ? '只列出您分管支部的群聊。' : ''}</p>
${list.length === 0
    ? html`<div class="panel">${emptyState(all.length ? '您分管的党支部还没有群聊。' : '机器人还没有加入任何群聊。把机器人拉进群、在群里 @党建助手 说一句话后，群聊会出现在这里。')}</div>`
    : list.map((c) => html`<section class="panel" id="chat-${c.id}"><h2>${c.name} <span class="muted small">${PLATFORM_TEXT[c.platform]} · #${c.id}</span></h2>
<p>覆盖：<strong>${c.linkedBranches.length ? names(c.linkedBranches) || '（不在您分管范围内的支部）' : '全部在用党支部'}</strong></p>
${user.canWrite ? html`<form method="post" action="${BASE}/chats/${c.id}">${csrfField(user)}<fieldset><legend>该群发起的互观互检覆盖</legend>
${branches.map((b) => html`<label class="row" for="chat-${c.id}-b-${b.id}"><input type="checkbox" id="chat-${c.id}-b-${b.id}" name="branch" value="${b.id}"${c.linkedBranches.some((l) => l.id === b.id) ? html` checked` : ''}> ${b.name}</label>`)}
</fieldset><div class="actions"><button class="btn primary" type="submit">保存</button></div></form>` : ''}</section>`)}`,
  });
}

export async function chatSave(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const chatId = idOf(ctx.params.id, '群聊');
  const ids = postedForm(ctx).all('branch').map((v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw new ValidationError(`支部编号有误：${v}`);
    return n;
  });
  const db = deps.database.db;
  const text = await db.transaction(async (tx) => {
    const [chat] = await listChatLinks(tx, chatId);
    if (!chat) throw new NotFoundError(`群聊 #${chatId} 不存在。`);
    const branches = await requireBranchIds(tx, ids);
    await linkChatBranches(tx, chat.id, branches.map((b) => b.id), { actor: actorOf(user), at: deps.clock.now() });
    return `已保存：群聊“${chat.name}”发起的互观互检覆盖${branches.length ? branches.map((b) => b.name).join('、') : '全部在用党支部'}。`;
  });
  redirectWithFlash(ctx, `${BASE}/chats#chat-${chatId}`, text);
}
