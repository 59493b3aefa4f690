import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { makeCard } from '../../../cards/index.js';
import type { Card, CardAction } from '../../../cards/model.js';
import { renderWecomTemplateCard } from '../../../adapters/wecom/render-card.js';
import { renderWecomButtonUpdate, renderWecomCardUpdate, renderWecomMarkdownMessage, renderWecomTemplateCardMessage } from '../../../adapters/wecom/render-message.js';
import { cdata, renderWecomUpdateButtonXml, renderWecomUpdateCardXml } from '../../../adapters/wecom/passive-reply.js';
import { renderWecomBotCardReply, renderWecomBotCardUpdate, renderWecomBotMarkdown } from '../../../adapters/wecom/render-bot.js';
import { wecomTaskId } from '../../../adapters/wecom/task-id.js';
import { checklist, completion, extension, H5, scoringSheet } from './fixtures.js';

const SOURCE = { desc: '机关党委', desc_color: 0 };
const card = (over: Partial<Omit<Card, 'fallbackText'>>): Card =>
  makeCard({ kind: 'help', key: 'k-1', header: { title: '标题' }, blocks: [], actions: [], link: { label: '详情', url: `${H5}/d` }, ...over });
const cb = (id: string, item?: string): CardAction => ({ type: 'callback', id, label: `按${id}`, reply: id, payload: item ? { item } : {}, style: 'primary' });

describe('WeCom template_card: explicit expected objects', () => {
  it('checklist with one item → button_interaction with one 完成 button', () => {
    expect(renderWecomTemplateCard(checklist(1))).toEqual({
      card_type: 'button_interaction',
      source: SOURCE,
      task_id: wecomTaskId('checklist:u-zhangsan:1'),
      main_title: { title: '张三的待办清单', desc: '共 1 项，待完成 1 项' },
      sub_title_text: '0/1 已完成\n其中 1 项已逾期，请尽快处理。\n1. ! 任务1（已逾期） · 截止 11-30',
      card_action: { type: 1, url: `${H5}/list/u-zhangsan` },
      button_list: [{ text: '完成', style: 1, key: 'complete?item=t1' }],
    });
  });

  it('checklist with 12 items → text_notice: numbered list, reply hint, H5 link (never silently cut)', () => {
    const tc = renderWecomTemplateCard(checklist(12));
    expect(tc.card_type).toBe('text_notice');
    expect(tc.button_list).toBeUndefined();
    expect(tc.emphasis_content).toEqual({ title: '0/12', desc: '已完成' });
    expect(tc.card_action).toEqual({ type: 1, url: `${H5}/list/u-zhangsan` });
    const lines = (tc.sub_title_text ?? '').split('\n');
    expect(lines[0]).toBe('其中 1 项已逾期，请尽快处理。');
    expect(lines[1]).toBe('1. ! 任务1（已逾期） · 截止 11-30');
    expect(lines.at(-1)).toBe('回复序号即可，如“完成 1、2”');
    expect(lines.at(-2)).toMatch(/^…另有 \d+ 行，见“查看清单详情”$/);
    expect([...(tc.sub_title_text ?? '')].length).toBeLessThanOrEqual(160);
  });

  it('extension request → fields horizontal, 同意/驳回 with payload keys', () => {
    expect(renderWecomTemplateCard(extension())).toEqual({
      card_type: 'button_interaction',
      source: SOURCE,
      task_id: wecomTaskId('ext:req-3'),
      main_title: { title: '延期申请', desc: '李四 申请延期' },
      sub_title_text: '理由：外出培训一周',
      horizontal_content_list: [
        { keyname: '事项', value: '撰写学习心得' }, { keyname: '原截止', value: '11-20' }, { keyname: '申请延至', value: '11-27' },
      ],
      card_action: { type: 1, url: `${H5}/ext/req-3` },
      button_list: [
        { text: '同意', style: 1, key: 'approve-extension?request=req-3' },
        { text: '驳回', style: 3, key: 'reject-extension?request=req-3' },
      ],
    });
  });

  it('scoring sheet for one branch → button_selection + submit button', () => {
    const tc = renderWecomTemplateCard(scoringSheet(1));
    expect(tc.card_type).toBe('button_interaction');
    expect(tc.button_selection).toEqual({
      question_key: 'grade:b2', title: '第2支部',
      option_list: [{ id: 'A', text: '好' }, { id: 'B', text: '较好' }, { id: 'C', text: '一般' }, { id: 'D', text: '差' }],
    });
    expect(tc.button_list).toEqual([{ text: '提交评价', style: 1, key: 'submit-grades?round=2026q4' }]);
  });

  it('scoring sheet for 11 branches → text_notice pointing to the H5 form', () => {
    const tc = renderWecomTemplateCard(scoringSheet(11));
    expect(tc.card_type).toBe('text_notice');
    expect(tc.sub_title_text).toBe('正向打分与反向扣分请在评分表中逐项填写；本支部已回避。\n请点“打开评分表”作答');
    expect(tc.horizontal_content_list).toEqual([{ keyname: '截止', value: '11-28 18:00' }]);
  });

  it('a lone multi-choice question → vote_interaction', () => {
    const c = card({
      link: undefined,
      actions: [
        { type: 'choice', id: 'q1', title: '学习方式', multiple: true, options: [{ id: 'a', label: '线上', selected: true }, { id: 'b', label: '线下' }] },
        { type: 'submit', id: 'vote', label: '提交', payload: { poll: 'p1' } },
      ],
    });
    expect(renderWecomTemplateCard(c)).toEqual({
      card_type: 'vote_interaction', source: { desc: '党建助手', desc_color: 0 }, task_id: 'k-1', main_title: { title: '标题' },
      checkbox: { question_key: 'q1', option_list: [{ id: 'a', text: '线上', is_checked: true }, { id: 'b', text: '线下', is_checked: false }], mode: 1 },
      submit_button: { text: '提交', key: 'vote?poll=p1' },
    });
  });

  it('three single-choice questions → multiple_interaction; four → degraded', () => {
    const q = (i: number): CardAction => ({ type: 'choice', id: `q${i}`, title: `第${i}题`, multiple: false, options: [{ id: 'y', label: '是' }, { id: 'n', label: '否', selected: true }] });
    const submit: CardAction = { type: 'submit', id: 's', label: '提交', payload: {} };
    const three = renderWecomTemplateCard(card({ link: undefined, actions: [q(1), q(2), q(3), submit] }));
    expect(three.card_type).toBe('multiple_interaction');
    expect(three.select_list?.map((s) => [s.question_key, s.selected_id])).toEqual([['q1', 'n'], ['q2', 'n'], ['q3', 'n']]);
    expect(three.submit_button).toEqual({ text: '提交', key: 's' });
    const four = renderWecomTemplateCard(card({ actions: [q(1), q(2), q(3), q(4), submit] }));
    expect(four.card_type).toBe('text_notice');
    expect(four.sub_title_text).toBe('请点“详情”作答');
  });

  it('an image and nothing interactive → news_notice', () => {
    const tc = renderWecomTemplateCard(card({ blocks: [{ type: 'image', url: `${H5}/p.png`, alt: '海报' }, { type: 'text', text: '主题党日' }] }));
    expect(tc).toEqual({
      card_type: 'news_notice', source: { desc: '党建助手', desc_color: 0 }, task_id: 'k-1', main_title: { title: '标题' },
      card_image: { url: `${H5}/p.png` }, vertical_content_list: [{ title: '主题党日' }], card_action: { type: 1, url: `${H5}/d` },
    });
  });
});

