import { makeIntent, type Intent } from './intent.js';
import { HARD_NEGATION, QUESTION, SOFT_NEGATION, parseTarget, type Target } from './target.js';

/**
 * Completions: "[items|all] VERB" or "VERB [items|all]", with fillers, and an optional note after
 * 心得/体会/备注/感想 (colon or none). Exactly one verb; whatever is left must be items, "all" words or fillers —
 * so "2完成了3还没", "快完成了", "完成了吗" and "第2项是什么意思" never become completions.
 */
const COMPLETE_VERBS = [
  '已学完', '已做完', '已看完', '已读完', '已办结', '已完成', '已学习', '已学', '已读', '已阅', '已看', '已做', '已办',
  '学习完毕', '学习完成', '学习了', '完成了', '完成', '做完', '学完', '学好', '读完', '看完', '听完', '办结', '办完', '弄完',
  '搞定', '完毕', '学过了', '看过了', '读过了',
  'okay', 'ok', 'done', 'finished', 'finish', '✅', '✔', '☑', '√',
].sort((a, b) => b.length - a.length);
const ACKNOWLEDGEMENT_VERBS = new Set(['ok', 'okay', '已阅']);

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const VERB_RE = new RegExp(COMPLETE_VERBS.map(escape).join('|'), 'giu');
const NOTE_RE = /(心得体会|学习心得|学习体会|学习感想|心得|体会|备注|感想|感悟)\s*[:：]?\s*/u;

/** Splits "command，心得：note" at the first note marker. */
export function splitNote(s: string): { command: string; note: string | null } {
  const m = NOTE_RE.exec(s);
  if (!m) return { command: s, note: null };
  const note = s.slice(m.index + m[0].length).trim();
  return { command: s.slice(0, m.index).replace(/[\s,，、。.;；:：]+$/u, ''), note: note === '' ? null : note };
}

/** Finds exactly one verb from `verbs` and parses both sides as targets; null if that does not work out. */
export function verbWithTarget(command: string, verbRe: RegExp, extraFillers: readonly string[] = []): { verb: string; target: Target } | null {
  const matches = [...command.matchAll(verbRe)];
  if (matches.length !== 1) return null;
  const m = matches[0]!;
  const left = parseTarget(command.slice(0, m.index), extraFillers);
  const right = parseTarget(command.slice(m.index + m[0].length), extraFillers);
  if (!left || !right) return null;
  if (!left.empty && !right.empty) return null;
  return { verb: m[0].toLowerCase(), target: left.empty ? right : left };
}

export function parseComplete(s: string): Intent | null {
  if (HARD_NEGATION.test(s)) return null;
  const { command, note } = splitNote(s);
  if (command === '' || SOFT_NEGATION.test(command) || QUESTION.test(command)) return null;
  const found = verbWithTarget(command, VERB_RE);
  if (!found) return null;
  const { verb, target } = found;
  // "ok" and "已阅" alone are acknowledgements like 好的/收到, not reports of work done.
  if (ACKNOWLEDGEMENT_VERBS.has(verb) && target.items.length === 0 && !target.all) return null;
  return makeIntent('complete', { items: target.items, all: target.all, note });
}

const UNDO_VERBS = ['撤销完成', '撤回完成', '取消完成', '撤销', '撤回', '撤消', '取消打勾', '取消勾选', '取消标记', '点错了', '点错', '弄错了', '搞错了', '填错了', '误点了', '误点']
  .sort((a, b) => b.length - a.length);
const UNDO_RE = new RegExp(UNDO_VERBS.map(escape).join('|'), 'gu');
const UNDO_FILLERS = ['上一条记录', '上一条', '上一个', '上条', '最后一条', '刚才那条', '刚才那个', '刚才的', '刚才', '刚刚的', '记录', '完成记录', '打卡', '一下', '吧'];
const CANCEL_ITEMS = /^取消\s*(.+)$/u;

/** "撤销", "撤销 2", "第2项撤回", "点错了", "取消第2项" (bare 取消 is too vague). */
export function parseUndo(s: string): Intent | null {
  if (QUESTION.test(s) || /不|别/u.test(s)) return null;
  const found = verbWithTarget(s, UNDO_RE, UNDO_FILLERS);
  if (found) return found.target.all ? null : makeIntent('undo', { items: found.target.items });
  const m = CANCEL_ITEMS.exec(s);
  if (m) {
    const t = parseTarget(m[1]!, UNDO_FILLERS);
    if (t && t.items.length > 0) return makeIntent('undo', { items: t.items });
  }
  return null;
}
