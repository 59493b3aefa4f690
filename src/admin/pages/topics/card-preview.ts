/**
 * The month's topic card as each platform shows it. The card is built by the same builder the monthly push uses
 * (buildMonthlyTopicCard, with the same key and month label as pushTopic) and rendered by the adapters' own pure
 * renderers — the sandbox's HTML, WeCom's template_card, DingTalk's interactive-card variables and its ActionCard —
 * so what the preview shows is what the platforms are sent. The WeCom and DingTalk results are JSON; they are drawn
 * here as a readable mock-up (every string escaped) with the JSON itself below.
 */
import { renderDingtalkActionCard, type DingtalkRobotMessage } from '../../../../adapters/dingtalk/render-action-card.js';
import { renderDingtalkCardParamMap, type DingtalkCardParamMap } from '../../../../adapters/dingtalk/render-card.js';
import { renderSandboxCard } from '../../../../adapters/sandbox/render-card.js';
import { renderWecomTemplateCard } from '../../../../adapters/wecom/render-card.js';
import type { WecomTemplateCard } from '../../../../adapters/wecom/render-types.js';
import { buildMonthlyTopicCard } from '../../../../cards/builders/monthly-topic.js';
import type { Card } from '../../../../cards/model.js';
import { enabledPlatforms, type Config } from '../../../config.js';
import type { TopicInput } from '../../../db/repositories/topics.js';
import { monthLabel } from '../../../domain/conversation/checklist-handlers.js';
import type { LinkSigner } from '../../../domain/conversation/ports.js';
import { html, raw, type Raw } from '../../../h5/html.js';

type Rendered<T> = { ok: true; value: T } | { ok: false; error: string };

function attempt<T>(f: () => T): Rendered<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The sandbox card's buttons are forms that post to the sandbox; in a preview nothing may be posted, so each form
 * becomes a plain box without its hidden fields (the button stays, disabled by the surrounding fieldset). Only the
 * renderer's own markup matches: user text in it is escaped, so it contains no "<" and no ">" inside attributes.
 */
function inert(cardHtml: string): string {
  return cardHtml
    .replace(/<form\b[^>]*>/g, '<div class="card-action">')
    .replace(/<\/form>/g, '</div>')
    .replace(/<input type="hidden"[^>]*>/g, '');
}

export interface TopicPreview {
  card: Card;
  sandbox: Rendered<string>;
  wecom: Rendered<WecomTemplateCard>;
  dingtalkCard: Rendered<DingtalkCardParamMap>;
  dingtalkAction: Rendered<DingtalkRobotMessage>;
}

/** The card one person (the viewer) would get for this topic, with nothing studied yet, and its renderings. */
export function topicPreview(topic: TopicInput, viewer: { personId: number; links: LinkSigner }): TopicPreview {
  const card = buildMonthlyTopicCard({
    key: `topic:${topic.month}:${viewer.personId}`,
    month: monthLabel(topic.month),
    title: topic.title.trim(),
    summary: topic.summary.trim(),
    materials: topic.materials,
    required: topic.required.map((title, i) => ({ id: String(i + 1), title: title.trim(), done: false })),
    detailUrl: viewer.links.topic(viewer.personId, topic.month),
  });
  return {
    card,
    sandbox: attempt(() => inert(renderSandboxCard(card))),
    wecom: attempt(() => renderWecomTemplateCard(card)),
    dingtalkCard: attempt(() => renderDingtalkCardParamMap(card)),
    dingtalkAction: attempt(() => renderDingtalkActionCard(card, { conversation: 'single' })),
  };
}

const isHttp = (url: string): boolean => /^https?:\/\//i.test(url);
const linkOrText = (label: string, url: string): Raw => (isHttp(url) ? html`<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>` : html`<span>${label}</span>`);

function failed(what: string, error: string): Raw {
  return html`<div class="notice error">这张卡片无法按${what}的限制生成：${error}</div>`;
}

function jsonDetails(summary: string, value: unknown): Raw {
  return html`<details class="pv-json"><summary>${summary}</summary><pre>${JSON.stringify(value, null, 2)}</pre></details>`;
}

