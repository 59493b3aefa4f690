import { createHash } from 'node:crypto';

/** The year-report page's stylesheet, served same-origin (the page's CSP allows no inline style). Mobile first. */
export const REPORT_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f4f5f7;-webkit-text-size-adjust:100%}
header{background:#b71c1c;color:#fff;padding:14px 16px}header h1{margin:0;font-size:18px;line-height:1.4}header p{margin:2px 0 0;color:#ffd7d7;font-size:13px}
main{max-width:960px;margin:0 auto;padding:12px}
section{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:12px 14px;margin-bottom:12px}
h2{font-size:16px;margin:0 0 8px}h3{font-size:15px;margin:14px 0 6px}
p{margin:6px 0}ul,ol{padding-left:22px;margin:0}li{margin:4px 0}
a{color:#1565c0}.muted{color:#666;font-size:13px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(110px,1fr));gap:8px;margin:4px 0}
.kpi{background:#f7f8fa;border-radius:6px;padding:8px 10px}.kpi b{display:block;font-size:20px}.kpi span{color:#666;font-size:12px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:13px;min-width:100%}th,td{text-align:left;padding:6px 6px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{color:#555;font-weight:600;background:#fafbfc;white-space:nowrap}td.num,th.num{text-align:right;white-space:nowrap}
tr.total td{font-weight:700;border-top:2px solid #d9dde3}
td:first-child{min-width:8em}
.state{display:inline-block;font-size:12px;padding:0 6px;border-radius:10px;white-space:nowrap;background:#eef2f7;color:#444}
.state.done{background:#e6f4ea;color:#1a7f37}.state.late{background:#fff4e5;color:#a15c00}.state.overdue{background:#fdecea;color:#c62828}
.branches{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px}.branches li{margin:0}.branches a{display:inline-block;border:1px solid #c9d6e8;border-radius:14px;padding:2px 10px;text-decoration:none;font-size:13px}
.top{font-size:13px;float:right}
.download{display:inline-block;margin-top:6px;border:1px solid #b71c1c;color:#b71c1c;border-radius:6px;padding:6px 12px;text-decoration:none}
`;

export const REPORT_CSS_URL = `/h5/reports/assets/report.css?v=${createHash('sha256').update(REPORT_CSS).digest('hex').slice(0, 12)}`;

export const REPORT_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
