import { addDays, type IsWorkday } from '../reminders/days.js';
import type { DigestUnit } from './raw.js';
import type { DigestScope } from './types.js';

/**
 * A leader's scope from their role rows: the whole agency when they have no 分管范围 (no rows, a row without
 * a unit, or the 机关党委 itself), else the units named.
 */
export function scopeOf(scopeUnitIds: readonly (number | null)[], units: readonly DigestUnit[]): DigestScope {
  const root = units.find((u) => u.kind === 'committee')?.id;
  if (scopeUnitIds.length === 0 || scopeUnitIds.some((id) => id === null || id === root)) return { kind: 'agency' };
  return { kind: 'units', unitIds: [...new Set(scopeUnitIds as number[])].sort((a, b) => a - b) };
}

/**
 * The active branches a scope covers, in organisation order. A branch is covered when it, or the unit above
 * it, is named. A 党小组 named alone covers no branch: the digest counts whole branches, and a leader must not
 * see a branch beyond their 分管范围.
 */
export function branchesInScope(scope: DigestScope, units: readonly DigestUnit[]): number[] {
  const branches = units.filter((u) => u.kind === 'branch');
  if (scope.kind === 'agency') return branches.map((b) => b.id);
  const named = new Set(scope.unitIds);
  return branches.filter((b) => named.has(b.id) || (b.parentId !== null && named.has(b.parentId))).map((b) => b.id);
}

/** The last day of the "due soon" window: the `n`th working day after `date` (default 3). */
export function dueSoonUntil(date: string, isWorkday: IsWorkday, n = 3): string {
  let d = date;
  for (let left = n, guard = 0; left > 0 && guard < 60; guard++) {
    d = addDays(d, 1);
    if (isWorkday(d)) left--;
  }
  return d;
}

/** "全机关（100 个党支部）" or the branch names in scope, for the card's subtitle. */
export function scopeLabel(scope: DigestScope, branchNames: readonly string[]): string {
  if (scope.kind === 'agency') return `全机关 ${branchNames.length} 个党支部`;
  if (branchNames.length === 0) return '分管范围内没有党支部';
  if (branchNames.length <= 3) return `分管：${branchNames.join('、')}`;
  return `分管：${branchNames.slice(0, 2).join('、')} 等 ${branchNames.length} 个党支部`;
}
