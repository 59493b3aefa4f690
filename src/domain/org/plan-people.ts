import { FIELD_LABELS } from './import-headers.js';
import { ROLE_LABELS, ROLE_ORDER } from './role-names.js';
import { ROOT_KEY, type UnitIndex } from './unit-index.js';
import type { ImportPlatform, ImportRow, PersonCreate, PersonUpdate, PlannedIdentity, PlannedRole, RowError, SnapshotPerson, UnitKey } from './types.js';

const PLATFORMS: readonly ImportPlatform[] = ['wecom', 'dingtalk'];

/** A validated row with its resolved unit and roles. */
export interface ResolvedRow {
  row: ImportRow;
  unitKey: UnitKey;
  roles: PlannedRole[];
}

export interface PeoplePlan {
  creates: PersonCreate[];
  updates: PersonUpdate[];
  /** Active people the file does not mention, by id. */
  missing: SnapshotPerson[];
  /** Role rows and identities the plan inserts. */
  newRoles: number;
  newIdentities: number;
  /** Change lines in row order. */
  changes: string[];
  errors: RowError[];
}

/**
 * Matches rows to stored people (platform account: WeCom first, then DingTalk; then the same name in the same
 * branch) and works out what changes. An account the file gives to one person may not stay with another.
 */
export function planPeople(people: readonly SnapshotPerson[], rows: readonly ResolvedRow[], units: UnitIndex): PeoplePlan {
  const owners = new Map<string, SnapshotPerson>();
  for (const p of people) for (const i of p.identities) owners.set(identityKey(i.platform, i.externalId), p);
  const matchOf = new Map<number, SnapshotPerson>(); // row index → person
  const claimedBy = new Map<number, number>(); // person id → row index
  const claim = (index: number, p: SnapshotPerson): void => {
    matchOf.set(index, p);
    claimedBy.set(p.id, index);
  };

  for (const platform of PLATFORMS) {
    rows.forEach(({ row }, index) => {
      const account = row.accounts[platform];
      if (matchOf.has(index) || account === null) return;
      const owner = owners.get(identityKey(platform, account));
      if (owner && !claimedBy.has(owner.id)) claim(index, owner);
    });
  }
  rows.forEach((r, index) => {
    if (matchOf.has(index)) return;
    const branch = units.branchOf(r.unitKey);
    const candidates = people.filter(
      (p) => !claimedBy.has(p.id) && p.name === r.row.name && units.branchOf(units.keyOf(p.unitId)) === branch,
    );
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (only) claim(index, only);
  });

  const errors: RowError[] = [];
  rows.forEach(({ row }, index) => {
    for (const platform of PLATFORMS) {
      const account = row.accounts[platform];
      const owner = account === null ? undefined : owners.get(identityKey(platform, account));
      if (!owner || owner.id === matchOf.get(index)?.id) continue;
      const ownerRow = claimedBy.get(owner.id);
      // The owner keeps the account unless the file gives the owner another one on this platform.
      if (ownerRow !== undefined && rows[ownerRow]?.row.accounts[platform] !== null) continue;
      const where = units.label(units.keyOf(owner.unitId));
      errors.push({ row: row.rowNumber, message: `第${row.rowNumber}行：${FIELD_LABELS[platform]} ${account} 已被 ${owner.name}（${where}）使用` });
    }
  });

  const plan: PeoplePlan = { creates: [], updates: [], missing: [], newRoles: 0, newIdentities: 0, changes: [], errors };
  rows.forEach((r, index) => {
    const person = matchOf.get(index);
    if (person) addUpdate(plan, r, person, units);
    else addCreate(plan, r, units);
  });
  plan.missing = people.filter((p) => p.active && !claimedBy.has(p.id)).sort((a, b) => a.id - b.id);
  return plan;
}