function wecomMock(c: WecomTemplateCard): Raw {
  const buttons = c.button_list ?? [];
  return html`<div class="pv-phone pv-wecom" role="img" aria-label="企业微信卡片示意">
${c.source ? html`<p class="pv-source">${c.source.desc}</p>` : ''}
${c.main_title ? html`<p class="pv-title">${c.main_title.title}</p>${c.main_title.desc ? html`<p class="pv-desc">${c.main_title.desc}</p>` : ''}` : ''}
${c.emphasis_content ? html`<p class="pv-emph"><strong>${c.emphasis_content.title}</strong> <span>${c.emphasis_content.desc ?? ''}</span></p>` : ''}
${c.sub_title_text ? html`<p class="pv-sub">${c.sub_title_text}</p>` : ''}
${(c.horizontal_content_list ?? []).map((h) => html`<p class="pv-kv"><span>${h.keyname}</span> ${h.url ? linkOrText(h.value, h.url) : h.value}</p>`)}
${(c.vertical_content_list ?? []).map((v) => html`<p class="pv-kv"><strong>${v.title}</strong>${v.desc ? html`<br>${v.desc}` : ''}</p>`)}
${(c.jump_list ?? []).length > 0 ? html`<ul class="pv-jumps">${(c.jump_list ?? []).map((j) => html`<li>${linkOrText(j.title, j.url)}</li>`)}</ul>` : ''}
${buttons.length > 0 ? html`<div class="pv-buttons">${buttons.map((b) => ('url' in b ? html`<span class="pv-btn link">${b.text}</span>` : html`<span class="pv-btn${b.style === 1 ? ' primary' : ''}">${b.text}</span>`))}</div>` : ''}
${c.card_action ? html`<p class="pv-foot">点击卡片打开：${linkOrText('本月主题详情页', c.card_action.url)}</p>` : ''}
</div>`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The markdown subset both platforms show (headings, bold, quotes, links), drawn line by line; all text escaped. */
function markdownMock(text: string): Raw {
  const inline = (line: string): Raw[] =>
    line.split(/(\*\*[^*]+\*\*|!?\[[^\]]*\]\([^)]*\))/).map((part) => {
      const bold = /^\*\*([^*]+)\*\*$/.exec(part);
      if (bold) return html`<strong>${bold[1]}</strong>`;
      const link = /^(!?)\[([^\]]*)\]\(([^)]*)\)$/.exec(part);
      if (link) return link[1] ? html`<span class="muted">［图片：${link[2]}］</span>` : linkOrText(link[2] ?? '', safeDecode(link[3] ?? ''));
      return html`${part}`;
    });
  return html`${text.split('\n').map((line) => {
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) return html`<p class="pv-title">${inline(h[1] ?? '')}</p>`;
    const q = /^>\s?(.*)$/.exec(line);
    if (q) return html`<p class="pv-quote">${inline(q[1] ?? '')}</p>`;
    return line.trim() === '' ? '' : html`<p>${inline(line)}</p>`;
  })}`;
}

function actionCardMock(m: DingtalkRobotMessage): Raw {
  const p = JSON.parse(m.msgParam) as Record<string, string>;
  const buttons: string[] = [];
  if (p.singleTitle) buttons.push(p.singleTitle);
  for (let i = 1; i <= 5; i++) {
    const t = p[`buttonTitle${i}`] ?? p[`actionTitle${i}`];
    if (t) buttons.push(t);
  }
  return html`<div class="pv-phone pv-ding" role="img" aria-label="钉钉 ActionCard 示意">${markdownMock(p.text ?? '')}
${buttons.length > 0 ? html`<div class="pv-buttons">${buttons.map((b) => html`<span class="pv-btn">${b}</span>`)}</div>` : ''}</div>`;
}

function interactiveCardMock(map: DingtalkCardParamMap): Raw {
  const items = JSON.parse(map.items ?? '[]') as { no: string; title: string; mark: string; hasAction: string; actionLabel: string }[];
  const links = JSON.parse(map.links ?? '[]') as { text: string; url: string }[];
  const buttons = JSON.parse(map.buttons ?? '[]') as { text: string }[];
  return html`<div class="pv-phone pv-ding" role="img" aria-label="钉钉互动卡片示意">
${map.source ? html`<p class="pv-source">${map.source}</p>` : ''}<p class="pv-title">${map.title}</p>${map.subtitle ? html`<p class="pv-desc">${map.subtitle}</p>` : ''}
${map.hasEmphasis === 'true' ? html`<p class="pv-emph"><strong>${map.emphasisFigure}</strong> <span>${map.emphasisLabel}</span></p>` : ''}
${map.texts ? markdownMock(map.texts) : ''}
${items.length > 0 ? html`<ol class="pv-items">${items.map((i) => html`<li>${i.mark} ${i.title}${i.hasAction === 'true' ? html` <span class="pv-btn small">${i.actionLabel}</span>` : ''}</li>`)}</ol>` : ''}
${map.hasHint === 'true' ? html`<p class="pv-desc">${map.hint}</p>` : ''}
${buttons.length + links.length > 0 ? html`<div class="pv-buttons">${buttons.map((b) => html`<span class="pv-btn">${b.text}</span>`)}${links.map((l) => html`<span class="pv-btn link">${l.text}</span>`)}</div>` : ''}
${map.hasDetail === 'true' ? html`<p class="pv-foot">${linkOrText(map.detailLabel ?? '详情', map.detailUrl ?? '')}</p>` : ''}</div>`;
}

