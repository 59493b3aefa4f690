import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { rows as resultRows } from '../migrate.js';
import { orgUnits, people, personRoles, platformIdentities } from '../schema/index.js';
import { appendAudit } from './audit.js';
import { chunks, lockOrg } from './org-common.js';
import type { OrgImportStore } from '../../domain/org/import-org.js';
import type { OrgImportPlan, OrgImportReport, OrgSnapshot, PlannedRole, UnitKey } from '../../domain/org/types.js';

/** The import's port over drizzle; use it inside one transaction (see importOrgFromRows). */
export function createOrgImportStore(tx: DbOrTx): OrgImportStore {
  return {
    snapshot: () => readOrgSnapshot(tx, { lock: true }),
    apply: (plan, report, actor, at) => applyOrgImportPlan(tx, plan, report, actor, at),
  };
}

export async function readOrgSnapshot(tx: DbOrTx, opts: { lock?: boolean } = {}): Promise<OrgSnapshot> {
  if (opts.lock) await lockOrg(tx);
  const units = await tx
    .select({ id: orgUnits.id, parentId: orgUnits.parentId, kind: orgUnits.kind, name: orgUnits.name, active: orgUnits.active })
    .from(orgUnits)
    .orderBy(orgUnits.id);
  const persons = await tx
    .select({ id: people.id, name: people.name, unitId: people.unitId, mobile: people.mobile, active: people.active })
    .from(people)
    .orderBy(people.id);
  const roles = await tx.select().from(personRoles).orderBy(personRoles.id);
  const identities = await tx.select().from(platformIdentities).orderBy(platformIdentities.id);
  return {
    units,
    people: persons.map((p) => ({
      ...p,
      roles: roles.filter((r) => r.personId === p.id).map((r) => ({ role: r.role, scopeUnitId: r.scopeUnitId })),
      identities: identities.filter((i) => i.personId === p.id).map((i) => ({ platform: i.platform, externalId: i.externalId })),
    })),
  };
}

