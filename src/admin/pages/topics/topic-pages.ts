/** 每月主题: the list of months, one month's page (content, schedule, card previews) and 立即推送. */
import type { Context } from 'koa';
import { enabledPlatforms } from '../../../config.js';
import { pushTopic } from '../../../jobs/monthly-topic-push.js';
import { ValidationError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';
import type { AppDeps } from '../../../http/deps.js';
import { auditConsole, consoleUser, requireWrite, type ConsoleUser } from '../../console-user.js';
import { csrfField, emptyState, redirectWithFlash, renderAdmin } from '../../layout.js';
import { localDateTime } from '../plans/labels.js';
import { previewPanels, topicPreview } from './card-preview.js';
import { activeMembers, allTopics, findTopic, monthParam, monthTitle, pushSchedule, queuedForMonth, type PushSchedule, type StoredTopic } from './topic-data.js';

function scheduleText(s: PushSchedule, tz: string): Raw {
  switch (s.state) {
    case 'pushed':
      return html`<span class="badge ok">已推送</span> ${localDateTime(s.at, tz)}`;
    case 'scheduled':
      return html`<span class="badge">待推送</span> ${s.date} ${s.time} 自动推送`;
    case 'missed':
      return html`<span class="badge warn">未推送</span> 第一个工作日 ${s.date} ${s.time} 已过`;
  }
}

/** GET /topics */
export async function topicsListPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const topics = (await allTopics(deps)).reverse();
  const schedules = await Promise.all(topics.map((t) => pushSchedule(deps, t)));
  const tz = deps.config.timezone;
  const body = topics.length === 0
    ? html`<div class="panel">${user.canWrite ? emptyState('还没有每月主题，点击这里新建', { href: '/admin/topics/new', label: '新建主题' }) : emptyState('还没有每月主题。主题由机关党委管理员设置。')}</div>`
    : html`${user.canWrite ? html`<div class="actions" style="margin:0 0 12px"><a class="btn primary" href="/admin/topics/new">新建主题</a></div>` : ''}
<div class="panel table-wrap"><table class="data"><thead><tr><th scope="col">月份</th><th scope="col" style="min-width:9em">主题</th><th scope="col" class="num">必学</th><th scope="col" class="num">学习材料</th><th scope="col">推送</th></tr></thead>
<tbody>${topics.map((t, i) => html`<tr><td style="white-space:nowrap">${monthTitle(t.month)}</td><td><a href="/admin/topics/${t.month}">${t.title}</a></td><td class="num">${t.required.length}</td><td class="num">${t.materials.length}</td><td>${scheduleText(schedules[i]!, tz)}</td></tr>`)}</tbody></table></div>
<p class="muted small">每月第一个工作日 ${deps.config.topicPushTime} 自动向全体在用党员推送当月主题卡片；也可在主题页“立即推送”。重复推送不会重复发送。</p>`;
  renderAdmin(ctx, { title: '每月主题', active: 'topics', body: html`<style>table.data td.num,table.data th.num{text-align:right}</style>${body}` });
}

function contentPanel(topic: StoredTopic): Raw {
  return html`<div class="panel"><h2>${topic.title}</h2>${topic.summary ? html`<p style="white-space:pre-wrap">${topic.summary}</p>` : html`<p class="muted">（没有主题说明）</p>`}
<h3>学习材料</h3>${topic.materials.length === 0 ? html`<p class="muted">无</p>` : html`<ul>${topic.materials.map((m) => html`<li><a href="${/^https?:\/\//i.test(m.url) ? m.url : '#'}" target="_blank" rel="noopener noreferrer">${m.title}</a> <span class="muted small">${m.url}</span></li>`)}</ul>`}
<h3>必学内容</h3>${topic.required.length === 0 ? html`<p class="muted">无</p>` : html`<ol>${topic.required.map((r) => html`<li>${r}</li>`)}</ol>`}</div>`;
}

function schedulePanel(user: ConsoleUser, topic: StoredTopic, s: PushSchedule, tz: string): Raw {
  const when = s.state === 'pushed'
    ? html`<p><span class="badge ok">已推送</span> 于 ${localDateTime(s.at, tz)} 推送。再次推送只会发给此后新加入的党员（已收到的人不会重复收到）。</p>`
    : s.state === 'scheduled'
      ? html`<p><span class="badge">待推送</span> 将于本月第一个工作日 <strong>${s.date} ${s.time}</strong> 自动推送给全体在用党员。</p>`
      : html`<p><span class="badge warn">未推送</span> 本月第一个工作日 ${s.date} ${s.time} 已过，自动推送不会再进行；需要时请立即推送。</p>`;
  return html`<div class="panel"><h2>推送安排</h2>${when}
<p class="muted small">推送时间由 TOPIC_PUSH_TIME 设定（当前 ${s.state === 'pushed' ? '' : s.time}），第一个工作日按工作日历计算（节假日、调休见“日历”）。免打扰时段和休息日的推送会顺延。</p>
${user.canWrite ? html`<div class="actions"><a class="btn" href="/admin/topics/${topic.month}/edit">修改主题</a><a class="btn primary" href="/admin/topics/${topic.month}/push">立即推送…</a></div>` : ''}</div>`;
}

