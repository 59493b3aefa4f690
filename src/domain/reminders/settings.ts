/**
 * Reminder settings: the defaults follow the 中国共产党支部工作条例 and the agencies' 双提醒 practice; the agency
 * and each branch may override any key. Pure: parsing, validation and merging only.
 */
export type Cadence = 'monthly' | 'quarterly' | 'yearly' | 'off';

export const MEETING_KINDS = ['branch_committee', 'group_meeting', 'general_assembly', 'party_lecture', 'theme_day', 'life_meeting', 'appraisal'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export interface ReminderSettings {
  /** Deadline reminders this many working days before the due date. */
  dueDaysBefore: number[];
  /** Working days overdue before the private escalation to the branch secretary. */
  escalateSecretaryAfter: number;
  /** Further working days before the escalation to the 机关党委 admin. */
  escalateAdminAfter: number;
  /** Local HH:mm; no pushes from quietStart to quietEnd. */
  quietStart: string;
  quietEnd: string;
  /** Non-urgent pushes per person per week; the rest is merged into one card. */
  weeklyCap: number;
  /** The secretary is reminded this many working days before a meeting period ends. */
  cadenceLeadDays: number;
  cadence: Record<MeetingKind, Cadence>;
  /** Day of the month of 主题党日 (moved to the next working day). */
  themeDay: number;
}

export const DEFAULT_SETTINGS: ReminderSettings = {
  dueDaysBefore: [3, 1],
  escalateSecretaryAfter: 3,
  escalateAdminAfter: 5,
  quietStart: '21:00',
  quietEnd: '08:00',
  weeklyCap: 5,
  cadenceLeadDays: 5,
  cadence: {
    branch_committee: 'monthly',
    group_meeting: 'monthly',
    general_assembly: 'quarterly',
    party_lecture: 'quarterly',
    theme_day: 'monthly',
    life_meeting: 'yearly',
    appraisal: 'yearly',
  },
  themeDay: 15,
};

export const MEETING_NAMES: Record<MeetingKind, string> = {
  branch_committee: '支部委员会',
  group_meeting: '党小组会',
  general_assembly: '支部党员大会',
  party_lecture: '党课',
  theme_day: '主题党日',
  life_meeting: '组织生活会',
  appraisal: '民主评议党员',
};

/** What people call the meetings in a message ("支委会已开"); the longest match wins. */
const MEETING_ALIASES: [RegExp, MeetingKind][] = [
  [/支部委员会|支委会|支委扩大会/u, 'branch_committee'],
  [/党小组会|小组会|党小组/u, 'group_meeting'],
  [/党员大会|支部大会/u, 'general_assembly'],
  [/主题党日|党日活动|党日/u, 'theme_day'],
  [/组织生活会/u, 'life_meeting'],
  [/民主评议/u, 'appraisal'],
  [/党课/u, 'party_lecture'],
];

export function meetingKindOf(title: string): MeetingKind | null {
  for (const [re, kind] of MEETING_ALIASES) if (re.test(title)) return kind;
  return (MEETING_KINDS as readonly string[]).includes(title) ? (title as MeetingKind) : null;
}

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const CADENCES: Cadence[] = ['monthly', 'quarterly', 'yearly', 'off'];
const CADENCE_WORDS: Record<string, Cadence> = { 每月: 'monthly', 每季度: 'quarterly', 每年: 'yearly', 关闭: 'off' };

export type SettingsPatch = Partial<Omit<ReminderSettings, 'cadence'>> & { cadence?: Partial<Record<MeetingKind, Cadence>> };

const int = (key: string, v: unknown, min: number, max: number): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new RangeError(`${key} 须为 ${min}–${max} 的整数`);
  return n;
};

/** Validates one key; `value` comes from JSON or from `--set key=value` text. Throws RangeError in Chinese. */
export function validateSetting(key: string, value: unknown): SettingsPatch {
  switch (key) {
    case 'dueDaysBefore': {
      const list = typeof value === 'string' ? value.split(/[,，、\s]+/u).filter(Boolean) : value;
      if (!Array.isArray(list) || list.length > 5) throw new RangeError('dueDaysBefore 须为至多 5 个工作日数，如 3,1');
      return { dueDaysBefore: [...new Set(list.map((x) => int('dueDaysBefore', x, 1, 30)))].sort((a, b) => b - a) };
    }
    case 'escalateSecretaryAfter':
    case 'escalateAdminAfter':
    case 'cadenceLeadDays':
      return { [key]: int(key, value, 1, 60) };
    case 'weeklyCap':
      return { weeklyCap: int(key, value, 1, 50) };
    case 'themeDay':
      return { themeDay: int(key, value, 1, 28) };
    case 'quietStart':
    case 'quietEnd':
      if (typeof value !== 'string' || !TIME_RE.test(value)) throw new RangeError(`${key} 须为 HH:mm，如 21:00`);
      return { [key]: value };
    default: {
      const m = /^cadence\.(\w+)$/.exec(key);
      const kind = m ? m[1] : undefined;
      if (kind && (MEETING_KINDS as readonly string[]).includes(kind)) {
        const c = typeof value === 'string' ? (CADENCE_WORDS[value] ?? value) : value;
        if (!CADENCES.includes(c as Cadence)) throw new RangeError(`${key} 须为 monthly / quarterly / yearly / off`);
        return { cadence: { [kind]: c as Cadence } };
      }
      throw new RangeError(`未知设置 ${key}；可用：${SETTING_KEYS.join('、')}`);
    }
  }
}

export const SETTING_KEYS = ['dueDaysBefore', 'escalateSecretaryAfter', 'escalateAdminAfter', 'quietStart', 'quietEnd', 'weeklyCap', 'cadenceLeadDays', 'themeDay', ...MEETING_KINDS.map((k) => `cadence.${k}`)];

/** A stored patch, re-validated key by key (a bad stored key is ignored rather than breaking every reminder). */
export function sanitizePatch(raw: unknown): SettingsPatch {
  let out: SettingsPatch = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    try {
      if (k === 'cadence' && v && typeof v === 'object') {
        for (const [ck, cv] of Object.entries(v)) out = mergePatch(out, validateSetting(`cadence.${ck}`, cv));
      } else out = mergePatch(out, validateSetting(k, v));
    } catch {
      // ignored on purpose, see above
    }
  }
  return out;
}

export function mergePatch(a: SettingsPatch, b: SettingsPatch): SettingsPatch {
  return { ...a, ...b, ...(a.cadence || b.cadence ? { cadence: { ...a.cadence, ...b.cadence } } : {}) };
}

/** Defaults ⊕ agency ⊕ branch. */
export function effectiveSettings(...patches: SettingsPatch[]): ReminderSettings {
  let s: ReminderSettings = { ...DEFAULT_SETTINGS, cadence: { ...DEFAULT_SETTINGS.cadence } };
  for (const p of patches) s = { ...s, ...p, cadence: { ...s.cadence, ...p.cadence } } as ReminderSettings;
  return s;
}
