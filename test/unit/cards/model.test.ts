import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import {
  boundedId, decodeActionRef, encodeActionRef, formatStatusLine, makeCard, renderFallbackText, validateCard,
} from '../../../cards/index.js';
import type { Card } from '../../../cards/model.js';
import { wecomTaskId, isValidWecomTaskId } from '../../../adapters/wecom/task-id.js';
import { dingtalkOutTrackId } from '../../../adapters/dingtalk/render-out-track-id.js';
import { ALL_CARDS, checklist, completion, H5 } from './fixtures.js';

describe('action refs', () => {
  it.each([
    ['complete', { item: 't1' }, 'complete?item=t1'],
    ['undo', {}, 'undo'],
    ['grade', { b: '第二支部', a: 'x&y=z' }, 'grade?a=x%26y%3Dz&b=%E7%AC%AC%E4%BA%8C%E6%94%AF%E9%83%A8'],
  ])('%s %j ⇄ %s', (id, payload, ref) => {
    expect(encodeActionRef(id, payload)).toBe(ref);
    expect(decodeActionRef(ref)).toEqual({ id, payload });
  });
  it('rejects malformed refs', () => {
    expect(decodeActionRef('%E0%A4%A')).toBeUndefined();
    expect(decodeActionRef('')).toBeUndefined();
  });
});

describe('task_id / outTrackId', () => {
  it('uses a valid key as is', () => {
    expect(wecomTaskId('topic-2025_11@u1')).toBe('topic-2025_11@u1');
  });
  it('maps other keys to prefix + hash, deterministic and distinct', () => {
    const a = wecomTaskId('checklist:张三:1');
    expect(a).toMatch(/^checklist____1-[0-9A-Za-z_-]{22}$/);
    expect(wecomTaskId('checklist:张三:1')).toBe(a);
    expect(wecomTaskId('checklist:李四:1')).not.toBe(a); // same sanitised prefix, different hash
    expect(isValidWecomTaskId(a)).toBe(true);
  });
  it.each([
    ['x'.repeat(128), 128], ['x'.repeat(129), 128], ['党'.repeat(200), 128], ['', 22],
  ])('key of length %#: ≤ 128 bytes and valid', (key, len) => {
    const id = wecomTaskId(key);
    expect(Buffer.byteLength(id)).toBe(len);
    expect(isValidWecomTaskId(id)).toBe(true);
  });
  it('128-byte key kept, 129-byte key hashed', () => {
    expect(wecomTaskId('x'.repeat(128))).toBe('x'.repeat(128));
    expect(wecomTaskId('x'.repeat(129))).toMatch(/^x{105}-[0-9A-Za-z_-]{22}$/);
  });
  it('outTrackId stays ≤ 64', () => {
    expect(dingtalkOutTrackId('round:2026q4:announce').length).toBeLessThanOrEqual(64);
    expect(dingtalkOutTrackId('a'.repeat(64))).toBe('a'.repeat(64));
    expect(dingtalkOutTrackId('a'.repeat(65))).toHaveLength(64);
  });
  it('boundedId never returns an empty id', () => {
    expect(boundedId('', { maxBytes: 64, allowed: /^[a-z]$/ })).toMatch(/^[0-9A-Za-z_-]{22}$/);
    expect(boundedId('ab:c', { maxBytes: 10, allowed: /^[a-z]$/ })).toHaveLength(10);
  });
});

describe('validateCard', () => {
  const base = (): Omit<Card, 'fallbackText'> => ({
    kind: 'help', key: 'k', header: { title: '标题' }, blocks: [], actions: [], link: { label: '详情', url: `${H5}/x` },
  });
  it('accepts every built card', () => {
    for (const [, make] of ALL_CARDS) expect(() => validateCard(make())).not.toThrow();
  });
  it('lists every problem at once', () => {
    const bad: Card = {
      ...base(), key: '', fallbackText: '', header: { title: ' ' },
      link: { label: '详情', url: 'javascript:alert(1)' },
      blocks: [{ type: 'items', items: [{ no: 2, title: '', state: 'open' }] }, { type: 'image', url: 'data:x', alt: '' }],
      actions: [
        { type: 'callback', id: 'a', label: '按钮', reply: '', payload: {}, style: 'primary' },
        { type: 'callback', id: 'a', label: '按钮', reply: 'x', payload: {}, style: 'primary' },
        { type: 'choice', id: 'q', title: '题', multiple: false, options: [{ id: 'o', label: 'A', selected: true }, { id: 'o', label: 'B', selected: true }] },
      ],
    };
    let err: unknown;
    try { validateCard(bad); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ValidationError);
    const paths = ((err as ValidationError).details as { path: string }[]).map((p) => p.path);
    expect(paths).toEqual([
      'key', 'header.title', 'fallbackText', 'link.url', 'blocks[0].items[0].no', 'blocks[0].items[0].title',
      'blocks[1].url', 'blocks[1].alt', 'actions[0].reply', 'actions[1]', 'actions[2].options[1].id', 'actions[2].options', 'actions',
    ]);
  });
  it('makeCard validates what builders produce', () => {
    expect(() => makeCard({ ...base(), header: { title: '' } })).toThrow(ValidationError);
  });
});

describe('fallback text', () => {
  it.each(ALL_CARDS)('%s: non-empty, contains the title and the link', (_name, make) => {
    const card = make();
    expect(card.fallbackText).toBe(renderFallbackText(card));
    expect(card.fallbackText).toContain(card.header.title);
    if (card.link) expect(card.fallbackText).toContain(card.link.url);
    for (const a of card.actions) if (a.type === 'callback') expect(card.fallbackText).toContain(`“${a.reply}”`);
  });
  it('checklist: numbered items, states and the reply hint', () => {
    expect(checklist(2).fallbackText).toBe([
      '【机关党委】张三的待办清单', '共 2 项，待完成 2 项', '0/2 已完成', '其中 1 项已逾期，请尽快处理。',
      '1. ! 任务1（已逾期） · 截止 11-30', '2. ○ 任务2 · 截止 11-30', '回复序号即可，如“完成 1、2”',
      `查看清单详情：${H5}/list/u-zhangsan`,
    ].join('\n'));
  });
  it('completion: status line in Asia/Shanghai and the undo reply', () => {
    expect(completion().status).toBe('✓ 已完成 11-22 09:31');
    expect(completion().fallbackText).toContain('回复“撤销”即可撤销');
    expect(formatStatusLine('✓', '已完成', new Date('2025-12-31T16:05:00Z'))).toBe('✓ 已完成 01-01 00:05');
  });
});
