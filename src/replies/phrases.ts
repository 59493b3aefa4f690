import { parseDate } from './dates.js';
import { makeIntent, type Intent, type IntentName } from './intent.js';
import { parseInteger } from './numbers.js';

/**
 * Fixed phrases: the menu words printed on cards and in the help text, and what people say instead.
 * Matching is on the whole text after polite wrappers ("请", "查看", "一下", "吧"…) are removed.
 */
export const PHRASES: ReadonlyArray<readonly [IntentName, readonly string[]]> = [
  ['help', ['帮助', 'help', 'h', '?', '？', '菜单', '使用说明', '说明', '怎么用', '如何使用', '功能', '功能列表', '指令', '命令', '帮助菜单', '操作说明', '使用帮助']],
  ['my_tasks', ['我的任务', '我的清单', '待办', '我的待办', '待办事项', '我的待办事项', '任务', '任务清单', '我的学习清单', '学习清单', '我的工作清单', '我的事项', '我还有哪些任务', '我还有什么任务', '还有哪些任务', '还有什么任务', '我的作业']],
  ['my_sheets', ['我的评分表', '我的打分表', '评分表', '打分表', '我要打分', '去打分', '打分']],
  ['topic', ['本月主题', '主题', '这个月主题', '这个月的主题', '这月主题', '每月主题', '当月主题', '本月学习主题', '月度主题', '本月的主题', '这个月学什么', '本月学什么']],
  ['digest', ['今日简报', '简报', '今天简报', '今天的简报', '今日概况', '今日汇总', '日报', '每日简报']],
  // A leader's quiet days: no card when nothing needs attention, or the card every working day again.
  ['digest_skip_quiet', ['简报无异常时不发', '简报无异常不发', '简报无异常时不用发', '无异常时不发简报', '无异常不发简报', '没有异常不发简报', '没有异常时不发简报', '没有异常不用发简报', '一切正常时不发简报', '正常时不发简报', '简报有异常再发', '简报有异常时再发', '有异常再发简报', '有异常时再发简报', '简报只发异常', '只在有异常时发简报']],
  ['digest_daily', ['恢复每日简报', '恢复简报', '恢复每天发简报', '每天都发简报', '简报每天都发', '每日简报照常发', '简报照常发', '无异常也发简报', '简报无异常也发', '没有异常也发简报']],
  ['progress', ['支部进度', '本支部完成情况', '本支部进度', '支部完成情况', '完成情况', '进度', '完成进度', '学习进度', '本支部情况', '支部情况', '我支部进度', '我们支部进度', '我们支部完成情况', '全支部进度', '支部学习进度', '本支部学习进度']],
  ['scoring_progress', ['打分进度', '评分进度', '互观互检进度', '打分情况', '评分情况', '互检进度', '谁还没打分', '还有谁没打分', '哪些支部没打分']],
  ['scoring_close', ['结束互观互检', '关闭互观互检', '互观互检结束', '结束打分', '停止打分', '截止打分', '结束评分', '关闭打分', '打分结束', '评分结束', '结束互检']],
  ['admin_console', ['管理后台', '后台', '管理后台登录', '登录管理后台', '登录后台', '进入管理后台', '进入后台', '打开管理后台', '打开后台', '后台管理', '管理页面', '党务后台', '后台登录', '管理端']],
  ['scoring_results', ['发布结果', '公布结果', '互观互检结果', '评定结果', '评分结果', '打分结果', '发布互观互检结果', '公布互观互检结果', '互检结果']],
];

const LOOKUP = new Map<string, IntentName>();
for (const [intent, words] of PHRASES) for (const w of words) LOOKUP.set(w.toLowerCase(), intent);

const WRAP_PREFIX = /^(?:请问|请|麻烦|帮我|给我|我要|我想|想|查看一下|查看|查询一下|查询|查一下|查|看一下|看看|看|打开|发一下|发|显示)\s*/u;
const WRAP_SUFFIX = /\s*(?:一下|吧|呀|啊|呢|谢谢|谢啦|,?thanks)$/iu;

function unwrap(s: string): string[] {
  const out = [s];
  let t = s;
  for (let i = 0; i < 3; i++) {
    const next = t.replace(WRAP_PREFIX, '').replace(WRAP_SUFFIX, '').replace(/[?？!！。]+$/u, '').trim();
    if (next === t || next === '') break;
    out.push(next);
    t = next;
  }
  return out;
}

export function parsePhrase(s: string): Intent | null {
  for (const candidate of unwrap(s.toLowerCase())) {
    const intent = LOOKUP.get(candidate);
    if (intent) return makeIntent(intent);
  }
  return null;
}

const MUTE_RE = /^(?:请|麻烦)?\s*(少提醒点?|少点提醒|少提醒一点|提醒少一点|提醒太多了|别提醒了|别再提醒了|不要提醒了?|不要再提醒了?|先别提醒|暂停提醒|暂停通知|暂停推送|停止提醒|免打扰|勿扰|别催了|静音)\s*(.*)$/u;
const DAYS_RE = /^(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(天|日|周|个星期|星期|个礼拜|个月)$/u;

/** "少提醒", "暂停提醒 3天" (points = 3), "暂停提醒一周" (7), "暂停提醒到月底" (until). */
export function parseMute(s: string, now: Date, tz: string): Intent | null {
  const m = MUTE_RE.exec(s);
  if (!m) return null;
  const rest = m[2]!.replace(/^(?:一下|吧|了)\s*/u, '').replace(/\s*(?:吧|了|谢谢)$/u, '').trim();
  if (rest === '') return makeIntent('mute');
  if (rest === '一周' || rest === '一星期' || rest === '一个星期') return makeIntent('mute', { points: 7 });
  const d = DAYS_RE.exec(rest);
  if (d) {
    const n = parseInteger(d[1]!);
    if (n === null || n < 1) return null;
    const factor = d[2] === '天' || d[2] === '日' ? 1 : d[2] === '个月' ? 30 : 7;
    return n * factor <= 366 ? makeIntent('mute', { points: n * factor }) : null;
  }
  const until = parseDate(rest, now, tz, 'future');
  return until ? makeIntent('mute', { until }) : null;
}
