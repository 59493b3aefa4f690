import { parseDate } from './dates.js';
import { makeIntent, type Intent } from './intent.js';
import { HARD_NEGATION, QUESTION } from './target.js';

/**
 * Organisational life reported as held: "已召开 支部委员会", "主题党日已开展 11月15日", "支委会已开",
 * "11月15日已召开支部党员大会", "昨天开了党小组会". The name must look like a meeting (会/党课/党日/评议/活动…);
 * the date, if any, is resolved into the past.
 */
const HELD_VERB = /(已经召开|已召开|召开了|已经开展|已开展|开展了|已举办|举办了|已举行|举行了|已开完|开完了|已开过|开过了|已组织|组织了|已讲|讲了|已上|上了|已开|开了)/u;
const MEETING_NAME = /会|党课|党日|评议|活动|讲座|微党课|三会一课/u;
const NAME_FILLERS = /^(?:我们支部|我们|我支部|本支部|我|已经|已)|(?:了|啦|的)$/gu;

function splitDate(text: string, now: Date, tz: string): { name: string; date: string | null } | null {
  const t = text.trim();
  if (t === '') return { name: '', date: null };
  const words = t.split(/[\s,，、]+/u).filter((w) => w !== '');
  const dates = words.map((w) => parseDate(w.replace(/^(于|在)/u, ''), now, tz, 'past'));
  const dated = dates.filter((d) => d !== null);
  if (dated.length > 1) return null;
  if (dated.length === 1) {
    return { name: words.filter((_, i) => dates[i] === null).join(' '), date: dated[0]! };
  }
  // A date glued to the name: "11月15日主题党日", "昨天支委会".
  const glued = /^(\d{4}年\d{1,2}月\d{1,2}[日号]|\d{1,2}月\d{1,2}[日号]|[零〇一二三四五六七八九十]{1,3}月[零〇一二三四五六七八九十]{1,3}[日号]|今天|昨天|前天|上周[一二三四五六日天]|本周[一二三四五六日天]|这周[一二三四五六日天]|周[一二三四五六日天])(.+)$/u.exec(t);
  if (glued) {
    const date = parseDate(glued[1]!, now, tz, 'past');
    if (date) return { name: glued[2]!.trim(), date };
  }
  return { name: t, date: null };
}

export function parseMeetingHeld(s: string, now: Date, tz: string): Intent | null {
  if (HARD_NEGATION.test(s) || /不|别|要|将|准备|计划|打算|还/u.test(s) || QUESTION.test(s)) return null;
  const m = HELD_VERB.exec(s);
  if (!m) return null;
  const left = splitDate(s.slice(0, m.index), now, tz);
  const right = splitDate(s.slice(m.index + m[0].length), now, tz);
  if (!left || !right) return null;
  if (left.date && right.date) return null;
  const leftName = left.name.replace(NAME_FILLERS, '').trim();
  const rightName = right.name.replace(NAME_FILLERS, '').trim();
  if (leftName !== '' && rightName !== '') return null;
  const title = leftName || rightName;
  if (!MEETING_NAME.test(title) || title.length > 30) return null;
  return makeIntent('meeting_held', { title, until: left.date ?? right.date });
}
