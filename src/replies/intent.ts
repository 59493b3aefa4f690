/**
 * What a person meant by a message. Every intent object carries every field (unused ones are `[]`, `false` or
 * `null`), so callers and tests compare whole objects and never test for presence.
 *
 * | intent               | fields used                        | example text                                   |
 * |----------------------|------------------------------------|------------------------------------------------|
 * | `complete`           | items or all, note                 | "1、3 已学完", "第二项完成，心得：…", "都完成了" |
 * | `undo`               | items (empty = the last record)    | "撤销", "撤销 2"                               |
 * | `extend`             | items, until, note (= reason), points (= "N天" relative to the current deadline when no date was given) | "申请延期 2 到12月10日 理由：出差" |
 * | `extension_approve`  | target ("Y3"), note                | "同意延期 Y3"                                  |
 * | `extension_reject`   | target ("Y3"), note (= reason)     | "驳回延期 Y3"                                  |
 * | `meeting_held`       | title (meeting name), until (date it was held, if given) | "主题党日已开展 11月15日", "支委会已开" |
 * | `my_tasks`           | —                                  | "我的任务", "待办"                             |
 * | `my_sheets`          | —                                  | "我的评分表"                                   |
 * | `topic`              | —                                  | "本月主题"                                     |
 * | `help`               | —                                  | "帮助", "?", "菜单"                            |
 * | `digest`             | —                                  | "今日简报"                                     |
 * | `digest_skip_quiet`  | —                                  | "简报无异常时不发"                             |
 * | `digest_daily`       | —                                  | "恢复每日简报"                                 |
 * | `progress`           | —                                  | "支部进度", "本支部完成情况"                   |
 * | `scoring_start`      | title (round name or null)         | "开始互观互检 2026年第四季度"                  |
 * | `scoring_progress`   | —                                  | "打分进度"                                     |
 * | `scoring_close`      | —                                  | "结束互观互检"                                 |
 * | `scoring_results`    | —                                  | "发布结果", "互观互检结果"                     |
 * | `score`              | target (branch as typed), points   | "二支部 85.5"                                  |
 * | `admin_console`      | —                                  | "管理后台"                                     |
 * | `mute`               | points (days or null), until (date or null) | "少提醒", "暂停提醒 3天", "暂停提醒到月底" |
 * | `unknown`            | —                                  | "收到", "第2项是什么意思", "2完成了3还没"       |
 *
 * `complete` with no items and `all: false` ("完成" alone) means "done, but which?": the conversation asks, or
 * applies it to the single open item. Dates (`until`) are calendar dates YYYY-MM-DD in the business time zone.
 */
export const INTENT_NAMES = [
  'complete',
  'undo',
  'extend',
  'extension_approve',
  'extension_reject',
  'meeting_held',
  'my_tasks',
  'my_sheets',
  'topic',
  'help',
  'digest',
  'digest_skip_quiet',
  'digest_daily',
  'progress',
  'scoring_start',
  'scoring_progress',
  'scoring_close',
  'scoring_results',
  'score',
  'admin_console',
  'mute',
  'unknown',
] as const;

export type IntentName = (typeof INTENT_NAMES)[number];

export interface Intent {
  intent: IntentName;
  /** Checklist item numbers as shown on the card (1..99), deduplicated and ascending. */
  items: number[];
  /** "全部/都/所有": every open item. Never true together with a non-empty `items`. */
  all: boolean;
  /** Free text: 心得/体会 for completions, the reason for extensions and rejections. */
  note: string | null;
  /** A date YYYY-MM-DD: the requested deadline (extend), the day a meeting was held, the end of a mute. */
  until: string | null;
  /** Who or what is addressed: a branch as typed ("二支部") for scores, an extension request code ("Y3"). */
  target: string | null;
  /** A number: score points, mute days, or extension days ("延期3天"). */
  points: number | null;
  /** A name: the scoring round's title, the meeting's name. */
  title: string | null;
}

/** An intent with every field at its empty value, overridden by `fields`. */
export function makeIntent(intent: IntentName, fields: Partial<Omit<Intent, 'intent'>> = {}): Intent {
  return { intent, items: [], all: false, note: null, until: null, target: null, points: null, title: null, ...fields };
}
