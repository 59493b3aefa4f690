import { and, eq, isNull, sql } from 'drizzle-orm';
import { heldIn, previousPeriod, type Period } from '../../domain/reminders/cadence.js';
import { effectiveSettings, mergePatch, sanitizePatch, MEETING_KINDS, MEETING_NAMES, type MeetingKind, type ReminderSettings, type SettingsPatch } from '../../domain/reminders/settings.js';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';
import { meetingRecords, reminderPreferences, reminderSettings } from '../schema/index.js';
import { appendAudit } from './audit.js';

/** Agency patch and branch patches; `forUnit` gives a branch's effective settings. */
export interface SettingsBook {
  agency: SettingsPatch;
  branches: Map<number, SettingsPatch>;
  forUnit(unitId: number | null): ReminderSettings;
}

export async function loadSettings(db: DbOrTx): Promise<SettingsBook> {
  const all = await db.select().from(reminderSettings);
  const agency = sanitizePatch(all.find((r) => r.unitId === null)?.settings);
  const branches = new Map(all.filter((r) => r.unitId !== null).map((r) => [r.unitId!, sanitizePatch(r.settings)]));
  return { agency, branches, forUnit: (unitId) => effectiveSettings(agency, unitId === null ? {} : (branches.get(unitId) ?? {})) };
}

/** Merges a validated patch into the agency's (unitId null) or a branch's settings, with an audit entry. */
export async function saveSettings(db: DbOrTx, unitId: number | null, patch: SettingsPatch, meta: { actor: string; at: Date }): Promise<SettingsPatch> {
  const [row] = await db.select().from(reminderSettings).where(unitId === null ? isNull(reminderSettings.unitId) : eq(reminderSettings.unitId, unitId));
  const next = mergePatch(sanitizePatch(row?.settings), patch);
  await db
    .insert(reminderSettings)
    .values({ unitId, settings: next, updatedBy: meta.actor, updatedAt: meta.at })
    .onConflictDoUpdate({ target: reminderSettings.unitId, set: { settings: next, updatedBy: meta.actor, updatedAt: meta.at } });
  await appendAudit(db, meta.at, { actor: meta.actor, action: 'reminders.settings', subjectType: unitId === null ? 'agency' : 'unit', subjectId: unitId, data: { patch } });
  return next;
}

/**
 * Removes a branch's own values for some keys ("dueDaysBefore", "cadence.支委会"…), so they follow the agency's
 * settings (or the defaults) again; with an audit entry. Keys the branch does not set are ignored.
 */
export async function clearSettingKeys(db: DbOrTx, unitId: number, keys: readonly string[], meta: { actor: string; at: Date }): Promise<string[]> {
  const [row] = await db.select().from(reminderSettings).where(eq(reminderSettings.unitId, unitId));
  const current = sanitizePatch(row?.settings);
  const next: Record<string, unknown> = { ...current, ...(current.cadence ? { cadence: { ...current.cadence } } : {}) };
  const cleared: string[] = [];
  for (const key of keys) {
    if (key.startsWith('cadence.')) {
      const cadence = next.cadence as Record<string, unknown> | undefined;
      const kind = key.slice('cadence.'.length);
      if (cadence && kind in cadence) {
        delete cadence[kind];
        cleared.push(key);
        if (Object.keys(cadence).length === 0) delete next.cadence;
      }
    } else if (key in next && key !== 'cadence') {
      delete next[key];
      cleared.push(key);
    }
  }
  if (cleared.length === 0 || !row) return [];
  await db.update(reminderSettings).set({ settings: next, updatedBy: meta.actor, updatedAt: meta.at }).where(eq(reminderSettings.unitId, unitId));
  await appendAudit(db, meta.at, { actor: meta.actor, action: 'reminders.settings_cleared', subjectType: 'unit', subjectId: unitId, data: { keys: cleared } });
  return cleared;
}

/** "暂停提醒 3天" / "少提醒": a person's own preference; unset fields keep their value. */
export async function setPreference(db: DbOrTx, personId: number, pref: { mutedUntil?: string | null; weeklyCap?: number | null }, at: Date): Promise<void> {
  const set = { ...(pref.mutedUntil !== undefined ? { mutedUntil: pref.mutedUntil } : {}), ...(pref.weeklyCap !== undefined ? { weeklyCap: pref.weeklyCap } : {}), updatedAt: at };
  await db
    .insert(reminderPreferences)
    .values({ personId, mutedUntil: pref.mutedUntil ?? null, weeklyCap: pref.weeklyCap ?? null, updatedAt: at })
    .onConflictDoUpdate({ target: reminderPreferences.personId, set });
}

export interface MeetingInput {
  unitId: number;
  kind: MeetingKind;
  heldOn: string;
  minutesUrl: string | null;
  recordedBy: number | null;
  via: 'card' | 'text' | 'admin';
  sourceEventId: string | null;
  at: Date;
}