async function applyOrgImportPlan(tx: DbOrTx, plan: OrgImportPlan, report: OrgImportReport, actor: string, at: Date): Promise<void> {
  const unitIds = new Map<UnitKey, number>(Object.entries(plan.unitIds));
  const unitId = (key: UnitKey): number => {
    const id = unitIds.get(key);
    if (id === undefined) throw new Error(`org import: unit ${key} has no id`);
    return id;
  };
  const audits: Parameters<typeof appendAudit>[2][] = [];

  // Units, a level at a time: a level's parents exist before it is inserted.
  for (const kind of ['committee', 'branch', 'group'] as const) {
    const level = plan.unitsToCreate.filter((u) => u.kind === kind);
    if (level.length === 0) continue;
    const values = level.map((u) => ({ kind, name: u.name, parentId: u.parentKey === null ? null : unitId(u.parentKey), createdAt: at, updatedAt: at }));
    const inserted = await tx.insert(orgUnits).values(values).returning({ id: orgUnits.id, parentId: orgUnits.parentId, name: orgUnits.name });
    for (const u of level) {
      const parentId = u.parentKey === null ? null : unitId(u.parentKey);
      const row = inserted.find((r) => r.parentId === parentId && r.name === u.name);
      if (!row) throw new Error(`org import: inserted unit ${u.name} not returned`);
      unitIds.set(u.key, row.id);
      audits.push({ actor, action: 'unit.create', subjectType: 'org_unit', subjectId: row.id, data: { kind, name: u.name, parentId, source: 'import' } });
    }
  }
  if (plan.unitsToReactivate.length > 0) {
    await tx.update(orgUnits).set({ active: true, updatedAt: at }).where(inArray(orgUnits.id, plan.unitsToReactivate));
    for (const id of plan.unitsToReactivate) audits.push({ actor, action: 'unit.reactivate', subjectType: 'org_unit', subjectId: id, data: { source: 'import' } });
  }

  // New people get ids up front, so their roles and identities go in as sets.
  const newIds = plan.peopleToCreate.length === 0 ? [] : resultRows<{ id: number }>(
    await tx.execute(sql`select nextval(pg_get_serial_sequence('people', 'id'))::int as id from generate_series(1, ${plan.peopleToCreate.length})`),
  ).map((r) => Number(r.id));
  const created = plan.peopleToCreate.map((p, i) => ({ ...p, id: newIds[i] ?? 0 }));
  for (const part of chunks(created)) {
    await tx.insert(people).overridingSystemValue().values(
      part.map((p) => ({ id: p.id, name: p.name, unitId: unitId(p.unitKey), mobile: p.mobile, active: true, createdAt: at, updatedAt: at })),
    );
  }
  for (const u of plan.peopleToUpdate) {
    await tx.update(people).set({ name: u.name, unitId: unitId(u.unitKey), mobile: u.mobile, active: true, updatedAt: at }).where(eq(people.id, u.personId));
  }
  if (plan.peopleToDeactivate.length > 0) {
    await tx.update(people).set({ active: false, updatedAt: at }).where(inArray(people.id, plan.peopleToDeactivate));
  }

  // Roles are replaced wholesale for the people whose role set changed.
  const roleOwners = plan.peopleToUpdate.filter((u) => u.roles !== null);
  if (roleOwners.length > 0) await tx.delete(personRoles).where(inArray(personRoles.personId, roleOwners.map((u) => u.personId)));
  const roleRows = [
    ...created.flatMap((p) => p.roles.map((r) => roleRow(p.id, r, unitId))),
    ...roleOwners.flatMap((u) => (u.roles ?? []).map((r) => roleRow(u.personId, r, unitId))),
  ];
  for (const part of chunks(roleRows)) await tx.insert(personRoles).values(part);

  // Changed identities: remove the old ones first, so an account can move from one person to another.
  for (const platform of ['wecom', 'dingtalk'] as const) {
    const owners = plan.peopleToUpdate.filter((u) => u.identities.some((i) => i.platform === platform)).map((u) => u.personId);
    if (owners.length > 0) {
      await tx.delete(platformIdentities).where(and(eq(platformIdentities.platform, platform), inArray(platformIdentities.personId, owners)));
    }
  }
  const identityRows = [
    ...created.flatMap((p) => p.identities.map((i) => ({ personId: p.id, platform: i.platform, externalId: i.externalId, createdAt: at }))),
    ...plan.peopleToUpdate.flatMap((u) => u.identities.map((i) => ({ personId: u.personId, platform: i.platform, externalId: i.externalId, createdAt: at }))),
  ];
  for (const part of chunks(identityRows)) await tx.insert(platformIdentities).values(part);

  for (const p of created) {
    audits.push({
      actor, action: 'person.create', subjectType: 'person', subjectId: p.id,
      data: { name: p.name, unitId: unitId(p.unitKey), row: p.rowNumber, roles: p.roles.map((r) => r.role), identities: p.identities, source: 'import' },
    });
  }
  for (const u of plan.peopleToUpdate) {
    audits.push({ actor, action: 'person.update', subjectType: 'person', subjectId: u.personId, data: { row: u.rowNumber, changes: u.changes, source: 'import' } });
  }
  for (const id of plan.peopleToDeactivate) {
    audits.push({ actor, action: 'person.deactivate', subjectType: 'person', subjectId: id, data: { reason: '不在导入文件中', source: 'import' } });
  }
  await appendAudit(tx, at, {
    actor, action: 'org.import', subjectType: 'org', subjectId: unitIds.get('root') ?? null,
    data: { rows: report.rows, created: report.created, updated: report.updated, deactivated: report.deactivated, notInFile: report.notInFile, changes: report.changes },
  });
  for (const entry of audits) await appendAudit(tx, at, entry);
}

function roleRow(personId: number, r: PlannedRole, unitId: (key: UnitKey) => number): typeof personRoles.$inferInsert {
  return { personId, role: r.role, scopeUnitId: r.scopeKey === null ? null : unitId(r.scopeKey) };
}
