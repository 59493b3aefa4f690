/** Escapes text for HTML content and attribute values; every dynamic string on an H5 page goes through it. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A tagged template: interpolated values are escaped unless wrapped in `raw()`. */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string): Raw => new Raw(html);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

function render(v: unknown): string {
  if (v instanceof Raw) return v.html;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(String(v));
}

const STYLE = `body{margin:0;font:16px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f4f5f7}
header{background:#b71c1c;color:#fff;padding:14px 16px}header h1{margin:0;font-size:18px}header p{margin:2px 0 0;color:#ffd7d7;font-size:13px}
main{max-width:680px;margin:0 auto;padding:12px}section{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:12px 14px;margin-bottom:12px}
h2{font-size:16px;margin:0 0 8px}ol{padding-left:22px;margin:0}li{margin:6px 0}.muted{color:#666;font-size:13px}
.state{font-size:12px;padding:1px 6px;border-radius:10px;margin-left:6px;white-space:nowrap}.done{background:#e6f4ea;color:#1a7f37}.overdue{background:#fdecea;color:#c62828}.extended{background:#fff4e5;color:#a15c00}.open{background:#eef2f7;color:#444}
a{color:#1565c0}`;

export function page(title: string, subtitle: string, body: Raw): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${title}</title><link rel="icon" href="data:,"><style>${raw(STYLE)}</style></head><body><header><h1>${title}</h1><p>${subtitle}</p></header><main>${body}</main></body></html>`.html;
}
