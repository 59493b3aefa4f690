import { parseDate } from './dates.js';
import { makeIntent, type Intent } from './intent.js';
import { parseInteger } from './numbers.js';
import { QUESTION, parseTarget } from './target.js';

/**
 * Extension requests, as the card tells people to type them and as they say it:
 * "申请延期 1", "申请延期 2 到12月10日 理由：出差", "第2项延期到下周五", "延期至月底", "申请延期 2 三天".
 * The reason (after 理由/原因/因为/由于, or any text after the date) goes into `note`.
 */
const EXTEND_VERB = /^(.*?)(申请延期|申请延长|申请推迟|申请顺延|申请宽限|延期|延长|推迟|顺延|宽限)(.*)$/u;
const REASON_RE = /[\s,，。;；]*(?:理由|原因|因为|由于|延期理由|延期原因)\s*(?:是)?\s*[:：]?\s*/u;
const LEFT_FILLERS = ['我想', '我要', '想', '需要', '要', '请求', '申请', '能'];
const RIGHT_FILLERS = ['一下', '吧', '了', '时间', '截止时间', '期限'];
const DAYS_RE = /^(?:到|至)?\s*(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(天|日|周|个星期|星期)$/u;

interface DatePart {
  until: string | null;
  days: number | null;
  rest: string | null;
}

function parseDatePart(text: string, now: Date, tz: string): DatePart | null {
  const t = text.trim().replace(/^[,，]\s*/u, '').replace(/^(到|至|延至|延到)\s+/u, '$1');
  if (t === '') return { until: null, days: null, rest: null };
  // The date is the first word; anything after a space or comma is the reason.
  const sep = /[\s,，。;；]/u.exec(t);
  const head = sep ? t.slice(0, sep.index) : t;
  const tail = sep ? t.slice(sep.index).replace(/^[\s,，。;；]+/u, '') : '';
  const rest = tail === '' ? null : tail;
  const until = parseDate(head, now, tz, 'future');
  if (until) return { until, days: null, rest };
  const d = DAYS_RE.exec(head);
  if (d) {
    const n = parseInteger(d[1]!);
    if (n !== null && n >= 1 && n <= 366) return { until: null, days: d[2] === '天' || d[2] === '日' ? n : n * 7, rest };
  }
  return null;
}

export function parseExtend(s: string, now: Date, tz: string): Intent | null {
  if (QUESTION.test(s) || /不|别|没|未/u.test(s)) return null;
  const r = REASON_RE.exec(s);
  const body = r ? s.slice(0, r.index) : s;
  const reason = r ? s.slice(r.index + r[0].length).trim() || null : null;
  const m = EXTEND_VERB.exec(body);
  if (!m) return null;
  const left = parseTarget(m[1]!, LEFT_FILLERS);
  if (!left || left.all) return null;
  const right = m[3]!.replace(/(?:一下|吧|了)$/u, '').trim();
  // Try every split of the right side into "items" + "date and reason", longest item list first.
  for (let i = right.length; i >= 0; i--) {
    const itemsText = right.slice(0, i);
    // Never split inside a number ("1 到 11月20日" is not "1到1" + "1月20日").
    if (/[\d零〇一二两三四五六七八九十]$/u.test(itemsText) && /^[\d零〇一二两三四五六七八九十]/u.test(right.slice(i))) continue;
    const target = parseTarget(itemsText, RIGHT_FILLERS);
    if (!target || target.all) continue;
    if (!target.empty && !left.empty) continue;
    const date = parseDatePart(right.slice(i), now, tz);
    if (!date) continue;
    if (date.rest !== null && reason !== null) continue;
    const items = left.empty ? target.items : left.items;
    return makeIntent('extend', { items, until: date.until, points: date.days, note: reason ?? date.rest });
  }
  return null;
}

const DECISION_RE = /^(同意|批准|准予|通过|驳回|拒绝|不同意|不批准|退回)\s*(?:延期|延期申请|申请)?\s*([Yy]\s*\d{1,6})?\s*(?:[,，;；]?\s*(?:理由|原因|意见|备注)?\s*[:：]?\s*(.*))?$/u;

/** "同意延期 Y3" / "驳回延期 Y3 理由：…" — the secretary's decision on an extension request. */
export function parseExtensionDecision(s: string): Intent | null {
  const m = DECISION_RE.exec(s);
  if (!m) return null;
  const approve = ['同意', '批准', '准予', '通过'].includes(m[1]!);
  const target = m[2] ? m[2].replace(/\s/g, '').toUpperCase() : null;
  const note = m[3]?.trim() || null;
  // Without a request code the text must at least say it is about an extension ("同意" alone is too vague).
  if (!target && !/延期/u.test(s)) return null;
  if (QUESTION.test(s)) return null;
  return makeIntent(approve ? 'extension_approve' : 'extension_reject', { target, note });
}
