import { CADENCE_LABELS, currentLabel, missingLabel } from '../../domain/reports/cadence-kept.js';
import { percent } from '../../domain/reports/figures.js';
import { describePeriod } from '../../domain/reports/period.js';
import type { BranchReport, DimensionLine, Figures, ItemLine, YearReport } from '../../domain/reports/types.js';
import { html, type Raw } from '../html.js';
import { REPORT_CSS_URL } from './styles.js';

/**
 * The 年中查账 / 年底交账 page: headline figures, the table of branches (each links to its section below), the
 * table by 五型 dimension, then one section per branch (items, 组织生活, 互观互检) and the counting rules. The same
 * YearReport the workbook is built from, so the page and the download agree.
 */

export function shell(title: string, subtitle: string, body: Raw): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="format-detection" content="telephone=no"><title>${title}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${REPORT_CSS_URL}"></head><body><header><h1>${title}</h1><p>${subtitle}</p></header><main>${body}</main></body></html>`.html;
}

const num = (n: number): Raw => html`<td class="num">${String(n)}</td>`;
const rate = (r: number | null): Raw => html`<td class="num">${percent(r)}</td>`;

function figureCells(f: Figures): Raw {
  return html`${num(f.planned)}${num(f.done)}${num(f.doneLate)}${num(f.overdue)}${num(f.openNotDue)}${rate(f.completionRate)}${rate(f.dueCompletionRate)}`;
}

const FIGURE_HEADS = html`<th class="num">计划</th><th class="num">已完成</th><th class="num">逾期完成</th><th class="num">逾期未完成</th><th class="num">未到期</th><th class="num">完成率</th><th class="num">到期完成率</th>`;

export function renderYearReportPage(report: YearReport, opts: { downloadUrl: string }): string {
  const t = report.totals;
  const body = html`
<section id="top"><h2>总体情况</h2>
<p class="muted">统计期间 ${describePeriod(report.period)} · 范围：${report.scopeLabel} · 党员 ${String(report.members)} 人</p>
<div class="kpis">
<div class="kpi"><b>${String(t.planned)}</b><span>计划任务</span></div>
<div class="kpi"><b>${String(t.done)}</b><span>已完成</span></div>
<div class="kpi"><b>${String(t.overdue)}</b><span>逾期未完成</span></div>
<div class="kpi"><b>${percent(t.completionRate)}</b><span>完成率</span></div>
<div class="kpi"><b>${percent(t.dueCompletionRate)}</b><span>到期完成率</span></div>
<div class="kpi"><b>${percent(report.cadenceTotals.rate)}</b><span>组织生活按期率（${String(report.cadenceTotals.kept)}/${String(report.cadenceTotals.expected)}期）</span></div>
</div>
<a class="download" href="${opts.downloadUrl}">下载 Excel</a>
</section>
<section><h2>各党支部</h2>${branchTable(report)}</section>
<section><h2>按五型维度</h2>${dimensionTable(report.dimensions)}</section>
${report.branches.length ? html`<section><h2>支部明细</h2><ul class="branches">${report.branches.map((b) => html`<li><a href="#b-${String(b.id)}">${b.name}</a></li>`)}</ul></section>` : ''}
${report.branches.map(branchSection)}
<section><h2>说明</h2><ol class="muted">${report.notes.map((n) => html`<li>${n}</li>`)}</ol></section>`;
  return shell(report.title, `${report.agency} · ${report.scopeLabel}`, body);
}

