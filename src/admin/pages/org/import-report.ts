/** How an organisation import report (file or address-book sync) and its row errors are shown. */
import type { OrgImportReport } from '../../../domain/org/types.js';
import type { AppError } from '../../../errors.js';
import { html, type Raw } from '../../../h5/html.js';

const GROUPS = [
  { prefix: '新增', title: '新增', cls: 'diff-add' },
  { prefix: '恢复', title: '恢复', cls: 'diff-add' },
  { prefix: '更新人员', title: '更新人员', cls: 'diff-change' },
  { prefix: '停用', title: '停用人员', cls: 'diff-remove' },
] as const;

/** Lines shown per group; a 10 000-person first import lists the first ones and counts the rest. */
const SHOWN_PER_GROUP = 300;

export function reportSummary(r: OrgImportReport, applied: boolean): string {
  if (r.unchanged) return `文件与现有组织一致，没有需要改动的内容（共 ${r.rows} 行）。`;
  const verb = applied ? '已' : '将';
  return `共 ${r.rows} 行：${verb}新增单位 ${r.created.units} 个、人员 ${r.created.people} 人，${verb}更新人员 ${r.updated.people} 人${r.updated.units ? `、恢复单位 ${r.updated.units} 个` : ''}，${verb}停用人员 ${r.deactivated.people} 人。`;
}

/** The changes, grouped (新增 / 更新 / 停用) and coloured, then the notes. */
export function reportBody(r: OrgImportReport): Raw {
  const rest = r.changes.filter((c) => !GROUPS.some((g) => c.startsWith(g.prefix)));
  const groups = GROUPS.map((g) => ({ ...g, lines: r.changes.filter((c) => c.startsWith(g.prefix)) })).filter((g) => g.lines.length > 0);
  const notes = r.notes.filter((n) => !n.startsWith('试运行'));
  return html`<div class="table-wrap"><table class="data"><caption class="small muted" style="text-align:left">改动汇总</caption><thead><tr><th scope="col">项目</th><th scope="col" class="num">数量</th></tr></thead><tbody>
<tr><td>新增单位（党支部、党小组）</td><td class="num">${r.created.units}</td></tr>
<tr><td>新增人员</td><td class="num">${r.created.people}</td></tr>
<tr><td>更新人员（单位、角色、账号、手机号）</td><td class="num">${r.updated.people}</td></tr>
${r.updated.units ? html`<tr><td>恢复已停用的单位</td><td class="num">${r.updated.units}</td></tr>` : ''}
<tr><td>停用人员</td><td class="num">${r.deactivated.people}</td></tr>
<tr><td>在册但文件中没有的人员</td><td class="num">${r.notInFile}</td></tr>
</tbody></table></div>
${groups.map((g) => html`<h3>${g.title}（${g.lines.length}）</h3><ul class="changes">${g.lines.slice(0, SHOWN_PER_GROUP).map((l) => html`<li class="${g.cls}">${l}</li>`)}</ul>${g.lines.length > SHOWN_PER_GROUP ? html`<p class="small muted">另有 ${g.lines.length - SHOWN_PER_GROUP} 条未列出。</p>` : ''}`)}
${rest.length > 0 ? html`<h3>其他</h3><ul class="changes">${rest.map((l) => html`<li class="diff-change">${l}</li>`)}</ul>` : ''}
${notes.length > 0 ? html`<h3>说明</h3><ul>${notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}`;
}

export interface RowProblem {
  row: number | null;
  message: string;
}

/** The row-level problems of an import error ({row, message} details), or the message alone. */
export function problemsOf(e: AppError): RowProblem[] {
  const details = Array.isArray(e.details) ? (e.details as unknown[]) : [];
  const rows = details.flatMap((d): RowProblem[] => {
    if (typeof d === 'string') return [{ row: null, message: d }];
    if (!d || typeof d !== 'object') return [];
    const o = d as { row?: unknown; message?: unknown };
    const row = typeof o.row === 'number' && o.row > 0 ? o.row : null;
    const message = typeof o.message === 'string' ? o.message : JSON.stringify(d);
    // "第5行：所在单位/支部为空" → 行号 5, 原因 "所在单位/支部为空".
    return [{ row, message: row !== null ? message.replace(new RegExp(`^第\\s*${row}\\s*行[：:]\\s*`), '') : message }];
  });
  return rows.length > 0 ? rows : [{ row: null, message: e.message }];
}

export function problemsTable(problems: readonly RowProblem[]): Raw {
  return html`<div class="table-wrap"><table class="data"><caption class="small muted" style="text-align:left">逐行错误</caption><thead><tr><th scope="col" class="num">行号</th><th scope="col">原因</th></tr></thead><tbody>
${problems.slice(0, 1000).map((p) => html`<tr><td class="num">${p.row ?? '—'}</td><td>${p.message}</td></tr>`)}</tbody></table></div>
${problems.length > 1000 ? html`<p class="small muted">另有 ${problems.length - 1000} 处错误未列出。</p>` : ''}`;
}
