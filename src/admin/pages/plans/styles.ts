import { html, raw, type Raw } from '../../../h5/html.js';

/** The few styles the plan pages need beyond the console's (CSP allows inline styles, not scripts). */
const CSS = `
.plan-tree,.plan-tree ol{list-style:none;margin:0;padding:0}
.plan-tree ol{margin-left:14px;padding-left:10px;border-left:2px solid #e6e8eb}
.plan-tree li{margin:6px 0}
.plan-tree .node{padding:6px 8px;border-radius:6px}
.plan-tree .node .head{font-weight:600}
.plan-tree .node.level-task .head{font-weight:400}
.plan-tree .meta{display:flex;flex-wrap:wrap;gap:4px 8px;font-size:13px;color:#555;margin-top:2px}
.plan-tree details{font-size:13px;color:#444;margin-top:2px}
.plan-tree details p{white-space:pre-wrap;margin:4px 0}
.doc-lines{list-style:none;margin:0;padding:0;font-size:14px}
.doc-lines li{display:grid;grid-template-columns:3.2em 1fr;gap:6px;padding:2px 0;border-bottom:1px dashed #eef0f2}
.doc-lines .no{color:#888;text-align:right;font-variant-numeric:tabular-nums}
.doc-lines .flagged{background:#fff6e5}
.doc-lines .text{word-break:break-all}
@media(min-width:900px){.scroll-pane{max-height:75vh;overflow:auto}}
table.data td.num,table.data th.num{text-align:right}
table.data .date{white-space:nowrap}
.dims{display:flex;flex-wrap:wrap;gap:4px 14px}
.dims label{font-weight:400}
`;

export function planStyles(): Raw {
  return html`<style>${raw(CSS)}</style>`;
}
