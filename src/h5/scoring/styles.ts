/** The scoring pages' stylesheet, served same-origin (the pages' CSP allows no inline style). Mobile first. */
export const SCORING_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f4f5f7;-webkit-text-size-adjust:100%}
header{background:#b71c1c;color:#fff;padding:14px 16px}header h1{margin:0;font-size:18px;line-height:1.4}header p{margin:2px 0 0;color:#ffd7d7;font-size:13px}
main{max-width:680px;margin:0 auto;padding:12px}
section{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:12px 14px;margin-bottom:12px}
h2{font-size:16px;margin:0 0 8px}h3{font-size:15px;margin:14px 0 6px}
p{margin:6px 0}ol,ul{padding-left:22px;margin:0}li{margin:6px 0}
a{color:#1565c0}.muted{color:#666;font-size:13px}.small{font-size:13px}
.state{display:inline-block;font-size:12px;padding:1px 8px;border-radius:10px;margin-left:6px;white-space:nowrap;background:#eef2f7;color:#444}
.state.submitted,.state.done{background:#e6f4ea;color:#1a7f37}.state.draft{background:#fff4e5;color:#a15c00}.state.dropped{background:#fdecea;color:#c62828}
.banner{border-radius:8px;padding:10px 12px;margin-bottom:12px;border:1px solid #d9dde3;background:#fff}
.banner.ok{border-color:#a6d8b4;background:#e6f4ea;color:#14532d}.banner.error{border-color:#f0b4b4;background:#fdecea;color:#8e1b1b}.banner.info{border-color:#c9d6e8;background:#eef4fb}
.banner ul{margin:4px 0 0}
.targets{list-style:none;padding:0}.targets li{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:10px 0;border-bottom:1px solid #eef0f3;margin:0}
.targets li:last-child{border-bottom:0}.targets a{font-weight:600;text-decoration:none}
.cat-head{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}
.cat-score{font-size:14px;white-space:nowrap}.cat-score output{font-weight:700}
.item{border-top:1px solid #eef0f3;padding:10px 0}
.item-name{font-weight:600}.req{display:inline-block;font-size:12px;color:#b71c1c;border:1px solid #e5a3a3;border-radius:4px;padding:0 4px;margin-left:6px;font-weight:400}
.desc{color:#555;font-size:13px;margin:2px 0 6px}
.entry{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.kind{font-size:13px;font-weight:600;padding:2px 8px;border-radius:4px;white-space:nowrap}
.kind.plus{background:#e6f4ea;color:#1a7f37}.kind.minus{background:#fdecea;color:#c62828}
input[type=text],textarea{font:inherit;border:1px solid #b8bfc8;border-radius:6px;padding:8px 10px;background:#fff;color:#1f2328}
input.points{width:6.5em;font-size:18px;text-align:right}
input.reason{width:100%;margin-top:6px}
textarea{width:100%;min-height:96px}
input:focus,textarea:focus{outline:2px solid #1565c0;outline-offset:1px}
input[aria-invalid=true]{border-color:#c62828;background:#fff7f7}
input:disabled,textarea:disabled{background:#f1f2f4;color:#555}
.limit{color:#666;font-size:13px}
.err{color:#c62828;font-size:13px;margin:4px 0 0}.err:empty{display:none}
.reason-label{display:block;font-size:13px;color:#444;margin-top:6px}
.bar{position:sticky;bottom:0;background:#fff;border-top:1px solid #d9dde3;padding:10px 12px;margin:0 -12px;display:flex;align-items:center;gap:8px;flex-wrap:wrap;box-shadow:0 -2px 6px rgba(0,0,0,.06)}
.total{flex:1 1 auto;min-width:9em}.total output{font-size:22px;font-weight:700;color:#b71c1c}
.btn{font:inherit;font-size:16px;border-radius:6px;padding:9px 16px;border:1px solid #b8bfc8;background:#fff;color:#1f2328}
.btn.primary{background:#b71c1c;border-color:#b71c1c;color:#fff}.btn:disabled{opacity:.55}
.big{font-size:22px;font-weight:700;margin:4px 0}
progress{width:100%;height:14px}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #eef0f3}th{color:#555;font-weight:600}td.num,th.num{text-align:right;white-space:nowrap}
dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:6px 0}dt{color:#666}dd{margin:0;font-weight:600}
.stars{color:#d48806;letter-spacing:2px}
.explain{background:#f7f8fa;border-radius:6px;padding:8px 10px;font-size:14px}
.scores{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px}.scores li{margin:0;border:1px solid #d9dde3;border-radius:6px;padding:2px 8px}.scores li.dropped{color:#999}
details section.branch{border:0;padding:4px 0;margin:0}
details{border-top:1px solid #eef0f3;padding:8px 0}summary{cursor:pointer;font-weight:600}
.flags li{color:#8e1b1b}
`;