const CSS = `
.pv-grid{display:grid;grid-template-columns:1fr;gap:14px}@media(min-width:1000px){.pv-grid{grid-template-columns:repeat(3,1fr)}}
.pv-grid>.panel{margin-bottom:0;min-width:0}
.pv-phone{max-width:380px;border:1px solid #d9dde3;border-radius:10px;padding:10px 12px;background:#fff;box-shadow:0 1px 3px rgba(0,0,0,.06);font-size:14px;overflow-wrap:anywhere}
.pv-phone p{margin:4px 0}.pv-source{font-size:12px;color:#888}.pv-title{font-weight:600;font-size:16px}.pv-desc{color:#666;font-size:13px}
.pv-emph strong{font-size:22px;color:#1a7f37}.pv-sub{white-space:pre-wrap;color:#444}.pv-kv span{color:#888}.pv-quote{border-left:3px solid #ddd;padding-left:8px;color:#555}
.pv-jumps{padding-left:18px;margin:4px 0}.pv-items{padding-left:20px;margin:6px 0}
.pv-buttons{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}.pv-btn{display:inline-block;border:1px solid #c4c9d0;border-radius:6px;padding:3px 10px;font-size:13px;background:#f7f8fa}
.pv-btn.primary{border-color:#1a73e8;color:#1a73e8}.pv-btn.link{color:#1255a5}.pv-btn.small{padding:0 6px;font-size:12px}
.pv-foot{font-size:12px;color:#666;border-top:1px solid #eee;padding-top:6px}
.pv-json pre{white-space:pre-wrap;word-break:break-all;font-size:12px;background:#f7f8fa;border-radius:6px;padding:8px}
.pv-sandbox{max-width:380px}.pv-sandbox fieldset{border:0;padding:0;margin:0;min-width:0}
.pv-sandbox .card{border:1px solid #d9dde3;border-radius:8px;background:#fff;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.05);font-size:14px;overflow-wrap:anywhere}
.pv-sandbox .card-title{margin:0 0 4px;font-size:16px}.pv-sandbox .card p{margin:4px 0}.pv-sandbox .card-source{font-size:12px;color:#666}
.pv-sandbox .card-subtitle{font-size:13px;color:#666}.pv-sandbox .card-items{padding-left:20px;margin:6px 0}
.pv-sandbox .card form{display:inline-block;margin:2px 6px 0 0}.pv-sandbox .card-actions{display:flex;flex-wrap:wrap;gap:4px 10px;margin-top:6px;align-items:center}
.pv-sandbox .card .btn{font-size:13px;padding:2px 10px}.pv-sandbox .card .btn-primary{background:#b71c1c;color:#fff;border-color:#b71c1c}
`;

/** The three previews side by side (stacked on a phone), each with a note on when that rendering is used. */
export function previewPanels(preview: TopicPreview, config: Readonly<Config>): Raw {
  const enabled = new Set(enabledPlatforms(config));
  const badge = (on: boolean): Raw => (on ? html`<span class="badge ok">已启用</span>` : html`<span class="badge">未配置</span>`);
  const templated = config.dingtalk?.cardTemplateId !== undefined;
  const sandbox = html`<section class="panel" aria-labelledby="pv-sandbox-h"><h3 id="pv-sandbox-h">沙盒（网页模拟） ${badge(enabled.has('sandbox'))}</h3>
${preview.sandbox.ok ? html`<div class="pv-sandbox"><fieldset disabled aria-label="预览，按钮不可用">${raw(preview.sandbox.value)}</fieldset></div>` : failed('沙盒', preview.sandbox.error)}</section>`;
  const wecom = html`<section class="panel" aria-labelledby="pv-wecom-h"><h3 id="pv-wecom-h">企业微信 ${badge(enabled.has('wecom'))}</h3>
${preview.wecom.ok ? html`<p class="muted small">模板卡片 ${preview.wecom.value.card_type}（示意图，以手机上实际显示为准）</p>${wecomMock(preview.wecom.value)}${jsonDetails('查看发送的 template_card JSON', preview.wecom.value)}` : failed('企业微信', preview.wecom.error)}</section>`;
  const dingCard = preview.dingtalkCard.ok
    ? html`<h4>互动卡片${templated ? html` <span class="badge ok">当前使用</span>` : html` <span class="muted small">（配置了卡片模板 DINGTALK_CARD_TEMPLATE_ID 时使用）</span>`}</h4>${interactiveCardMock(preview.dingtalkCard.value)}${jsonDetails('查看卡片变量 cardParamMap JSON', preview.dingtalkCard.value)}`
    : failed('钉钉互动卡片', preview.dingtalkCard.error);
  const dingAction = preview.dingtalkAction.ok
    ? html`<h4>ActionCard${templated ? html` <span class="muted small">（未配置卡片模板时使用）</span>` : html` <span class="badge ok">当前使用</span>`}</h4>${actionCardMock(preview.dingtalkAction.value)}${jsonDetails(`查看机器人消息 JSON（${preview.dingtalkAction.value.msgKey}）`, { msgKey: preview.dingtalkAction.value.msgKey, msgParam: JSON.parse(preview.dingtalkAction.value.msgParam) as unknown })}`
    : failed('钉钉 ActionCard', preview.dingtalkAction.error);
  const ding = html`<section class="panel" aria-labelledby="pv-ding-h"><h3 id="pv-ding-h">钉钉 ${badge(enabled.has('dingtalk'))}</h3>${templated ? html`${dingCard}${dingAction}` : html`${dingAction}${dingCard}`}</section>`;
  return html`<style>${raw(CSS)}</style><div class="pv-grid">${sandbox}${wecom}${ding}</div>`;
}
