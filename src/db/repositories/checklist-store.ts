import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { ChecklistStore, ExtensionView } from '../../domain/checklist/ports.js';
import type { AssignmentView } from '../../domain/checklist/types.js';
import type { PersonView } from '../../domain/conversation/ports.js';
import type { DbOrTx } from '../client.js';
import { rows } from '../migrate.js';
import { completionRecords, conversationState, extensionRequests, listSnapshots, personRoles, people, topics } from '../schema/index.js';
import { appendAudit } from './audit.js';
import { personView } from './people-directory.js';
import { recordMeeting, setPreference } from './reminders-store.js';
import type { MeetingKind } from '../../domain/reminders/settings.js';

interface AssignmentRow {
  assignment_id: number | string;
  item_id: number;
  title: string;
  due_date: string | null;
  list_kind: AssignmentView['listKind'];
  assignee_kind: 'person' | 'unit';
  person_id: number | null;
  unit_id: number | null;
  unit_name: string | null;
  last_id: number | string | null;
  last_action: 'complete' | 'revoke' | null;
  last_at: string | Date | null;
  extended_until: string | null;
  topic_month: string | null;
}

/** One query shape for every read of assignments: latest record and approved extension come with each row. */
function selectAssignments(where: SQL, order: SQL = sql`a.due_date nulls last, a.id`, lock = false): SQL {
  return sql`
    select a.id as assignment_id, i.id as item_id, i.title, coalesce(a.due_date, i.due_date)::text as due_date, i.list_kind,
           a.assignee_kind, a.person_id, a.unit_id, u.name as unit_name,
           r.id as last_id, r.action as last_action, r.at as last_at,
           (select e.requested_until::text from extension_requests e
             where e.assignment_id = a.id and e.status = 'approved' order by e.id desc limit 1) as extended_until,
           t.month as topic_month
    from assignments a
    join plan_items i on i.id = a.item_id
    left join topics t on t.id = i.topic_id
    left join org_units u on u.id = a.unit_id
    left join lateral (select id, action, at from completion_records c where c.assignment_id = a.id order by c.id desc limit 1) r on true
    where i.active and ${where}
    order by ${order}
    ${lock ? sql`for update of a` : sql``}`;
}

function toView(r: AssignmentRow): AssignmentView {
  return {
    assignmentId: Number(r.assignment_id),
    itemId: r.item_id,
    title: r.title,
    dueDate: r.due_date,
    listKind: r.list_kind,
    assignee: r.assignee_kind === 'person' ? { kind: 'person', personId: r.person_id! } : { kind: 'unit', unitId: r.unit_id!, unitName: r.unit_name ?? '' },
    completion: r.last_action === 'complete' ? { recordId: Number(r.last_id), at: new Date(r.last_at!) } : null,
    extendedUntil: r.extended_until,
    topicMonth: r.topic_month,
  };
}

