import { unitMatchKey } from './text.js';
import type { SnapshotUnit, UnitKey, UnitKind } from './types.js';

export const ROOT_KEY: UnitKey = 'root';

export interface IndexedUnit {
  key: UnitKey;
  kind: UnitKind;
  name: string;
  parentKey: UnitKey | null;
  /** Null for a unit the plan creates. */
  id: number | null;
  /** As stored (a new unit counts as active). */
  active: boolean;
  /** Stored inactive, but the file uses it again. */
  reactivate: boolean;
}

/**
 * The 机关党委 → 党支部 → 党小组 tree keyed by names rather than ids, so the file's names find stored units and
 * units the plan is going to create can be referred to before they exist.
 */
export class UnitIndex {
  private readonly byKey = new Map<UnitKey, IndexedUnit>();
  private readonly keyById = new Map<number, UnitKey>();
  private readonly nameById = new Map<number, string>();
  /** Units to create, parents first. */
  readonly created: IndexedUnit[] = [];

  constructor(units: readonly SnapshotUnit[]) {
    const sorted = [...units].sort((a, b) => a.id - b.id);
    for (const u of sorted) this.nameById.set(u.id, u.name);
    const root = sorted.find((u) => u.parentId === null && u.kind === 'committee');
    if (!root) return;
    this.put({ key: ROOT_KEY, kind: 'committee', name: root.name, parentKey: null, id: root.id, active: root.active, reactivate: false });
    for (const b of sorted.filter((u) => u.kind === 'branch' && u.parentId === root.id)) {
      const bKey = branchKey(b.name);
      if (this.byKey.has(bKey)) continue;
      this.put({ key: bKey, kind: 'branch', name: b.name, parentKey: ROOT_KEY, id: b.id, active: b.active, reactivate: false });
      for (const g of sorted.filter((u) => u.kind === 'group' && u.parentId === b.id)) {
        const gKey = groupKey(bKey, g.name);
        if (!this.byKey.has(gKey)) this.put({ key: gKey, kind: 'group', name: g.name, parentKey: bKey, id: g.id, active: g.active, reactivate: false });
      }
    }
  }

  get(key: UnitKey): IndexedUnit | undefined {
    return this.byKey.get(key);
  }

  keyOf(unitId: number): UnitKey {
    return this.keyById.get(unitId) ?? `id:${unitId}`;
  }

  /** The unit as the file names it: found (and revived when inactive) or planned for creation. */
  ensure(kind: UnitKind, key: UnitKey, name: string, parentKey: UnitKey | null): IndexedUnit {
    const found = this.byKey.get(key);
    if (found) {
      if (!found.active) found.reactivate = true;
      return found;
    }
    const unit: IndexedUnit = { key, kind, name, parentKey, id: null, active: true, reactivate: false };
    this.put(unit);
    this.created.push(unit);
    return unit;
  }

  /** In use after the import: active already, revived or created. */
  isAvailable(key: UnitKey): boolean {
    const u = this.byKey.get(key);
    return u !== undefined && (u.active || u.reactivate);
  }

  /** "第一党支部", "第一党支部/第一党小组", "某某厅机关党委". */
  label(key: UnitKey): string {
    const u = this.byKey.get(key);
    if (!u) return key.startsWith('id:') ? (this.nameById.get(Number(key.slice(3))) ?? key) : key;
    if (u.kind === 'group' && u.parentKey) return `${this.label(u.parentKey)}/${u.name}`;
    return u.name;
  }

  /** The branch a unit belongs to (the root for the root). */
  branchOf(key: UnitKey): UnitKey {
    const u = this.byKey.get(key);
    return u?.kind === 'group' && u.parentKey ? u.parentKey : key;
  }

  reactivated(): IndexedUnit[] {
    return [...this.byKey.values()].filter((u) => u.reactivate);
  }

  existingIds(): Record<UnitKey, number> {
    const out: Record<UnitKey, number> = {};
    for (const u of this.byKey.values()) if (u.id !== null) out[u.key] = u.id;
    return out;
  }

  private put(u: IndexedUnit): void {
    this.byKey.set(u.key, u);
    if (u.id !== null) this.keyById.set(u.id, u.key);
  }
}

export function branchKey(name: string): UnitKey {
  return `branch:${unitMatchKey(name)}`;
}

export function groupKey(branch: UnitKey, name: string): UnitKey {
  return `group:${branch.slice('branch:'.length)}\u001f${unitMatchKey(name)}`;
}