function addCreate(plan: PeoplePlan, { row, unitKey, roles }: ResolvedRow, units: UnitIndex): void {
  const identities: PlannedIdentity[] = [];
  for (const platform of PLATFORMS) {
    const externalId = row.accounts[platform];
    if (externalId !== null) identities.push({ platform, externalId });
  }
  plan.creates.push({ rowNumber: row.rowNumber, name: row.name, unitKey, mobile: row.mobile, roles, identities });
  plan.newRoles += roles.length;
  plan.newIdentities += identities.length;
  plan.changes.push(`新增人员：${row.name}（${units.label(unitKey)}）`);
}

function addUpdate(plan: PeoplePlan, { row, unitKey, roles }: ResolvedRow, p: SnapshotPerson, units: UnitIndex): void {
  const changes: string[] = [];
  if (p.name !== row.name) changes.push(`姓名 ${p.name} → ${row.name}`);
  const currentUnit = units.keyOf(p.unitId);
  if (currentUnit !== unitKey) changes.push(`所在单位 ${units.label(currentUnit)} → ${units.label(unitKey)}`);
  if (row.mobile !== null && row.mobile !== p.mobile) changes.push(`${FIELD_LABELS.mobile} ${p.mobile ?? '（空）'} → ${row.mobile}`);

  const current: PlannedRole[] = p.roles.map((r) => ({ role: r.role, scopeKey: r.scopeUnitId === null ? null : units.keyOf(r.scopeUnitId) }));
  const currentKeys = new Set(current.map(roleKey));
  const desiredKeys = new Set(roles.map(roleKey));
  const rolesChanged = currentKeys.size !== desiredKeys.size || [...desiredKeys].some((k) => !currentKeys.has(k));
  if (rolesChanged) {
    const before = formatRoles(current, units);
    const after = formatRoles(roles, units);
    if (before !== after) changes.push(`角色 ${before || '（无）'} → ${after}`);
    else if (currentUnit === unitKey) changes.push(`角色 ${after}（调整适用范围）`);
  }

  const identities: PlannedIdentity[] = [];
  for (const platform of PLATFORMS) {
    const externalId = row.accounts[platform];
    const existing = p.identities.find((i) => i.platform === platform)?.externalId;
    if (externalId === null || externalId === existing) continue;
    identities.push({ platform, externalId });
    changes.push(`${FIELD_LABELS[platform]} ${existing ?? '（空）'} → ${externalId}`);
  }
  if (!p.active) changes.push('重新启用');
  if (changes.length === 0 && !rolesChanged) return;

  plan.updates.push({
    personId: p.id,
    rowNumber: row.rowNumber,
    name: row.name,
    unitKey,
    mobile: row.mobile ?? p.mobile,
    reactivate: !p.active,
    roles: rolesChanged ? roles : null,
    identities,
    changes,
  });
  if (rolesChanged) plan.newRoles += [...desiredKeys].filter((k) => !currentKeys.has(k)).length;
  plan.newIdentities += identities.length;
  // Scope-only role changes (a secretary moving branch) show up as the unit change.
  if (changes.length > 0) plan.changes.push(`更新人员：${p.name}：${changes.join('；')}`);
}

/** "党员、支部书记", "党员、领导（分管：第二党支部、第三党支部）". */
export function formatRoles(roles: readonly PlannedRole[], units: UnitIndex): string {
  const parts: string[] = [];
  for (const role of ROLE_ORDER) {
    const scopes = roles.filter((r) => r.role === role).map((r) => r.scopeKey);
    if (scopes.length === 0) continue;
    const named = scopes.filter((k): k is UnitKey => k !== null && k !== ROOT_KEY);
    parts.push(role === 'leader' && named.length > 0 ? `${ROLE_LABELS.leader}（分管：${named.map((k) => units.label(k)).join('、')}）` : ROLE_LABELS[role]);
  }
  return parts.join('、');
}

function roleKey(r: PlannedRole): string {
  return `${r.role}@${r.scopeKey ?? ''}`;
}

function identityKey(platform: string, externalId: string): string {
  return `${platform}\u0000${externalId}`;
}
