import { describe, expect, it } from 'vitest';
import { decodeActionRef } from '../../../cards/index.js';
import { renderWecomTemplateCard } from '../../../adapters/wecom/render-card.js';
import { renderWecomMarkdownMessage } from '../../../adapters/wecom/render-message.js';
import { renderWecomUpdateCardXml } from '../../../adapters/wecom/passive-reply.js';
import { renderWecomBotMarkdown } from '../../../adapters/wecom/render-bot.js';
import { isValidWecomTaskId } from '../../../adapters/wecom/task-id.js';
import { WECOM_LIMITS } from '../../../adapters/wecom/limits.js';
import { renderDingtalkCardParamMap } from '../../../adapters/dingtalk/render-card.js';
import { renderDingtalkActionCard } from '../../../adapters/dingtalk/render-action-card.js';
import { renderDingtalkMarkdown } from '../../../adapters/dingtalk/render-markdown.js';
import { DINGTALK_LIMITS } from '../../../adapters/dingtalk/limits.js';
import { renderSandboxCard } from '../../../adapters/sandbox/render-card.js';
import { ALL_CARDS } from './fixtures.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const chars = (s: string): number => [...s].length;

/** Every builder × every renderer, checked against each platform's limits table. */
describe.each(ALL_CARDS)('%s', (_name, make) => {
  const card = make();

  it('WeCom template card obeys §8', () => {
    const tc = renderWecomTemplateCard(card);
    expect(isValidWecomTaskId(tc.task_id)).toBe(true);
    expect(tc.button_list?.length ?? 0).toBeLessThanOrEqual(WECOM_LIMITS.buttons);
    expect(tc.horizontal_content_list?.length ?? 0).toBeLessThanOrEqual(WECOM_LIMITS.horizontalFields);
    expect(tc.jump_list?.length ?? 0).toBeLessThanOrEqual(WECOM_LIMITS.jumpLinks);
    expect(chars(tc.main_title?.title ?? '')).toBeLessThanOrEqual(WECOM_LIMITS.chars.title);
    expect(chars(tc.sub_title_text ?? '')).toBeLessThanOrEqual(WECOM_LIMITS.chars.subTitle);
    if (tc.card_type === 'text_notice' || tc.card_type === 'news_notice') expect(tc.card_action?.url).toBe(card.link?.url);
    for (const b of tc.button_list ?? []) {
      if ('key' in b) {
        expect(bytes(b.key)).toBeLessThanOrEqual(WECOM_LIMITS.keyBytes);
        expect(decodeActionRef(b.key)).toBeDefined();
      }
    }
    const keys = (tc.button_list ?? []).flatMap((b) => ('key' in b ? [b.key] : []));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('WeCom markdown ≤ 2048 bytes, bot markdown ≤ 20 480, passive XML well-formed around CDATA', () => {
    expect(bytes(renderWecomMarkdownMessage(card, { agentId: 1, touser: ['u'] }).markdown.content)).toBeLessThanOrEqual(WECOM_LIMITS.markdownBytes);
    expect(bytes(renderWecomBotMarkdown(card).markdown.content)).toBeLessThanOrEqual(WECOM_LIMITS.botMarkdownBytes);
    const xml = renderWecomUpdateCardXml({ toUser: 'u', corpId: 'c', createTime: 1 }, card);
    expect(xml.startsWith('<xml><ToUserName>')).toBe(true);
    expect(xml.endsWith('</TemplateCard></xml>')).toBe(true);
  });

  it('DingTalk card data: strings only, keys ≤ 100 B, values ≤ 1 KB', () => {
    const map = renderDingtalkCardParamMap(card);
    for (const [k, v] of Object.entries(map)) {
      expect(typeof v).toBe('string');
      expect(bytes(k)).toBeLessThanOrEqual(DINGTALK_LIMITS.cardParamKeyBytes);
      expect(bytes(v)).toBeLessThanOrEqual(DINGTALK_LIMITS.cardParamValueBytes);
    }
    for (const k of ['fields', 'items', 'buttons', 'links']) expect(Array.isArray(JSON.parse(map[k] ?? ''))).toBe(true);
    expect(map.title).toBe(card.header.title);
  });

  it.each(['single', 'group'] as const)('DingTalk action card (%s): msgKey matches buttons, msgParam ≤ 15 000 B', (conversation) => {
    const msg = renderDingtalkActionCard(card, { conversation });
    expect(bytes(msg.msgParam)).toBeLessThanOrEqual(DINGTALK_LIMITS.msgParamBytes);
    const p = JSON.parse(msg.msgParam) as Record<string, string>;
    expect(p.title).toBe(card.header.title);
    const n = Object.keys(p).filter((k) => /^(actionTitle|buttonTitle)\d$|^singleTitle$/.test(k)).length;
    const expected = n === 0 ? 'sampleMarkdown' : n === 1 ? 'sampleActionCard' : n === 2 ? 'sampleActionCard6' : `sampleActionCard${n}`;
    expect(msg.msgKey).toBe(expected);
    expect(n).toBeLessThanOrEqual(DINGTALK_LIMITS.actionCardButtons);
    if (conversation === 'group') expect(msg.msgParam).not.toContain('dtmd://');
    expect(bytes(renderDingtalkMarkdown(card).msgParam)).toBeLessThanOrEqual(DINGTALK_LIMITS.msgParamBytes);
  });

  it('sandbox HTML shows the title, every item and every callback', () => {
    const html = renderSandboxCard(card);
    expect(html).toContain(`<h3 class="card-title">${card.header.title}</h3>`);
    const items = card.blocks.flatMap((b) => (b.type === 'items' ? b.items : []));
    expect(html.match(/<li class="card-item"/g)?.length ?? 0).toBe(items.length);
    const callbacks = card.actions.filter((a) => a.type === 'callback').length + items.filter((i) => i.action).length;
    expect(html.match(/<button type="submit"/g)?.length ?? 0).toBe(callbacks + (card.actions.some((a) => a.type === 'submit') ? 1 : 0));
  });
});
