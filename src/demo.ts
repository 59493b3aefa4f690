import { readFileSync } from 'node:fs';
import { asc, eq } from 'drizzle-orm';
import type { Database } from './db/client.js';
import { chats, orgUnits } from './db/schema/index.js';
import type { Clock } from './domain/clock.js';
import { seedDemoOrg } from './importers/import-org-file.js';
import { localDate, type Calendar } from './domain/calendar.js';
import { saveTopic } from './db/repositories/topics.js';
import { saveScheme } from './db/repositories/scoring-admin.js';
import { requireScheme, schemeFromJson } from './domain/scoring/scheme.js';

const DEMO_ACTOR = 'system:demo-seed';

/**
 * Demo data for a fresh demo install: the demo organisation (through the same import as a real file) and a
 * sandbox group chat per branch plus one for the 机关党委, this month's topic, and the example 互观互检 scheme
 * (examples/scoring-scheme-five-types.json) so "开始互观互检" works in the demo group. Runs only when the database
 * has no organisation yet; returns the month of the seeded topic, or null when it did not seed.
 */
export async function seedDemoIfEmpty(database: Database, clock: Clock, timezone: string): Promise<string | null> {
  const [any] = await database.db.select({ id: orgUnits.id }).from(orgUnits).limit(1);
  if (any) return null;
  return (await seedDemo(database, clock, timezone)).month;
}

/** A topic for the current month, so the demo has something to study and complete from the first minute. */
function demoTopic(month: string) {
  return {
    month,
    title: '学习贯彻党的二十届四中全会精神',
    summary: '本月集中学习全会公报和《建议》说明，结合岗位实际撰写一篇学习心得，支部组织一次专题研讨。',
    materials: [
      { title: '全会公报全文', url: 'https://www.gov.cn/' },
      { title: '专题党课视频', url: 'https://www.12371.cn/' },
    ],
    required: ['原原本本学习全会公报', '观看专题党课视频', '撰写一篇学习心得（500字以上）'],
  };
}

/** Idempotent: running it again changes nothing. */
export async function seedDemo(database: Database, clock: Clock, timezone = 'Asia/Shanghai'): Promise<{ unchanged: boolean; chatsCreated: number; month: string }> {
  const report = await seedDemoOrg(database, { actor: DEMO_ACTOR, clock });
  const units = await database.db
    .select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind })
    .from(orgUnits)
    .where(eq(orgUnits.active, true))
    .orderBy(asc(orgUnits.id));
  const groups = units
    .filter((u) => u.kind !== 'group')
    .map((u) => ({
      platform: 'sandbox' as const,
      externalId: u.kind === 'committee' ? 'committee' : `branch-${u.id}`,
      name: u.kind === 'committee' ? `${u.name}工作群` : `${u.name}群`,
      unitId: u.id,
      createdAt: clock.now(),
    }));
  const created = groups.length
    ? await database.db.insert(chats).values(groups).onConflictDoNothing({ target: [chats.platform, chats.externalId] }).returning({ id: chats.id })
    : [];
  const month = localDate(clock.now(), timezone).slice(0, 7);
  const topic = await saveTopic(database.db, demoTopic(month), { actor: DEMO_ACTOR, at: clock.now() });
  const scheme = await saveScheme(database.db, exampleScheme(), { actor: DEMO_ACTOR, at: clock.now() });
  return { unchanged: report.unchanged && created.length === 0 && !topic.changed && !scheme.created, chatsCreated: created.length, month };
}

/** A calendar for the demo push only: every day counts as a working day. */
export function everyDayAWorkday(timezone: string): Calendar {
  return {
    timezone,
    isWorkday: async () => true,
    describe: async (at) => ({ date: localDate(at, timezone), workday: true, source: 'override', name: '演示' }),
  };
}

/** The documented example scheme (the template an agency adapts), shipped in examples/. */
export function exampleScheme() {
  const file = new URL('../examples/scoring-scheme-five-types.json', import.meta.url);
  return requireScheme(schemeFromJson(JSON.parse(readFileSync(file, 'utf8'))));
}