describe('WeCom limits', () => {
  it('≤ 6 buttons: 6 item buttons fit, 7 degrade to the reply hint', () => {
    expect(renderWecomTemplateCard(checklist(6)).button_list).toHaveLength(6);
    const seven = renderWecomTemplateCard(checklist(7));
    expect(seven.button_list).toBeUndefined();
    expect(seven.sub_title_text).toContain('回复序号即可，如“完成 1、2”');
  });
  it('card-level buttons beyond 6 cannot degrade → ValidationError', () => {
    const c = card({ actions: [1, 2, 3, 4, 5, 6, 7].map((i) => cb(`b${i}`)) });
    expect(() => renderWecomTemplateCard(c)).toThrow(ValidationError);
  });
  it('links share the six slots in button_interaction; extra links point to the H5 page', () => {
    const links: CardAction[] = [1, 2, 3, 4, 5, 6].map((i) => ({ type: 'link', label: `材料${i}`, url: `${H5}/m/${i}` }));
    const tc = renderWecomTemplateCard(card({ actions: [cb('x'), ...links] }));
    expect(tc.button_list?.map((b) => b.text)).toEqual(['按x', '材料1', '材料2', '材料3', '材料4', '详情']);
    expect(tc.sub_title_text).toBe('另有 2 个链接，见“详情”');
  });
  it('notice cards keep ≤ 3 jump links', () => {
    const links: CardAction[] = [1, 2, 3, 4].map((i) => ({ type: 'link', label: `材料${i}`, url: `${H5}/m/${i}` }));
    const tc = renderWecomTemplateCard(card({ actions: links }));
    expect(tc.jump_list).toEqual([
      { type: 1, title: '材料1', url: `${H5}/m/1` }, { type: 1, title: '材料2', url: `${H5}/m/2` }, { type: 1, title: '详情', url: `${H5}/d` },
    ]);
  });
  it('more than 6 fields, or long labels, become text lines', () => {
    const fields = [1, 2, 3, 4, 5, 6, 7].map((i) => ({ label: `项${i}`, value: `值${i}` }));
    const tc = renderWecomTemplateCard(card({ blocks: [{ type: 'fields', fields }] }));
    expect(tc.horizontal_content_list).toBeUndefined();
    expect(tc.sub_title_text).toBe(fields.map((f) => `${f.label}：${f.value}`).join('\n'));
    const long = renderWecomTemplateCard(card({ blocks: [{ type: 'fields', fields: [{ label: '机关第二党支部', value: '★★★☆☆ 中间' }] }] }));
    expect(long.sub_title_text).toBe('机关第二党支部：★★★☆☆ 中间');
  });
  it('long titles are ellipsized to 26 字 (full title in the fallback text)', () => {
    const title = '关于深入学习贯彻党的二十届四中全会精神开展专题研讨的通知（第二批）😀';
    const c = card({ header: { title, subtitle: '副'.repeat(40) } });
    const tc = renderWecomTemplateCard(c);
    expect(tc.main_title?.title).toBe('关于深入学习贯彻党的二十届四中全会精神开展专题研讨…');
    expect([...(tc.main_title?.title ?? '')]).toHaveLength(26);
    expect([...(tc.main_title?.desc ?? '')]).toHaveLength(30);
    expect(c.fallbackText).toContain(title);
  });
  it('key > 1024 bytes and option id > 128 bytes are rejected before sending', () => {
    expect(() => renderWecomTemplateCard(card({ actions: [{ ...cb('x'), payload: { big: '党'.repeat(400) } } as CardAction] }))).toThrow(/1024/);
    const q: CardAction = { type: 'choice', id: 'q', title: 't', multiple: false, options: [{ id: 'o'.repeat(129), label: 'A' }] };
    expect(() => renderWecomTemplateCard(card({ link: undefined, actions: [q, { type: 'submit', id: 's', label: '提交', payload: {} }] }))).toThrow(/128/);
  });
  it('a notice card without link is rejected (card_action required, §8)', () => {
    expect(() => renderWecomTemplateCard(card({ link: undefined, blocks: [{ type: 'text', text: '无链接' }] }))).toThrow(/card_action/);
  });
  it('without callbacks (bot without callback URL) buttons turn into reply hints', () => {
    const tc = renderWecomTemplateCard(extension(), { interactive: false });
    expect(tc.card_type).toBe('text_notice');
    expect(tc.sub_title_text).toBe('理由：外出培训一周\n回复“同意延期 Y3”即可同意\n回复“驳回延期 Y3”即可驳回');
  });
});