/** GET /topics/:month */
export async function topicPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const topic = await findTopic(deps, monthParam(ctx.params.month));
  const schedule = await pushSchedule(deps, topic);
  const preview = topicPreview(
    { month: topic.month, title: topic.title, summary: topic.summary, materials: topic.materials, required: topic.required },
    { personId: user.person.id, links: deps.links },
  );
  renderAdmin(ctx, {
    title: `${monthTitle(topic.month)}主题`,
    active: 'topics',
    body: html`<p><a href="/admin/topics">← 全部主题</a></p><div class="side-by-side">${contentPanel(topic)}${schedulePanel(user, topic, schedule, deps.config.timezone)}</div>
<h2 id="preview">卡片预览</h2><p class="muted small">按您本人收到的样子显示（还没有学习任何一项）；每位党员看到的是自己的学习进度。</p>${previewPanels(preview, deps.config)}`,
  });
}

/** GET /topics/:month/push: what 立即推送 does, and the button. */
export async function pushConfirmPage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const topic = await findTopic(deps, monthParam(ctx.params.month));
  const members = await activeMembers(deps);
  const platforms = enabledPlatforms(deps.config);
  renderAdmin(ctx, {
    title: `立即推送 ${monthTitle(topic.month)}主题`,
    active: 'topics',
    body: html`<div class="panel"><p>将把“${topic.title}”推送给全体在用党员（${members} 人）：每人建立 ${topic.required.length} 项必学任务（本月底前完成），收到主题卡片；支部书记同时收到本支部本月到期的工作清单。</p>
<ul class="small"><li>已经收到本月主题的人不会重复收到，可以放心再次推送（例如新党员加入后）。</li><li>免打扰时段（默认 21:00–08:00）和休息日的消息会顺延到下一个可推送的时间。</li>
<li>发送渠道：${platforms.length === 0 ? '未配置' : platforms.map((p) => ({ wecom: '企业微信', dingtalk: '钉钉', sandbox: '沙盒' })[p]).join('、')}。</li></ul>
<form method="post" action="/admin/topics/${topic.month}/push">${csrfField(user)}<div class="actions"><button type="submit" class="btn primary">确认立即推送</button><a class="btn" href="/admin/topics/${topic.month}">取消</a></div></form></div>`,
  });
}

/** POST /topics/:month/push: pushTopic (the API's and CLI's push; idempotent), then its outcome as a message. */
export async function pushHandler(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  requireWrite(user);
  const month = monthParam(ctx.params.month);
  const topic = await findTopic(deps, month);
  const before = await queuedForMonth(deps, month);
  const at = deps.clock.now();
  const outcome = await pushTopic({ database: deps.database, timezone: deps.config.timezone, links: deps.links, platforms: enabledPlatforms(deps.config), calendar: deps.calendar }, month, at);
  if (outcome.status !== 'pushed') throw new ValidationError(`${monthTitle(month)}还没有主题，无法推送。`);
  const queued = (await queuedForMonth(deps, month)) - before;
  // pushTopic commits its own transaction; the console's record of who pressed the button follows it.
  await deps.database.db.transaction((tx) => auditConsole(tx, user, at, {
    action: 'topic.push', subjectType: 'topic', subjectId: topic.id, data: { ...outcome, queued },
  }));
  const text = queued === 0
    ? `没有新的消息需要发送：${monthTitle(month)}主题此前已推送给这些人（重复推送不会重复发送）。${outcome.assignmentsCreated > 0 ? `新建必学任务 ${outcome.assignmentsCreated} 条。` : ''}`
    : `已推送 ${monthTitle(month)}主题：新加入发送队列 ${queued} 条消息（主题卡片覆盖 ${outcome.members} 人，支部书记工作清单 ${outcome.branchLists} 份），新建必学任务 ${outcome.assignmentsCreated} 条${outcome.unreachable > 0 ? `；${outcome.unreachable} 人没有可用的消息账号，未能送达` : ''}。`;
  redirectWithFlash(ctx, `/admin/topics/${month}`, text, queued === 0 ? 'warn' : 'ok');
}
