/** 变更记录: a subject's audit entries as a small table, actors shown by name. */
import type { DbOrTx } from '../../../db/client.js';
import { personViews } from '../../../db/repositories/org.js';
import type { AuditLine } from '../../../db/repositories/org-console-read.js';
import { html, type Raw } from '../../../h5/html.js';

const ACTION_LABELS: Record<string, string> = {
  'unit.create': '新建',
  'unit.update': '修改',
  'unit.deactivate': '停用',
  'unit.reactivate': '恢复',
  'person.create': '新增',
  'person.update': '修改',
  'person.deactivate': '停用',
};

const FIELD_LABELS: Record<string, string> = { name: '姓名', mobile: '手机号', active: '在册', unitId: '所在单位', roles: '角色', identities: '平台账号' };

const timeText = (at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('zh-CN', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(at);

/** What changed, in a few words: the import's own change lines, or the edited fields. */
function what(line: AuditLine): string {
  const data = (line.data ?? {}) as { changes?: unknown; after?: unknown; source?: unknown; name?: unknown; reason?: unknown };
  const via = data.source === 'import' ? '（导入）' : '';
  if (Array.isArray(data.changes)) return `${data.changes.map(String).join('；')}${via}`;
  if (data.after && typeof data.after === 'object') {
    return `${Object.keys(data.after).map((k) => FIELD_LABELS[k] ?? k).join('、')}${via}`;
  }
  if (typeof data.reason === 'string') return `${data.reason}${via}`;
  if (typeof data.name === 'string') return `${data.name}${via}`;
  return via;
}

export async function auditTable(db: DbOrTx, lines: readonly AuditLine[], timeZone: string): Promise<Raw> {
  if (lines.length === 0) return html`<p class="muted">暂无变更记录。</p>`;
  const ids = [...new Set(lines.flatMap((l) => (/^person:\d+$/.test(l.actor) ? [Number(l.actor.slice(7))] : [])))];
  const names = new Map((await personViews(db, ids)).map((p) => [`person:${p.id}`, p.name]));
  const actor = (a: string): string =>
    names.get(a) ?? (a.startsWith('token:') ? `接口令牌 ${a.slice(6)}` : a === 'cli' ? '命令行' : a === 'system:demo-seed' ? '系统（演示数据）' : a.startsWith('system:') ? '系统' : a);
  return html`<div class="table-wrap"><table class="data"><thead><tr><th scope="col">时间</th><th scope="col">操作人</th><th scope="col">操作</th><th scope="col">内容</th></tr></thead><tbody>
${lines.map((l) => html`<tr><td>${timeText(l.at, timeZone)}</td><td>${actor(l.actor)}</td><td>${ACTION_LABELS[l.action] ?? l.action}</td><td>${what(l)}</td></tr>`)}</tbody></table></div>`;
}