describe('WeCom message bodies', () => {
  it('message/send', () => {
    const body = renderWecomTemplateCardMessage(completion(), { agentId: 1000002, touser: ['zhangsan', 'lisi'] });
    expect(body).toMatchObject({ touser: 'zhangsan|lisi', msgtype: 'template_card', agentid: 1000002, enable_duplicate_check: 0 });
    expect(body.template_card.task_id).toBe(wecomTaskId('done:rec-9'));
    expect(() => renderWecomTemplateCardMessage(completion(), { agentId: 1, touser: [] })).toThrow(ValidationError);
    expect(() => renderWecomTemplateCardMessage(completion(), { agentId: 1, touser: Array.from({ length: 1001 }, (_, i) => `u${i}`) })).toThrow(/1000/);
  });
  it('markdown message stays ≤ 2048 bytes and cites the link when cut', () => {
    const body = renderWecomMarkdownMessage(checklist(200), { agentId: 1, touser: ['u'] });
    expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(2048);
    expect(body.markdown.content).toContain(`行，见[查看清单详情](${H5}/list/u-zhangsan)`);
  });
  it('update_template_card API bodies (forms A and B)', () => {
    const target = { agentId: 1, responseCode: 'rc-1', userids: ['zhangsan'] };
    const b = renderWecomCardUpdate(completion(), target, { replaceText: '已撤销' });
    expect(b).toMatchObject({ userids: ['zhangsan'], agentid: 1, response_code: 'rc-1', enable_id_trans: 0 });
    expect(b.template_card.replace_text).toBe('已撤销');
    expect(renderWecomButtonUpdate('已完成', target)).toEqual({ userids: ['zhangsan'], agentid: 1, response_code: 'rc-1', button: { replace_name: '已完成' } });
  });
});

