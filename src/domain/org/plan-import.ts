import { FIELD_LABELS } from './import-headers.js';
import { planPeople, type ResolvedRow } from './plan-people.js';
import { isCommitteeName, unitMatchKey } from './text.js';
import { branchKey, groupKey, ROOT_KEY, UnitIndex, type IndexedUnit } from './unit-index.js';
import type { ImportOptions, ImportRow, OrgImportPlan, OrgImportReport, OrgSnapshot, PlannedRole, RowError, UnitKey } from './types.js';

/** The root's name when there is none yet and the file names only branches. */
export const DEFAULT_COMMITTEE_NAME = '机关党委';

export interface PlanResult {
  plan: OrgImportPlan;
  report: OrgImportReport;
  /** Problems only visible against the stored organisation (accounts in use, unknown units); plan is unusable when non-empty. */
  errors: RowError[];
}

const UNIT_WORDS = { committee: '机关党委', branch: '党支部', group: '党小组' } as const;

/**
 * Works out what an import changes: pure and deterministic (same snapshot and rows → same plan, same lines).
 */
export function planImport(snapshot: OrgSnapshot, rows: readonly ImportRow[], opts: ImportOptions = {}): PlanResult {
  const errors: RowError[] = [];
  const fail = (row: number, message: string): void => {
    errors.push({ row, message: `第${row}行：${message}` });
  };
  const units = new UnitIndex(snapshot.units);

  let root = units.get(ROOT_KEY);
  const hadRoot = root !== undefined;
  if (root) {
    if (!root.active) root.reactivate = true;
  } else {
    const named = rows.find((r) => isCommitteeName(r.unitName));
    root = units.ensure('committee', ROOT_KEY, named ? named.unitName : DEFAULT_COMMITTEE_NAME, null);
  }
  const rootSource = rows.find((r) => unitMatchKey(r.unitName) === unitMatchKey(root.name));

  // Units first, so a leader's 分管范围 may name a branch that appears further down the file.
  const placed: { row: ImportRow; unitKey: UnitKey; branch: UnitKey }[] = [];
  for (const row of rows) {
    let branch: UnitKey = ROOT_KEY;
    if (unitMatchKey(row.unitName) !== unitMatchKey(root.name)) {
      if (isCommitteeName(row.unitName)) {
        fail(row.rowNumber, hadRoot || !rootSource
          ? `${FIELD_LABELS.unit}“${row.unitName}”与现有机关党委“${root.name}”名称不一致`
          : `机关党委名称“${row.unitName}”与第${rootSource.rowNumber}行的“${root.name}”不一致`);
        continue;
      }
      branch = units.ensure('branch', branchKey(row.unitName), row.unitName, ROOT_KEY).key;
    }
    let unitKey = branch;
    if (row.groupName !== null) {
      if (branch === ROOT_KEY) {
        fail(row.rowNumber, `党小组“${row.groupName}”只能设在党支部下，不能直接设在机关党委下`);
        continue;
      }
      unitKey = units.ensure('group', groupKey(branch, row.groupName), row.groupName, branch).key;
    }
    placed.push({ row, unitKey, branch });
  }

  const resolved: ResolvedRow[] = [];
  for (const { row, unitKey, branch } of placed) {
    const roles = resolveRoles(row, branch, root.name, units, fail);
    if (roles) resolved.push({ row, unitKey, roles });
  }

  const people = planPeople(snapshot.people, resolved, units);
  errors.push(...people.errors);
  errors.sort((a, b) => a.row - b.row);

  const deactivate = opts.deactivateMissing ? people.missing : [];
  const reactivated = units.reactivated();
  const changes = [
    ...units.created.map((u) => `新增${UNIT_WORDS[u.kind]}：${units.label(u.key)}`),
    ...reactivated.map((u) => `恢复${UNIT_WORDS[u.kind]}：${units.label(u.key)}`),
    ...people.changes,
    ...deactivate.map((p) => `停用人员：${p.name}（${units.label(units.keyOf(p.unitId))}）`),
  ];
  const plan: OrgImportPlan = {
    unitsToCreate: units.created.map(({ key, kind, name, parentKey }) => ({ key, kind, name, parentKey })),
    unitsToReactivate: reactivated.map((u) => u.id).filter((id): id is number => id !== null),
    unitIds: units.existingIds(),
    peopleToCreate: people.creates,
    peopleToUpdate: people.updates,
    peopleToDeactivate: deactivate.map((p) => p.id),
  };
  const unchanged = isEmptyPlan(plan);
  const dryRun = opts.dryRun ?? false;
  const notes: string[] = [];
  if (unchanged) notes.push('文件与现有组织一致，没有需要改动的内容');
  if (people.missing.length > 0) {
    notes.push(opts.deactivateMissing
      ? `${people.missing.length} 人不在文件中，${dryRun ? '将停用' : '已停用'}`
      : `${people.missing.length} 人不在文件中，未改动`);
  }
  if (dryRun) notes.push('试运行：没有写入任何数据');
  const report: OrgImportReport = {
    dryRun,
    unchanged,
    rows: rows.length,
    created: { units: plan.unitsToCreate.length, people: plan.peopleToCreate.length, roles: people.newRoles, identities: people.newIdentities },
    updated: { people: plan.peopleToUpdate.length, units: plan.unitsToReactivate.length },
    deactivated: { people: plan.peopleToDeactivate.length },
    notInFile: people.missing.length,
    changes,
    notes,
  };
  return { plan, report, errors };
}

export function isEmptyPlan(plan: OrgImportPlan): boolean {
  return plan.unitsToCreate.length === 0 && plan.unitsToReactivate.length === 0 && plan.peopleToCreate.length === 0 &&
    plan.peopleToUpdate.length === 0 && plan.peopleToDeactivate.length === 0;
}

/** Member / committee member / admin apply where the person is; a secretary to the branch; a leader to 分管范围. */
function resolveRoles(
  row: ImportRow,
  branch: UnitKey,
  rootName: string,
  units: UnitIndex,
  fail: (row: number, message: string) => void,
): PlannedRole[] | undefined {
  const roles: PlannedRole[] = [];
  for (const role of row.roles) {
    if (role === 'secretary') roles.push({ role, scopeKey: branch });
    else if (role !== 'leader') roles.push({ role, scopeKey: null });
  }
  if (!row.roles.includes('leader')) return roles;
  if (row.leaderScope.length === 0) return [...roles, { role: 'leader', scopeKey: ROOT_KEY }];
  const scopes = new Set<UnitKey>();
  let ok = true;
  for (const name of row.leaderScope) {
    const key = unitMatchKey(name) === unitMatchKey(rootName) ? ROOT_KEY : branchKey(name);
    const unit: IndexedUnit | undefined = units.get(key);
    if (!unit || !units.isAvailable(key)) {
      fail(row.rowNumber, `${FIELD_LABELS.scope}中的“${name}”不是现有的党支部，文件中也没有`);
      ok = false;
    } else scopes.add(key);
  }
  return ok ? [...roles, ...[...scopes].map((scopeKey) => ({ role: 'leader' as const, scopeKey }))] : undefined;
}
