import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { decodeActionRef, makeCard } from '../../../cards/index.js';
import type { Card, CardAction } from '../../../cards/model.js';
import {
  renderDingtalkCallbackResponse, renderDingtalkCardData, renderDingtalkCardInstance, renderDingtalkCardParamMap, renderDingtalkCardUpdate,
} from '../../../adapters/dingtalk/render-card.js';
import { dingtalkSendMessageUrl, renderDingtalkActionCard } from '../../../adapters/dingtalk/render-action-card.js';
import { renderDingtalkMarkdown } from '../../../adapters/dingtalk/render-markdown.js';
import { dingtalkOutTrackId } from '../../../adapters/dingtalk/render-out-track-id.js';
import { checklist, completion, extension, H5, scoringRound, scoringSheet, topic } from './fixtures.js';

const card = (over: Partial<Omit<Card, 'fallbackText'>>): Card =>
  makeCard({ kind: 'help', key: 'k-1', header: { title: '标题' }, blocks: [], actions: [], link: { label: '详情', url: `${H5}/d` }, ...over });

describe('DingTalk interactive card (generic template)', () => {
  it('checklist with two items: every value a string, arrays JSON-encoded', () => {
    const map = renderDingtalkCardParamMap(checklist(2));
    const item = (no: number, state: string, stateLabel: string, mark: string) => ({
      no: String(no), title: `任务${no}`, state, stateLabel, mark, detail: '截止 11-30', hasAction: 'true',
      actionLabel: '完成', actionRef: `complete?item=t${no}`,
    });
    expect(map).toEqual({
      cardKey: 'checklist:u-zhangsan:2', kind: 'checklist', title: '张三的待办清单', subtitle: '共 2 项，待完成 2 项', source: '机关党委',
      status: '', hasStatus: 'false', emphasisFigure: '0/2', emphasisLabel: '已完成', hasEmphasis: 'true',
      texts: '其中 1 项已逾期，请尽快处理。', fields: '[]', hasFields: 'false',
      items: JSON.stringify([item(1, 'overdue', '已逾期', '!'), item(2, 'open', '待完成', '○')]), hasItems: 'true',
      buttons: '[]', hasButtons: 'false', links: '[]', hasLinks: 'false', hint: '', hasHint: 'false',
      imageUrl: '', imageAlt: '', hasImage: 'false',
      detailUrl: `${H5}/list/u-zhangsan`, detailLabel: '查看清单详情', hasDetail: 'true',
    });
    for (const v of Object.values(map)) expect(typeof v).toBe('string');
  });

  it('card-level buttons carry decodable action refs', () => {
    const buttons = JSON.parse(renderDingtalkCardParamMap(extension()).buttons ?? "") as { actionRef: string; style: string }[];
    expect(buttons.map((b) => decodeActionRef(b.actionRef))).toEqual([
      { id: 'approve-extension', payload: { request: 'req-3' } }, { id: 'reject-extension', payload: { request: 'req-3' } },
    ]);
    expect(buttons.map((b) => b.style)).toEqual(['primary', 'danger']);
  });

  it('questions are not in the template: hint + H5 link', () => {
    const map = renderDingtalkCardParamMap(scoringSheet(3));
    expect(map.hint).toBe('请点“打开评分表”作答');
    expect(map.buttons).toBe('[]');
  });

  it('every value ≤ 1 KB: long item lists degrade visibly', () => {
    const map = renderDingtalkCardParamMap(checklist(40));
    for (const v of Object.values(map)) expect(Buffer.byteLength(v)).toBeLessThanOrEqual(1024);
    const items = JSON.parse(map.items ?? '[]') as unknown[];
    expect(items.length).toBeLessThan(40);
    expect(map.hint).toContain(`另有 ${40 - items.length} 项，见“查看清单详情”`);
  });

  it('a too-long text value is rejected before sending', () => {
    expect(() => renderDingtalkCardParamMap(card({ blocks: [{ type: 'text', text: '党'.repeat(400) }] }))).toThrow(ValidationError);
  });

  it('private data per user, instance, update and callback response', () => {
    const personal = { u1: { status: '✓ 你已提交', doneActionIds: ['scoring-sheet'] } };
    const data = renderDingtalkCardData(scoringRound(), personal);
    expect(data.privateData).toEqual({ u1: { cardParamMap: { myStatus: '✓ 你已提交', hasMyStatus: 'true', myDoneActionIds: '["scoring-sheet"]' } } });
    const inst = renderDingtalkCardInstance(scoringRound(), 'tpl.schema');
    expect(inst).toMatchObject({ cardTemplateId: 'tpl.schema', outTrackId: dingtalkOutTrackId('round:2026q4:announce'), callbackType: 'STREAM', userIdType: 1 });
    expect(inst.privateData).toBeUndefined();
    expect(renderDingtalkCardUpdate(scoringRound(), personal).cardUpdateOptions).toEqual({ updateCardDataByKey: true, updatePrivateDataByKey: true });
    const ack = renderDingtalkCallbackResponse(completion(), { status: '已撤销' });
    expect(ack.userPrivateData).toEqual({ cardParamMap: { myStatus: '已撤销', hasMyStatus: 'true', myDoneActionIds: '[]' } });
    expect(ack.cardData.cardParamMap.status).toBe('✓ 已完成 11-22 09:31');
  });
});

