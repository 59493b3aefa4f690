import Router from '@koa/router';
import type { Context } from 'koa';
import { checklistStore } from '../db/repositories/checklist-store.js';
import { personView } from '../db/repositories/people-directory.js';
import { localDate } from '../domain/calendar.js';
import { itemState, type AssignmentView } from '../domain/checklist/types.js';
import { labelOf, monthLabel } from '../domain/conversation/checklist-handlers.js';
import type { PersonView } from '../domain/conversation/ports.js';
import { AppError } from '../errors.js';
import type { AppDeps } from '../http/deps.js';
import { plainErrorPages } from './error-pages.js';
import { html, page } from './html.js';
import { verifyToken } from './signed-link.js';

const STATE_LABEL = { open: '待完成', done: '已完成', overdue: '已逾期', extended: '已延期' } as const;

class LinkError extends AppError {
  constructor(message: string, status = 403) {
    super(message, { status, code: 'link_invalid' });
  }
}

/** Mobile pages opened from cards. Every page checks the signed link: right person, right page, not expired. */
export function h5Routes(deps: AppDeps): Router {
  const router = new Router({ prefix: '/h5' });
  const db = deps.database.db;
  // People open these on a phone: errors are pages in Chinese, not JSON.
  router.use(plainErrorPages('党建助手'));

  async function holder(ctx: Context, resource: string): Promise<PersonView> {
    const token = typeof ctx.query.t === 'string' ? ctx.query.t : '';
    const res = verifyToken(deps.appSecret, token, deps.clock.now(), resource);
    if (!res.ok) {
      throw new LinkError(res.reason === 'expired' ? '链接已过期，请在企业微信/钉钉中重新打开最新的卡片。' : '链接无效。请从党建助手发给您的卡片中打开。');
    }
    const person = await personView(db, res.claims.personId);
    if (!person) throw new LinkError('该账号已停用。', 403);
    return person;
  }

  router.get('/checklist', async (ctx) => {
    const person = await holder(ctx, 'checklist');
    const today = localDate(deps.clock.now(), deps.config.timezone);
    const list = await checklistStore(db).listFor(person, today);
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = page(`${person.name}的清单`, `${person.branchName ?? person.unitName} · ${today}`, html`<section><h2>待办与本月完成（共 ${list.length} 项）</h2>${itemsList(list, today)}</section><p class="muted">在对话中回复“完成 序号”即可登记，如“完成 1”。</p>`);
  });

  router.get('/topic', async (ctx) => {
    const topicMonth = typeof ctx.query.m === 'string' && /^\d{4}-\d{2}$/.test(ctx.query.m) ? ctx.query.m : '';
    if (!topicMonth) throw new LinkError('链接不完整。请从党建助手发给您的卡片中打开。', 400);
    const person = await holder(ctx, `topic:${topicMonth}`);
    const store = checklistStore(db);
    const t = await store.topicFor(topicMonth);
    if (!t) throw new AppError('该月主题不存在', { status: 404, code: 'not_found' });
    const today = localDate(deps.clock.now(), deps.config.timezone);
    const mine = (await store.listFor(person, today)).filter((a) => a.topicMonth === topicMonth);
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = page(`${monthLabel(topicMonth)}主题`, t.title, html`
      <section><h2>${t.title}</h2><p>${t.summary}</p></section>
      ${t.materials.length ? html`<section><h2>学习材料</h2><ol>${t.materials.map((m) => html`<li><a href="${safeUrl(m.url)}" rel="noopener noreferrer">${m.title}</a></li>`)}</ol></section>` : ''}
      <section><h2>必学内容</h2>${itemsList(mine, today)}</section>`);
  });

  return router;
}

function itemsList(list: AssignmentView[], today: string) {
  if (list.length === 0) return html`<p class="muted">目前没有事项。</p>`;
  return html`<ol>${list.map((a) => {
    const state = itemState(a, today);
    const due = a.extendedUntil ?? a.dueDate;
    return html`<li>${labelOf(a)}<span class="state ${state}">${STATE_LABEL[state]}</span>${due ? html` <span class="muted">截止 ${due}</span>` : ''}</li>`;
  })}</ol>`;
}

function safeUrl(u: string): string {
  return /^https?:\/\//i.test(u) ? u : '#';
}