const monthEnd = (today: string): string => {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

export function checklistStore(db: DbOrTx): ChecklistStore {
  const query = async (q: SQL): Promise<AssignmentView[]> => rows<AssignmentRow>(await db.execute(q)).map(toView);
  return {
    async listFor(person: PersonView, today: string) {
      const monthStart = `${today.slice(0, 8)}01`;
      const end = monthEnd(today);
      const leads = person.branchId !== null && (person.roles.includes('secretary') || person.roles.includes('committee_member'));
      // Open items, plus what was done this month (so a list shows progress, not only what is left); branch
      // items only when due by the end of this month — a year's plan is not a month's list.
      const visible = sql`(r.action is distinct from 'complete' or r.at >= ${monthStart}::date)`;
      const own = sql`(a.person_id = ${person.id} and ${visible})`;
      const branch = leads
        ? sql` or (a.unit_id = ${person.branchId} and coalesce(a.due_date, i.due_date) <= ${end}::date and ${visible})`
        : sql``;
      return query(selectAssignments(sql`(${own}${branch})`));
    },
    async lockAssignment(assignmentId) {
      const [a] = await query(selectAssignments(sql`a.id = ${assignmentId}`, sql`a.id`, true));
      return a;
    },
    mayComplete(person, a) {
      if (a.assignee.kind === 'person') return a.assignee.personId === person.id;
      return a.assignee.unitId === person.branchId && (person.roles.includes('secretary') || person.roles.includes('committee_member'));
    },
    async saveSnapshot(personId, cardKey, entries, at) {
      await db
        .insert(listSnapshots)
        .values({ personId, cardKey, entries, sentAt: at })
        .onConflictDoUpdate({ target: listSnapshots.personId, set: { cardKey, entries, sentAt: at } });
    },
    async snapshot(personId) {
      const [s] = await db.select().from(listSnapshots).where(eq(listSnapshots.personId, personId));
      return s ? { cardKey: s.cardKey, entries: s.entries as { no: number; assignmentId: number }[] } : undefined;
    },
    async recordCompletion(input) {
      const [r] = await db
        .insert(completionRecords)
        .values({ assignmentId: input.assignmentId, personId: input.personId, action: 'complete', source: input.source, evidence: input.evidence, sourceEventId: input.sourceEventId, at: input.at })
        .returning({ id: completionRecords.id });
      return r!.id;
    },
    async recordRevocation(input) {
      const [r] = await db
        .insert(completionRecords)
        .values({ assignmentId: input.assignmentId, personId: input.personId, action: 'revoke', revokesId: input.completionRecordId, source: input.source, sourceEventId: input.sourceEventId, at: input.at })
        .returning({ id: completionRecords.id });
      return r!.id;
    },
    async lastOwnCompletion(personId) {
      const res = rows<{ id: number | string; assignment_id: number | string }>(
        await db.execute(sql`
          select c.id, c.assignment_id from completion_records c
          where c.person_id = ${personId} and c.action = 'complete'
            and not exists (select 1 from completion_records x where x.revokes_id = c.id)
          order by c.id desc limit 1`),
      );
      return res[0] ? { recordId: Number(res[0].id), assignmentId: Number(res[0].assignment_id) } : undefined;
    },
    async completionRecord(recordId) {
      const [c] = await db.select().from(completionRecords).where(and(eq(completionRecords.id, recordId), eq(completionRecords.action, 'complete')));
      if (!c) return undefined;
      const [rev] = await db.select({ id: completionRecords.id }).from(completionRecords).where(eq(completionRecords.revokesId, recordId)).limit(1);
      return { recordId: c.id, assignmentId: c.assignmentId, personId: c.personId, revoked: rev !== undefined };
    },
    async createExtension(input) {
      const [r] = await db
        .insert(extensionRequests)
        .values({ assignmentId: input.assignmentId, personId: input.personId, requestedUntil: input.until, reason: input.reason, sourceEventId: input.sourceEventId, createdAt: input.at })
        .returning({ id: extensionRequests.id });
      return r!.id;
    },
    async extension(id, lock = false): Promise<ExtensionView | undefined> {
      const res = rows<{ id: number; assignment_id: number | string; person_id: number; person_name: string; unit_id: number; title: string; due: string | null; requested_until: string; reason: string | null; status: ExtensionView['status'] }>(
        await db.execute(sql`
          select e.id, e.assignment_id, e.person_id, p.name as person_name,
                 coalesce(case when u.kind = 'group' then u.parent_id else u.id end, u.id) as unit_id,
                 i.title, coalesce(a.due_date, i.due_date)::text as due, e.requested_until::text as requested_until, e.reason, e.status
          from extension_requests e
          join assignments a on a.id = e.assignment_id
          join plan_items i on i.id = a.item_id
          join people p on p.id = e.person_id
          join org_units u on u.id = p.unit_id
          where e.id = ${id}
          ${lock ? sql`for update of e` : sql``}`),
      );
      const e = res[0];
      if (!e) return undefined;
      return { id: e.id, assignmentId: Number(e.assignment_id), personId: e.person_id, personName: e.person_name, unitId: e.unit_id, itemTitle: e.title, currentDue: e.due, requestedUntil: e.requested_until, reason: e.reason, status: e.status };
    },
    async decideExtension(input) {
      await db
        .update(extensionRequests)
        .set({ status: input.approve ? 'approved' : 'rejected', decidedBy: input.deciderId, decidedAt: input.at, decisionNote: input.note })
        .where(and(eq(extensionRequests.id, input.id), eq(extensionRequests.status, 'pending')));
    },
    async branchSecretaries(unitId) {
      const ids = await db
        .selectDistinct({ id: personRoles.personId, role: personRoles.role })
        .from(personRoles)
        .innerJoin(people, eq(people.id, personRoles.personId))
        .where(and(eq(personRoles.scopeUnitId, unitId), eq(personRoles.role, 'secretary'), eq(people.active, true)));
      const views = await Promise.all(ids.map((r) => personView(db, r.id)));
      return views.filter((v): v is PersonView => v !== undefined);
    },
    async branchProgress(unitId) {
      const res = rows<{ title: string; done: number; total: number; due: string | null }>(
        await db.execute(sql`
          with branch_people as (
            select p.id from people p join org_units u on u.id = p.unit_id
            where p.active and (u.id = ${unitId} or u.parent_id = ${unitId})
          )
          select i.title, coalesce(a.due_date, i.due_date)::text as due,
                 count(*)::int as total,
                 count(*) filter (where r.action = 'complete')::int as done
          from assignments a
          join plan_items i on i.id = a.item_id
          left join lateral (select action from completion_records c where c.assignment_id = a.id order by c.id desc limit 1) r on true
          where i.active and (a.unit_id = ${unitId} or a.person_id in (select id from branch_people))
          group by i.id, i.title, coalesce(a.due_date, i.due_date)
          order by coalesce(a.due_date, i.due_date) nulls last, i.id
          limit 30`),
      );
      return res.map((r) => ({ title: r.title, done: r.done, total: r.total, dueDate: r.due }));
    },
    async topicFor(month) {
      const [t] = await db.select().from(topics).where(eq(topics.month, month));
      return t ? { id: t.id, month: t.month, title: t.title, summary: t.summary, materials: t.materials as { title: string; url: string }[] } : undefined;
    },
    async claimHelp(personId, at) {
      const hourAgo = new Date(at.getTime() - 3600_000);
      const res = await db
        .insert(conversationState)
        .values({ personId, lastHelpAt: at })
        .onConflictDoUpdate({
          target: conversationState.personId,
          set: { lastHelpAt: at },
          setWhere: sql`${conversationState.lastHelpAt} is null or ${conversationState.lastHelpAt} < ${hourAgo.toISOString()}::timestamptz`,
        })
        .returning({ personId: conversationState.personId });
      return res.length > 0;
    },
    setReminderPreference: (personId, pref, at) => setPreference(db, personId, pref, at),
    async recordMeeting(m) {
      const r = await recordMeeting(db, { ...m, kind: m.kind as MeetingKind, minutesUrl: null });
      return { created: r.created, cancelled: r.cancelled };
    },
    async audit(entry) {
      await appendAudit(db, entry.at, { actor: entry.actor, action: entry.action, subjectType: entry.subjectType, subjectId: entry.subjectId, data: entry.data });
    },
  };
}

