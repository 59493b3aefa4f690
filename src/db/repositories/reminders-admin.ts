import { and, eq } from 'drizzle-orm';
import { localClock, addDays, weekStart } from '../../domain/reminders/days.js';
import { mergePatch, validateSetting, type ReminderSettings, type SettingsPatch } from '../../domain/reminders/settings.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { DbOrTx } from '../client.js';
import { orgUnits } from '../schema/index.js';
import { burdenReport, type BurdenReport } from './reminders-push-log.js';
import { loadSettings, saveSettings } from './reminders-store.js';

/** What the admin sees: the stored overrides and the effective result, for the agency or one branch. */
export interface SettingsView {
  scope: { unitId: number | null; name: string };
  overrides: SettingsPatch;
  effective: ReminderSettings;
}

async function branchName(db: DbOrTx, unitId: number): Promise<string> {
  const [u] = await db.select({ name: orgUnits.name }).from(orgUnits).where(and(eq(orgUnits.id, unitId), eq(orgUnits.kind, 'branch')));
  if (!u) throw new NotFoundError(`没有编号为 ${unitId} 的党支部`);
  return u.name;
}

export async function settingsView(db: DbOrTx, unitId: number | null): Promise<SettingsView> {
  const name = unitId === null ? '全机关（默认）' : await branchName(db, unitId);
  const book = await loadSettings(db);
  return { scope: { unitId, name }, overrides: unitId === null ? book.agency : (book.branches.get(unitId) ?? {}), effective: book.forUnit(unitId) };
}

/** Applies `key=value` pairs (CLI) or a JSON object (API); every key is validated before anything is saved. */
export async function updateSettings(db: DbOrTx, unitId: number | null, pairs: [string, unknown][], meta: { actor: string; at: Date }): Promise<SettingsView> {
  if (unitId !== null) await branchName(db, unitId);
  // Nothing to change: no row, no audit entry (an empty PATCH must not look like a change in the log).
  if (pairs.length === 0) throw new ValidationError('没有要修改的提醒设置。');
  let patch: SettingsPatch = {};
  const errors: string[] = [];
  for (const [k, v] of pairs) {
    try {
      patch = mergePatch(patch, validateSetting(k, v));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (errors.length) throw new ValidationError(errors.join('；'));
  await saveSettings(db, unitId, patch, meta);
  return settingsView(db, unitId);
}

/** The burden figure for the four weeks up to and including the current one. */
export async function burdenFigure(db: DbOrTx, now: Date, timezone: string, weeks = 4): Promise<BurdenReport> {
  const current = weekStart(localClock(now, timezone).date);
  const list = Array.from({ length: weeks }, (_, i) => addDays(current, -7 * (weeks - 1 - i)));
  const book = await loadSettings(db);
  return burdenReport(db, list, book.forUnit(null).weeklyCap);
}

export const KIND_NAMES: Record<string, string> = {
  全部: '全部', due_soon: '即将到期', due_today: '今日截止', overdue: '逾期', escalation: '逾期督办（支部书记）', escalation_admin: '逾期督办（机关党委）',
  cadence: '组织生活提醒', theme_day: '主题党日通知', topic: '每月主题', branch_list: '支部工作清单',
};
