import { ValidationError } from '../src/errors.js';
import { encodeActionRef } from './action-ref.js';
import type { CallbackAction, Card, CardAction } from './model.js';

const SAFE_URL = /^https?:\/\/[^\s]+$/i;

/**
 * Checks a card against the model's own rules (not platform limits — those are the renderers' job) and throws
 * one ValidationError whose `details` lists every problem, each as a path and a message.
 */
export function validateCard(card: Card): void {
  const problems: { path: string; problem: string }[] = [];
  const bad = (path: string, problem: string): void => {
    problems.push({ path, problem });
  };
  const text = (path: string, v: string | undefined): void => {
    if (v === undefined || v.trim() === '') bad(path, '不能为空');
  };
  const url = (path: string, v: string): void => {
    if (!SAFE_URL.test(v)) bad(path, `链接必须是 http(s) 地址：${v.slice(0, 80)}`);
  };

  text('key', card.key);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(card.key)) bad('key', '不能含控制字符');
  text('header.title', card.header.title);
  text('fallbackText', card.fallbackText);
  if (card.link) {
    text('link.label', card.link.label);
    url('link.url', card.link.url);
  }

  const callbacks: { path: string; action: CallbackAction }[] = [];
  card.blocks.forEach((block, b) => {
    const at = `blocks[${b}]`;
    switch (block.type) {
      case 'emphasis':
        text(`${at}.figure`, block.figure);
        text(`${at}.label`, block.label);
        break;
      case 'text':
        text(`${at}.text`, block.text);
        break;
      case 'fields':
        if (block.fields.length === 0) bad(`${at}.fields`, '至少一项');
        block.fields.forEach((f, i) => {
          text(`${at}.fields[${i}].label`, f.label);
          text(`${at}.fields[${i}].value`, f.value);
          if (f.url !== undefined) url(`${at}.fields[${i}].url`, f.url);
        });
        break;
      case 'items':
        block.items.forEach((item, i) => {
          if (item.no !== i + 1) bad(`${at}.items[${i}].no`, `序号应为 ${i + 1}，实为 ${item.no}`);
          text(`${at}.items[${i}].title`, item.title);
          if (item.action) callbacks.push({ path: `${at}.items[${i}].action`, action: item.action });
        });
        break;
      case 'image':
        url(`${at}.url`, block.url);
        text(`${at}.alt`, block.alt);
        break;
    }
  });

  // A click is identified by id + payload (its action ref); two actions with the same ref could not be told apart.
  const refs = new Map<string, string>();
  const claim = (path: string, id: string, ref: string): void => {
    text(`${path}.id`, id);
    const prev = refs.get(ref);
    if (prev !== undefined) bad(path, `与 ${prev} 重复（同 id 同 payload）`);
    else refs.set(ref, path);
  };
  card.actions.forEach((a, i) => checkAction(`actions[${i}]`, a));
  for (const { path, action } of callbacks) checkAction(path, action);

  const choices = card.actions.filter((a) => a.type === 'choice').length;
  const submits = card.actions.filter((a) => a.type === 'submit').length;
  if (submits > 1) bad('actions', '最多一个提交按钮');
  if (choices > 0 && submits === 0) bad('actions', '选择题需要提交按钮');
  if (submits > 0 && choices === 0) bad('actions', '提交按钮需要选择题');

  if (problems.length > 0) {
    throw new ValidationError(`卡片 ${card.key || '(无 key)'} 无效：${problems.map((p) => `${p.path} ${p.problem}`).join('；')}`, problems);
  }

  function checkAction(path: string, a: CardAction): void {
    switch (a.type) {
      case 'callback':
        text(`${path}.label`, a.label);
        text(`${path}.reply`, a.reply);
        claim(path, a.id, encodeActionRef(a.id, a.payload));
        break;
      case 'submit':
        text(`${path}.label`, a.label);
        claim(path, a.id, encodeActionRef(a.id, a.payload));
        break;
      case 'link':
        text(`${path}.label`, a.label);
        url(`${path}.url`, a.url);
        break;
      case 'choice': {
        text(`${path}.title`, a.title);
        claim(path, a.id, a.id);
        if (a.options.length === 0) bad(`${path}.options`, '至少一个选项');
        const seen = new Set<string>();
        a.options.forEach((o, i) => {
          text(`${path}.options[${i}].id`, o.id);
          text(`${path}.options[${i}].label`, o.label);
          if (seen.has(o.id)) bad(`${path}.options[${i}].id`, `选项 id 重复：${o.id}`);
          seen.add(o.id);
        });
        if (!a.multiple && a.options.filter((o) => o.selected).length > 1) bad(`${path}.options`, '单选题最多一个默认选中');
        break;
      }
    }
  }
}