describe('WeCom passive reply XML', () => {
  const to = { toUser: 'zhangsan', corpId: 'ww123', createTime: 1700000000 };
  it('update_button', () => {
    expect(renderWecomUpdateButtonXml(to, '已完成')).toBe(
      '<xml><ToUserName><![CDATA[zhangsan]]></ToUserName><FromUserName><![CDATA[ww123]]></FromUserName>' +
      '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[update_button]]></MsgType>' +
      '<Button><ReplaceName><![CDATA[已完成]]></ReplaceName></Button></xml>');
  });
  it('CDATA splits ]]> and drops XML-illegal controls', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
    expect(cdata('x\u0001y\u0007')).toBe('<![CDATA[xy]]>');
    const joined = cdata('a]]>]]>b').replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
    expect(joined).toBe('a]]>]]>b');
  });
  it('update_template_card mirrors §8 with repeated list elements', () => {
    const xml = renderWecomUpdateCardXml(to, extension(), { replaceText: '已同意' });
    expect(xml).toBe(
      '<xml><ToUserName><![CDATA[zhangsan]]></ToUserName><FromUserName><![CDATA[ww123]]></FromUserName>' +
      '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[update_template_card]]></MsgType><TemplateCard>' +
      '<CardType><![CDATA[button_interaction]]></CardType><Source><Desc><![CDATA[机关党委]]></Desc><DescColor>0</DescColor></Source>' +
      `<TaskId><![CDATA[${wecomTaskId('ext:req-3')}]]></TaskId>` +
      '<MainTitle><Title><![CDATA[延期申请]]></Title><Desc><![CDATA[李四 申请延期]]></Desc></MainTitle>' +
      '<SubTitleText><![CDATA[理由：外出培训一周]]></SubTitleText>' +
      '<HorizontalContentList><KeyName><![CDATA[事项]]></KeyName><Value><![CDATA[撰写学习心得]]></Value></HorizontalContentList>' +
      '<HorizontalContentList><KeyName><![CDATA[原截止]]></KeyName><Value><![CDATA[11-20]]></Value></HorizontalContentList>' +
      '<HorizontalContentList><KeyName><![CDATA[申请延至]]></KeyName><Value><![CDATA[11-27]]></Value></HorizontalContentList>' +
      `<CardAction><Type>1</Type><Url><![CDATA[${H5}/ext/req-3]]></Url></CardAction>` +
      '<ButtonList><Text><![CDATA[同意]]></Text><Style>1</Style><Key><![CDATA[approve-extension?request=req-3]]></Key></ButtonList>' +
      '<ButtonList><Text><![CDATA[驳回]]></Text><Style>3</Style><Key><![CDATA[reject-extension?request=req-3]]></Key></ButtonList>' +
      '<ReplaceText><![CDATA[已同意]]></ReplaceText></TemplateCard></xml>');
  });
  it('hostile text inside the card XML stays text', () => {
    const xml = renderWecomUpdateCardXml(to, card({ blocks: [{ type: 'text', text: '</SubTitleText><script>x</script>]]><Evil/>' }] }));
    expect(xml).toContain('<SubTitleText><![CDATA[</SubTitleText><script>x</script>]]]]><![CDATA[><Evil/>]]></SubTitleText>');
  });
});

describe('WeCom smart bot', () => {
  it('card reply, update with the callback task_id, markdown', () => {
    expect(renderWecomBotCardReply(completion(), { interactive: true })).toEqual({
      msgtype: 'template_card', template_card: renderWecomTemplateCard(completion()),
    });
    const up = renderWecomBotCardUpdate(completion(), 'cb-task-1', ['zhangsan']);
    expect(up.response_type).toBe('update_template_card');
    expect(up.userids).toEqual(['zhangsan']);
    expect(up.template_card.task_id).toBe('cb-task-1');
    expect(renderWecomBotCardUpdate(completion(), 'cb-task-1').userids).toBeUndefined();
    expect(() => renderWecomBotCardUpdate(completion(), '')).toThrow(ValidationError);
    const md = renderWecomBotMarkdown(checklist(3)).markdown.content;
    expect(md.split('\n').slice(0, 3)).toEqual(['### 张三的待办清单', '**共 3 项，待完成 3 项**', '来自 机关党委']);
    expect(md).toContain('可回复：“完成 1”、“完成 2”、“完成 3”');
  });
  it('markdown escapes markup in user text', () => {
    const md = renderWecomBotMarkdown(card({ header: { title: '<font color="warning">x</font> *粗* [链](javascript:1)' } })).markdown.content;
    expect(md.split('\n')[0]).toBe('### ＜font color="warning"＞x＜/font＞ ＊粗＊ ［链］(javascript:1)');
  });
});
