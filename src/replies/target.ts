import { parseItemList } from './item-list.js';

/**
 * What a completion (or undo, or extension) applies to: the text on one side of the verb, with the filler
 * words people add stripped ("我已经", "都", "了", "的学习任务"). Either an item list, an "all" word, or nothing.
 */
export interface Target {
  items: number[];
  all: boolean;
  /** Nothing but fillers. */
  empty: boolean;
}

/** Words that mean "all of them" when no item numbers are given. */
const ALL_WORDS = ['全部的', '所有的', '全部', '全都', '所有', '通通', '统统', '都', '全', '均'];
const PREFIX_FILLERS = ['好的', '收到', '嗯嗯', '嗯', '报告', '了', '我们', '我', '本人', '今天', '今日', '刚刚', '刚才', '刚', '已经', '已', '也', '把', '给', '请', '帮我', '麻烦'];
const SUFFIX_FILLERS = [
  '学习任务', '学习内容', '学习材料', '必学内容', '选学内容', '任务', '内容', '材料', '学习', '工作', '事项', '清单',
  '已经', '已', '也', '了', '啦', '的', '喽', '咯', '哈', '呀', '啊', '嘞', '哦', '噢', '哟', '滴', '哈哈', '一下', '啰', '谢谢提醒', '谢谢了', '谢谢', '感谢', '请查收', '请审阅', '请查阅', '请审核', '查收', '审阅', '查阅', '审核',
];
const EDGE = /^[\s,，、。.!！;；:：]+|[\s,，、。.!！;；:：]+$/gu;

function stripOne(s: string, words: readonly string[], atStart: boolean): string | null {
  for (const w of words) {
    if (atStart ? s.startsWith(w) : s.endsWith(w)) return atStart ? s.slice(w.length) : s.slice(0, s.length - w.length);
  }
  return null;
}

/** Parses one side of a verb; null when something other than items, "all" words and fillers is left. */
export function parseTarget(text: string, extraFillers: readonly string[] = []): Target | null {
  let s = text.replace(EDGE, '');
  let sawAll = false;
  const prefixes = [...extraFillers, ...PREFIX_FILLERS];
  const suffixes = [...extraFillers, ...SUFFIX_FILLERS];
  for (let guard = 0; guard < 20; guard++) {
    const before = s;
    const a = stripOne(s, ALL_WORDS, true) ?? stripOne(s, ALL_WORDS, false);
    if (a !== null) {
      sawAll = true;
      s = a;
    } else {
      s = stripOne(s, prefixes, true) ?? stripOne(s, suffixes, false) ?? s;
    }
    s = s.replace(EDGE, '');
    if (s === before) break;
  }
  if (s === '') return { items: [], all: sawAll, empty: !sawAll };
  // "3项都完成了" counts items ("all three"), it does not name item 3.
  if (sawAll && /^\d{1,2}\s*(?:项|条|个)$/u.test(s)) return null;
  const items = parseItemList(s);
  if (!items) return null;
  return { items, all: false, empty: false };
}

/** Negations that must never turn into a completion anywhere in the text (the note included). */
export const HARD_NEGATION = /没|未|沒/u;
/** Negations and not-yet words that disqualify the command part (not the note: "不忘初心" is a fine 心得). */
export const SOFT_NEGATION =
  /不|别|無|无法|尚|待|快|即将|马上|正在|准备|打算|计划|争取|尽快|将要|要|会|想|还差|还剩|差|剩|一半|部分|大部分|一些|有些|明天|后天|下周|回头|稍后|晚点|等/u;
/** Questions: never act on them. */
export const QUESTION = /[?？]|吗|嘛|么|什么|怎么|怎样|如何|哪|为什么|为啥|是否|能否|可否|可以|能不能|行不行|是不是|有没有/u;
