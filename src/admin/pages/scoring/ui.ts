import type { Context } from 'koa';
import type { PlatformId } from '../../../domain/messaging/types.js';
import type { RoundStatus, RoundView } from '../../../domain/scoring/ports.js';
import { localDateTime } from '../../../exports/scoring-round-data.js';
import { html, raw, type Raw } from '../../../h5/html.js';
import { contentDisposition } from '../../../http/api/scoring-routes.js';

/** Small pieces shared by the 互观互检 pages. */

export const BASE = '/admin/scoring';

export const STATUS_TEXT: Record<RoundStatus, string> = { open: '进行中', closed: '已结束', published: '已发布' };
const STATUS_BADGE: Record<RoundStatus, string> = { open: 'warn', closed: 'bad', published: 'ok' };

export const PLATFORM_TEXT: Record<PlatformId, string> = { wecom: '企业微信', dingtalk: '钉钉', sandbox: '沙盒' };

/** 进行中 / 已结束（待发布）/ 已发布, and "已过截止时间" for an open round the deadline job has not closed yet. */
export function statusBadge(round: Pick<RoundView, 'status' | 'closesAt'>, now: Date): Raw {
  const late = round.status === 'open' && round.closesAt.getTime() <= now.getTime();
  return html`<span class="badge ${STATUS_BADGE[round.status]}">${STATUS_TEXT[round.status]}</span>${round.status === 'closed' ? html` <span class="muted small">待发布</span>` : ''}${late ? html` <span class="muted small">已过截止时间，即将自动结束</span>` : ''}`;
}

export const when = (at: Date | null, tz: string): string => (at ? localDateTime(at, tz) : '—');

/** A download: the file name in UTF-8 (RFC 5987) with an ASCII fallback, never cached. */
export function sendFile(ctx: Context, bytes: Buffer, fileName: string, fallback: string, type: string): void {
  ctx.set('Content-Disposition', contentDisposition(fileName, fallback));
  ctx.set('Cache-Control', 'no-store');
  ctx.type = type;
  ctx.body = bytes;
}

/** A name usable as a file name (characters file systems refuse replaced, at most 80 characters). */
export function safeFileName(name: string): string {
  return [...name].map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('').trim().slice(0, 80) || '计分方案';
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Styles for the result pieces shared with the H5 report (src/h5/scoring/report-page.ts branchDetail: stars,
 * the explanation, the anonymous score list, the category table) and the scheme tables; the console's frame
 * has no classes for them.
 */
export const PAGE_STYLE = raw(`<style>
.branch dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:6px 0}.branch dt{color:#666}.branch dd{margin:0;font-weight:600}
.branch table{border-collapse:collapse;font-size:14px;width:100%;max-width:520px}.branch th,.branch td{text-align:left;padding:4px 8px;border-bottom:1px solid #e6e8eb}
.branch td.num,.branch th.num{text-align:right}.stars{color:#d48806;letter-spacing:2px}
.explain{background:#f7f8fa;border-radius:6px;padding:8px 10px;font-size:14px}
ol.scores{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px;margin:4px 0}ol.scores li{border:1px solid #d9dde3;border-radius:6px;padding:0 8px}ol.scores li.dropped{color:#999}
.state.dropped{font-size:12px;color:#c62828}
details.result{border-top:1px solid #e6e8eb;padding:8px 0}details.result summary{cursor:pointer;font-weight:600}
details.result section.branch h3:first-child{display:none}
ul.flags li{color:#8e1c12;margin:4px 0}code.digest{word-break:break-all}
tr.cat-first td,tr.cat-first th{border-top:2px solid #d9dde3}table.scheme-table{min-width:720px}table.scheme-table th[scope=rowgroup]{white-space:normal;min-width:7em}
.edit-table input,.edit-table select{font:inherit;font-size:14px;padding:4px 6px;border:1px solid #c4c9d0;border-radius:4px;width:100%;min-width:4.5em}
.edit-table td{padding:3px 4px}.edit-table input.wide{min-width:12em}.edit-table input.desc{min-width:18em}
.progress-bar{height:10px;background:#eef2f7;border-radius:5px;overflow:hidden;max-width:420px}.progress-bar span{display:block;height:100%;background:#2e7d32}
</style>`);

/** "已提交 x / y" as a bar (no script, no inline style attribute needed beyond the width). */
export function progressBar(done: number, of: number): Raw {
  const pct = of > 0 ? Math.round((done / of) * 100) : 0;
  return html`<div class="progress-bar" role="img" aria-label="已提交 ${done} / ${of}"><span style="width:${pct}%"></span></div>`;
}
