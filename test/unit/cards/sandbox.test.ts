import { describe, expect, it } from 'vitest';
import { makeCard } from '../../../cards/index.js';
import { renderSandboxCard } from '../../../adapters/sandbox/render-card.js';
import { esc } from '../../../adapters/sandbox/render-html.js';
import { completion, H5, scoringSheet } from './fixtures.js';

const HOSTILE = '<script>alert("x")</script>\'&`';

describe('sandbox HTML', () => {
  it('escapes text and attributes', () => {
    expect(esc(HOSTILE)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;&#96;');
  });

  it('completion card: exact fragment with a real form carrying the payload', () => {
    expect(renderSandboxCard(completion())).toBe(
      '<article class="card card-completion" data-card-key="done:rec-9" aria-label="已记录完成">' +
      '<header class="card-header"><p class="card-source">机关党委</p><h3 class="card-title">已记录完成</h3><p class="card-subtitle">观看专题党课</p></header>' +
      '<p class="card-status" role="status">✓ 已完成 11-22 09:31</p>' +
      '<dl class="card-fields"><div><dt>事项</dt><dd>观看专题党课</dd></div><div><dt>记录时间</dt><dd>11-22 09:31</dd></div><div><dt>方式</dt><dd>按钮</dd></div></dl>' +
      '<p class="card-text">心得：深受教育</p>' +
      '<div class="card-actions"><form class="card-action" method="post" action="/sandbox/actions" data-action="undo">' +
      '<input type="hidden" name="card" value="done:rec-9"><input type="hidden" name="action" value="undo">' +
      '<input type="hidden" name="ref" value="undo?record=rec-9"><input type="hidden" name="payload" value="{&quot;record&quot;:&quot;rec-9&quot;}">' +
      '<button type="submit" class="btn btn-danger" aria-label="撤销">撤销</button></form>' +
      `<a class="card-link card-detail" href="${H5}/list/u-zhangsan" target="_blank" rel="noopener noreferrer">查看我的清单</a></div></article>`);
  });

  it('no hostile string reaches the markup unescaped', () => {
    const c = makeCard({
      kind: 'help', key: `k"${HOSTILE}`, header: { title: HOSTILE, subtitle: HOSTILE, source: HOSTILE },
      blocks: [
        { type: 'text', text: HOSTILE }, { type: 'fields', fields: [{ label: HOSTILE, value: HOSTILE, url: `${H5}/"onmouseover="x` }] },
        { type: 'items', items: [{ no: 1, title: HOSTILE, state: 'open', detail: HOSTILE, action: { type: 'callback', id: HOSTILE, label: HOSTILE, reply: HOSTILE, payload: { x: HOSTILE }, style: 'primary' } }] },
        { type: 'image', url: `${H5}/a.png`, alt: HOSTILE },
      ],
      actions: [{ type: 'link', label: HOSTILE, url: `${H5}/x` }],
      link: { label: HOSTILE, url: `${H5}/d` },
    });
    const html = renderSandboxCard(c, { actionUrl: '/a"b' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('"onmouseover="');
    expect(html).not.toMatch(/="[^"]*'[^"]*"/); // no raw quote inside an attribute value
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;&#96;');
    expect(html).toContain('action="/a&quot;b"');
  });

  it('questions become radio groups inside the submit form, with Chinese labels', () => {
    const html = renderSandboxCard(scoringSheet(2));
    expect(html).toContain('<fieldset class="card-question" data-question="grade:b2"><legend>第2支部</legend><label><input type="radio" name="q:grade:b2" value="A"> 好</label>');
    expect(html).toContain('<button type="submit" class="btn btn-primary" aria-label="提交评价">提交评价</button>');
    expect(html.match(/<fieldset/g)).toHaveLength(2);
  });

  it('disables actions a viewer already used', () => {
    expect(renderSandboxCard(completion(), { doneActionIds: ['undo'] })).toContain('aria-label="撤销" disabled>');
  });
});
