import { and, asc, eq, sql } from 'drizzle-orm';
import { ConflictError, ValidationError } from '../../errors.js';
import type { Db, DbOrTx } from '../client.js';
import { rows } from '../migrate.js';
import { planItems, topics } from '../schema/index.js';
import { appendAudit, canonicalJson } from './audit.js';

export interface TopicInput {
  /** YYYY-MM */
  month: string;
  title: string;
  summary: string;
  materials: { title: string; url: string }[];
  /** 必学 items, in order. */
  required: string[];
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function validateTopic(input: TopicInput): string[] {
  const problems: string[] = [];
  if (!MONTH_RE.test(input.month)) problems.push(`月份须为 YYYY-MM，收到“${input.month}”`);
  if (!input.title.trim()) problems.push('主题标题不能为空');
  if (input.title.length > 100) problems.push('主题标题过长（最多 100 字）');
  if (input.summary.length > 2000) problems.push('主题说明过长（最多 2000 字）');
  input.materials.forEach((m, i) => {
    if (!m.title.trim()) problems.push(`第${i + 1}份学习材料缺少标题`);
    if (!/^https?:\/\/\S+$/.test(m.url)) problems.push(`第${i + 1}份学习材料的链接不是 http(s) 地址：${m.url}`);
  });
  if (input.required.length > 20) problems.push('必学内容最多 20 项');
  input.required.forEach((r, i) => {
    if (!r.trim()) problems.push(`第${i + 1}项必学内容为空`);
  });
  return problems;
}

function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * Creates a month's topic, or updates it in place (title, summary, materials; 必学 items by position — new
 * ones added, removed ones deactivated, never deleted). Returns whether anything changed.
 */
export async function saveTopic(db: Db, input: TopicInput, ctx: { actor: string; at: Date }): Promise<{ topicId: number; created: boolean; changed: boolean }> {
  const problems = validateTopic(input);
  if (problems.length) throw new ValidationError(`每月主题有误：${problems.join('；')}`, problems);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(topics).where(eq(topics.month, input.month)).for('update');
    let topicId: number;
    let changed = false;
    if (!existing) {
      const [t] = await tx
        .insert(topics)
        .values({ month: input.month, title: input.title.trim(), summary: input.summary.trim(), materials: input.materials, createdAt: ctx.at, createdBy: ctx.actor })
        .returning({ id: topics.id });
      topicId = t!.id;
      changed = true;
    } else {
      topicId = existing.id;
      const same = existing.title === input.title.trim() && existing.summary === input.summary.trim() && canonicalJson(existing.materials) === canonicalJson(input.materials);
      if (!same) {
        await tx.update(topics).set({ title: input.title.trim(), summary: input.summary.trim(), materials: input.materials }).where(eq(topics.id, topicId));
        changed = true;
      }
    }
    const current = await tx.select().from(planItems).where(eq(planItems.topicId, topicId)).orderBy(asc(planItems.position));
    const due = monthEnd(input.month);
    for (const [i, title] of input.required.entries()) {
      const path = `必学${i + 1}`;
      const found = current.find((c) => c.path === path);
      if (!found) {
        if (existing?.pushedAt) throw new ConflictError(`${input.month} 的主题已推送，不能再增加必学内容（可在下月主题中安排）`);
        await tx.insert(planItems).values({ topicId, path, position: i + 1, level: 'task', title: title.trim(), listKind: 'must_study', dueDate: due, createdAt: ctx.at });
        changed = true;
      } else if (found.title !== title.trim() || !found.active) {
        await tx.update(planItems).set({ title: title.trim(), active: true }).where(eq(planItems.id, found.id));
        changed = true;
      }
    }
    for (const c of current.slice(input.required.length)) {
      if (c.active) {
        await tx.update(planItems).set({ active: false }).where(eq(planItems.id, c.id));
        changed = true;
      }
    }
    if (changed) {
      await appendAudit(tx, ctx.at, { actor: ctx.actor, action: existing ? 'topic.update' : 'topic.create', subjectType: 'topic', subjectId: topicId, data: { ...input } });
    }
    return { topicId, created: !existing, changed };
  });
}

export async function listTopics(db: DbOrTx) {
  const list = await db.select().from(topics).orderBy(asc(topics.month));
  const items = await db.select({ topicId: planItems.topicId, title: planItems.title, active: planItems.active }).from(planItems).where(sql`${planItems.topicId} is not null`).orderBy(asc(planItems.position));
  return list.map((t) => ({ ...t, required: items.filter((i) => i.topicId === t.id && i.active).map((i) => i.title) }));
}

/** Every active member gets an assignment for every 必学 item of the topic (idempotent, one statement). */
export async function fanOutTopic(tx: DbOrTx, topicId: number, at: Date): Promise<number> {
  const res = await tx.execute(sql`
    insert into assignments (item_id, assignee_kind, person_id, due_date, created_at)
    select i.id, 'person', p.id, i.due_date, ${at.toISOString()}::timestamptz
    from plan_items i cross join people p
    where i.topic_id = ${topicId} and i.active and p.active
    on conflict on constraint assignments_item_assignee_key do nothing
    returning id`);
  return rows(res).length;
}

export async function markTopicPushed(tx: DbOrTx, topicId: number, at: Date): Promise<void> {
  await tx.update(topics).set({ pushedAt: at }).where(and(eq(topics.id, topicId), sql`${topics.pushedAt} is null`));
}
