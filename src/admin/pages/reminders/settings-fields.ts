/**
 * The reminder settings as form fields: Chinese labels and hints, how each value is shown, and reading a posted
 * form into the `key=value` pairs updateSettings takes. Validation is the domain's (validateSetting); this file
 * only puts its messages next to the right field, with the field's Chinese name instead of the key.
 */
import { MEETING_KINDS, MEETING_NAMES, validateSetting, type Cadence, type ReminderSettings, type SettingsPatch } from '../../../domain/reminders/settings.js';
import type { FormData } from '../../forms.js';

export type FieldKind = 'days-list' | 'int' | 'time' | 'cadence';

export interface SettingField {
  key: string;
  label: string;
  hint: string;
  kind: FieldKind;
  min?: number;
  max?: number;
  group: 'deadline' | 'burden' | 'meetings';
}

export const CADENCE_LABELS: Record<Cadence, string> = { monthly: '每月', quarterly: '每季度', yearly: '每年', off: '不提醒' };

export const SETTING_FIELDS: readonly SettingField[] = [
  { key: 'dueDaysBefore', label: '截止前提醒（工作日）', hint: '截止前第几个工作日提醒责任人，多个用逗号分隔，如 3,1；截止当天和逾期第 1 个工作日总会提醒。', kind: 'days-list', group: 'deadline' },
  { key: 'escalateSecretaryAfter', label: '逾期提醒支部书记（工作日）', hint: '逾期几个工作日后私下提醒支部书记（1–60）。', kind: 'int', min: 1, max: 60, group: 'deadline' },
  { key: 'escalateAdminAfter', label: '再提醒机关党委（工作日）', hint: '提醒支部书记后再过几个工作日提醒机关党委（1–60）。', kind: 'int', min: 1, max: 60, group: 'deadline' },
  { key: 'quietStart', label: '免打扰开始', hint: '24 小时制 HH:mm，如 21:00；免打扰时段内的推送顺延到结束时。', kind: 'time', group: 'burden' },
  { key: 'quietEnd', label: '免打扰结束', hint: '24 小时制 HH:mm，如 08:00。', kind: 'time', group: 'burden' },
  { key: 'weeklyCap', label: '每人每周推送上限', hint: '每人每周最多收到几条非紧急推送（1–50），超出的合并为一条汇总；逾期督办不受限制。', kind: 'int', min: 1, max: 50, group: 'burden' },
  { key: 'cadenceLeadDays', label: '组织生活提前提醒（工作日）', hint: '会议周期结束前几个工作日提醒支部书记（1–60）；已登记召开的不再提醒。', kind: 'int', min: 1, max: 60, group: 'meetings' },
  { key: 'themeDay', label: '主题党日（每月几日）', hint: '每月几日（1–28），遇休息日顺延；前一个工作日通知全体党员。', kind: 'int', min: 1, max: 28, group: 'meetings' },
  ...MEETING_KINDS.map((k): SettingField => ({ key: `cadence.${k}`, label: `${MEETING_NAMES[k]}周期`, hint: `多久召开一次${MEETING_NAMES[k]}；“不提醒”＝不要求、不提醒。`, kind: 'cadence', group: 'meetings' })),
];

export const FIELD_GROUPS: { key: SettingField['group']; legend: string }[] = [
  { key: 'deadline', legend: '任务到期与逾期提醒' },
  { key: 'burden', legend: '减负：免打扰与每周上限' },
  { key: 'meetings', legend: '组织生活（三会一课、主题党日）' },
];

/** A field's value in a settings object or patch (undefined when the patch does not set it). */
export function valueIn(s: ReminderSettings | SettingsPatch, key: string): unknown {
  if (key.startsWith('cadence.')) return s.cadence?.[key.slice(8) as keyof ReminderSettings['cadence']];
  return (s as Record<string, unknown>)[key];
}

/** How a value is written in the form and in summaries: "3,1", "21:00", "monthly" (the select's value). */
export function formText(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return value === undefined || value === null ? '' : String(value);
}

/** How a value reads in Chinese: "3、1", "每月". */
export function displayText(field: SettingField, value: unknown): string {
  if (field.kind === 'cadence') return CADENCE_LABELS[value as Cadence] ?? formText(value);
  if (field.kind === 'days-list' && Array.isArray(value)) return value.join('、');
  return formText(value);
}

/** Where an effective value comes from, for a scope (agency: unitId null) and its stored overrides. */
export type ValueSource = 'here' | 'agency' | 'default';

export function sourceOf(key: string, here: SettingsPatch, agency: SettingsPatch | null): ValueSource {
  if (valueIn(here, key) !== undefined) return 'here';
  if (agency && valueIn(agency, key) !== undefined) return 'agency';
  return 'default';
}

export interface ParsedSettingsForm {
  /** Changed fields only, as updateSettings wants them. */
  pairs: [string, string][];
  /** Per field key: the problem, in Chinese. */
  errors: Map<string, string>;
  /** What was typed, to show again after an error. */
  values: Map<string, string>;
  /** "免打扰开始 21:00 → 22:00" per changed field. */
  changes: string[];
}

/**
 * Reads the posted fields. A field counts as changed when its validated value differs from the effective one, so
 * saving a branch's form does not turn every inherited value into a branch setting. Every field is checked, and
 * every problem is reported at once.
 */
export function parseSettingsForm(form: FormData, effective: ReminderSettings): ParsedSettingsForm {
  const out: ParsedSettingsForm = { pairs: [], errors: new Map(), values: new Map(), changes: [] };
  for (const f of SETTING_FIELDS) {
    if (!form.has(f.key)) continue;
    const text = form.get(f.key);
    out.values.set(f.key, text);
    if (text === '') {
      out.errors.set(f.key, `请填写${f.label}。`);
      continue;
    }
    let patch: SettingsPatch;
    try {
      patch = validateSetting(f.key, text);
    } catch (e) {
      out.errors.set(f.key, chineseMessage(f, (e as Error).message));
      continue;
    }
    const next = valueIn(patch, f.key);
    const now = valueIn(effective, f.key);
    if (JSON.stringify(next) !== JSON.stringify(now)) {
      out.pairs.push([f.key, text]);
      out.changes.push(`${f.label} ${displayText(f, now)} → ${displayText(f, next)}`);
    }
  }
  return out;
}

/** The domain says "quietStart 须为 HH:mm，如 21:00"; the form says "免打扰开始须为 HH:mm，如 21:00". */
function chineseMessage(f: SettingField, message: string): string {
  if (f.kind === 'cadence') return `${f.label}须为：${Object.values(CADENCE_LABELS).join('、')}。`;
  return `${message.replace(f.key, f.label).replace(/\s+须为/u, '须为')}${/[。.]$/u.test(message) ? '' : '。'}`;
}