/**
 * Records a meeting as held and cancels that meeting's reminders still waiting in the outbox (the secretary
 * reminder and the members' 主题党日 notice): once it is recorded, nobody should be told to hold it.
 */
export async function recordMeeting(db: DbOrTx, m: MeetingInput): Promise<{ id: number; created: boolean; cancelled: number }> {
  const inserted = await db
    .insert(meetingRecords)
    .values({ unitId: m.unitId, kind: m.kind, heldOn: m.heldOn, minutesUrl: m.minutesUrl, recordedBy: m.recordedBy, recordedVia: m.via, sourceEventId: m.sourceEventId, createdAt: m.at })
    .onConflictDoNothing()
    .returning({ id: meetingRecords.id });
  if (!inserted[0]) {
    const [old] = await db.select({ id: meetingRecords.id }).from(meetingRecords).where(and(eq(meetingRecords.sourceEventId, m.sourceEventId ?? ''), eq(meetingRecords.unitId, m.unitId)));
    return { id: old?.id ?? 0, created: false, cancelled: 0 };
  }
  const prefix = m.kind === 'theme_day' ? `theme_day:${m.unitId}:${m.heldOn.slice(0, 7)}` : `cadence:${m.unitId}:${m.kind}:`;
  const cancelled = rows(
    await db.execute(sql`
      update outbox set status = 'cancelled', last_error = '会议已登记，提醒取消'
      where status = 'pending' and idempotency_key in (select outbox_key from push_log where starts_with(item_key, ${prefix}))
        and not exists (select 1 from push_log l where l.outbox_key = outbox.idempotency_key and not starts_with(l.item_key, ${prefix}))
      returning id`),
  ).length;
  await appendAudit(db, m.at, { actor: m.recordedBy ? `person:${m.recordedBy}` : 'admin', action: 'meeting.record', subjectType: 'unit', subjectId: m.unitId, data: { kind: m.kind, heldOn: m.heldOn, minutesUrl: m.minutesUrl, via: m.via } });
  return { id: inserted[0].id, created: true, cancelled };
}

export interface MeetingRow {
  id: number;
  unitId: number;
  kind: MeetingKind;
  heldOn: string;
  minutesUrl: string | null;
}

export async function meetingsBetween(db: DbOrTx, from: string, to: string, unitIds?: number[]): Promise<MeetingRow[]> {
  const res = rows<{ id: number; unit_id: number; kind: MeetingKind; held_on: string; minutes_url: string | null }>(
    await db.execute(sql`
      select id, unit_id, kind, held_on::text as held_on, minutes_url from meeting_records
      where held_on between ${from}::date and ${to}::date
        ${unitIds ? sql`and unit_id in (select unnest(${`{${unitIds.join(',')}}`}::int[]))` : sql``}
      order by held_on, id`),
  );
  return res.map((r) => ({ id: r.id, unitId: r.unit_id, kind: r.kind, heldOn: r.held_on, minutesUrl: r.minutes_url }));
}

export interface OverdueCadence {
  unitId: number;
  unitName: string;
  kind: MeetingKind;
  meeting: string;
  period: Period;
}

/**
 * For the leader digest: per branch, the meetings whose last finished period passed without a record
 * (e.g. no 支部委员会 recorded in October, asked in November). Counts, no individuals.
 */
export async function overdueCadences(db: DbOrTx, unitIds: number[], today: string): Promise<OverdueCadence[]> {
  if (unitIds.length === 0) return [];
  const book = await loadSettings(db);
  const branches = rows<{ id: number; name: string; has_groups: boolean }>(
    await db.execute(sql`
      select u.id, u.name, exists (select 1 from org_units g where g.parent_id = u.id and g.kind = 'group' and g.active) as has_groups
      from org_units u where u.kind = 'branch' and u.active and u.id in (select unnest(${`{${unitIds.join(',')}}`}::int[]))
      order by u.id`),
  );
  const held = await meetingsBetween(db, `${Number(today.slice(0, 4)) - 1}-01-01`, today, branches.map((b) => b.id));
  const out: OverdueCadence[] = [];
  for (const b of branches) {
    const s = book.forUnit(b.id);
    for (const kind of MEETING_KINDS) {
      const cadence = s.cadence[kind];
      if (cadence === 'off' || (kind === 'group_meeting' && !b.has_groups)) continue;
      const period = previousPeriod(cadence, today);
      if (!held.some((m) => m.unitId === b.id && m.kind === kind && heldIn(period, m.heldOn))) {
        out.push({ unitId: b.id, unitName: b.name, kind, meeting: MEETING_NAMES[kind], period });
      }
    }
  }
  return out;
}