function branchTable(report: YearReport): Raw {
  if (report.branches.length === 0) return html`<p class="muted">范围内没有党支部。</p>`;
  const latest = (b: BranchReport): string => {
    const s = b.scoring[b.scoring.length - 1];
    return s ? [s.starLabel, s.classLabel].filter(Boolean).join(' ') || '—' : '—';
  };
  return html`<div class="scroll"><table><thead><tr><th>党支部</th>${FIGURE_HEADS}<th class="num">组织生活按期</th><th>互观互检</th></tr></thead><tbody>
${report.branches.map((b) => html`<tr><td><a href="#b-${String(b.id)}">${b.name}</a>${b.active ? '' : '（已撤销）'}</td>${figureCells(b.figures)}<td class="num">${String(b.cadenceTotals.kept)}/${String(b.cadenceTotals.expected)}</td><td>${latest(b)}</td></tr>`)}
<tr class="total"><td>合计</td>${figureCells(report.totals)}<td class="num">${String(report.cadenceTotals.kept)}/${String(report.cadenceTotals.expected)}</td><td></td></tr>
</tbody></table></div>`;
}

function dimensionTable(lines: readonly DimensionLine[]): Raw {
  if (lines.length === 0) return html`<p class="muted">本期没有任务。</p>`;
  return html`<div class="scroll"><table><thead><tr><th>维度</th>${FIGURE_HEADS}</tr></thead><tbody>
${lines.map((d) => html`<tr><td>${d.name}</td>${figureCells(d.figures)}</tr>`)}</tbody></table></div>`;
}

function stateClass(line: ItemLine): string {
  if (line.figures.overdue > 0) return 'overdue';
  if (line.figures.doneLate > 0) return 'late';
  if (line.figures.done === line.figures.planned) return 'done';
  return '';
}

function branchSection(b: BranchReport): Raw {
  const f = b.figures;
  return html`<section id="b-${String(b.id)}"><a class="top" href="#top">返回顶部</a><h2>${b.name}</h2>
<p class="muted">党员 ${String(b.members)} 人 · 计划 ${String(f.planned)} · 已完成 ${String(f.done)}（逾期完成 ${String(f.doneLate)}） · 逾期未完成 ${String(f.overdue)} · 完成率 ${percent(f.completionRate)}</p>
<h3>任务</h3>${b.items.length ? html`<div class="scroll"><table><thead><tr><th>事项</th><th>截止</th><th>状态</th><th>完成时间</th><th>心得/佐证</th></tr></thead><tbody>
${b.items.map((l) => html`<tr><td>${l.item.title}</td><td>${l.dueMin === l.dueMax ? (l.dueMin ?? '—') : `${l.dueMin ?? ''}至${l.dueMax ?? ''}`}</td><td><span class="state ${stateClass(l)}">${l.status}</span></td><td>${l.lastDoneAt ? l.lastDoneAt.slice(0, 16).replace('T', ' ') : '—'}</td><td>${evidenceText(l)}</td></tr>`)}
</tbody></table></div>` : html`<p class="muted">本期没有分派给本支部的任务。</p>`}
<h3>组织生活</h3><div class="scroll"><table><thead><tr><th>会议</th><th>要求</th><th class="num">按期/应开（期）</th><th class="num">共召开</th><th>未召开的周期</th><th>当前周期</th></tr></thead><tbody>
${b.cadence.map((c) => html`<tr><td>${c.name}</td><td>${CADENCE_LABELS[c.cadence]}</td><td class="num">${String(c.kept)}/${String(c.expected)}</td><td class="num">${String(c.held)}</td><td>${missingLabel(c)}</td><td>${currentLabel(c)}</td></tr>`)}
</tbody></table></div>
<h3>互观互检</h3>${b.scoring.length ? html`<ul>${b.scoring.map((s) => html`<li>${s.title}：总分 ${s.totalText ?? '—'}，${s.starLabel || '未定级'}${s.classLabel ? `，${s.classLabel}` : ''}</li>`)}</ul>` : html`<p class="muted">本期没有已发布的互观互检结果。</p>`}
</section>`;
}

function evidenceText(l: ItemLine): string {
  if (l.assignee === 'unit' && l.figures.planned === 1) return l.evidence ?? '';
  return l.withEvidence > 0 ? `${l.withEvidence}人填写了心得` : '';
}