describe('DingTalk action cards', () => {
  it('extension request → sampleActionCard3 with dtmd reply buttons and the H5 link', () => {
    const msg = renderDingtalkActionCard(extension(), { conversation: 'single' });
    expect(msg.msgKey).toBe('sampleActionCard3');
    expect(JSON.parse(msg.msgParam)).toEqual({
      title: '延期申请',
      text: '### 延期申请\n**李四 申请延期**\n来自 机关党委\n事项：撰写学习心得\n原截止：11-20\n申请延至：11-27\n理由：外出培训一周',
      actionTitle1: '同意', actionURL1: 'dtmd://dingtalkclient/sendMessage?content=%E5%90%8C%E6%84%8F%E5%BB%B6%E6%9C%9F%20Y3',
      actionTitle2: '驳回', actionURL2: 'dtmd://dingtalkclient/sendMessage?content=%E9%A9%B3%E5%9B%9E%E5%BB%B6%E6%9C%9F%20Y3',
      actionTitle3: '查看申请详情', actionURL3: `${H5}/ext/req-3`,
    });
  });
  it('two buttons → sampleActionCard6 (horizontal)', () => {
    const p = JSON.parse(renderDingtalkActionCard(completion(), { conversation: 'single' }).msgParam) as Record<string, string>;
    expect(renderDingtalkActionCard(completion(), { conversation: 'single' }).msgKey).toBe('sampleActionCard6');
    expect([p.buttonTitle1, p.buttonUrl1, p.buttonTitle2, p.buttonUrl2]).toEqual(['撤销', dingtalkSendMessageUrl('撤销'), '查看我的清单', `${H5}/list/u-zhangsan`]);
  });
  it('no buttons at all → sampleMarkdown; one → sampleActionCard', () => {
    expect(renderDingtalkActionCard(card({ link: undefined, blocks: [{ type: 'text', text: '通知' }] }), { conversation: 'single' }).msgKey).toBe('sampleMarkdown');
    const one = renderDingtalkActionCard(checklist(0), { conversation: 'single' });
    expect(one.msgKey).toBe('sampleActionCard');
    expect(JSON.parse(one.msgParam)).toMatchObject({ singleTitle: '查看清单详情', singleURL: `${H5}/list/u-zhangsan` });
  });
  it('≤ 5 buttons: the monthly topic fits (4), a 5-item checklist degrades to the reply hint', () => {
    expect(renderDingtalkActionCard(topic(), { conversation: 'single' }).msgKey).toBe('sampleActionCard4');
    expect(renderDingtalkActionCard(checklist(4), { conversation: 'single' }).msgKey).toBe('sampleActionCard5');
    const five = renderDingtalkActionCard(checklist(5), { conversation: 'single' });
    expect(five.msgKey).toBe('sampleActionCard');
    expect((JSON.parse(five.msgParam) as { text: string }).text.split('\n').at(-1)).toBe('回复序号即可，如“完成 1、2”');
  });
  it('in a group a tap cannot reach the bot (§3.1): reply hints with @', () => {
    const p = JSON.parse(renderDingtalkActionCard(extension(), { conversation: 'group' }).msgParam) as { text: string; singleURL: string };
    expect(p.text.split('\n').slice(-3)).toEqual(['回复“同意延期 Y3”即可同意', '回复“驳回延期 Y3”即可驳回', '群里回复时请先 @ 机器人']);
    expect(p.singleURL).toBe(`${H5}/ext/req-3`);
  });
  it('msgParam ≤ 15 000 bytes for a huge list, quotes in JSON survive', () => {
    const big = renderDingtalkActionCard(checklist(2000), { conversation: 'single' });
    expect(Buffer.byteLength(big.msgParam)).toBeLessThanOrEqual(15_000);
    expect(big.msgParam).toContain('见[查看清单详情]');
    const q = renderDingtalkMarkdown(card({ header: { title: '他说"你好"\\n' } }));
    expect((JSON.parse(q.msgParam) as { title: string }).title).toBe('他说"你好"\\n');
  });
  it('sampleMarkdown lists replies and links', () => {
    const p = JSON.parse(renderDingtalkMarkdown(topic()).msgParam) as { title: string; text: string };
    expect(p.title).toBe('2025年11月主题');
    expect(p.text.split('\n').slice(-4)).toEqual([
      '可回复：“已学习 2”', `[全会公报](${H5}/m/1)`, `[学习辅导](${H5}/m/2)`, `[查看本月主题](${H5}/topic/2025-11)`,
    ]);
  });
  it('card-level actions over 5 cannot degrade', () => {
    const many: CardAction[] = [1, 2, 3, 4, 5].map((i) => ({ type: 'callback', id: `b${i}`, label: `按${i}`, reply: `r${i}`, payload: {}, style: 'primary' }));
    expect(() => renderDingtalkActionCard(card({ actions: many }), { conversation: 'single' })).toThrow(ValidationError);
  });
});
