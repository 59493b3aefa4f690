/** Organisation model as the core sees it (mirrors the enums in src/db/schema/org.ts, without importing it). */
export type UnitKind = 'committee' | 'branch' | 'group';
export type RoleName = 'member' | 'secretary' | 'committee_member' | 'admin' | 'leader';
export type PlatformName = 'wecom' | 'dingtalk' | 'sandbox';
/** The platforms a spreadsheet carries accounts for. */
export type ImportPlatform = 'wecom' | 'dingtalk';

export const ROLE_NAMES: readonly RoleName[] = ['member', 'secretary', 'committee_member', 'admin', 'leader'];
export const UNIT_KINDS: readonly UnitKind[] = ['committee', 'branch', 'group'];
export const PLATFORM_NAMES: readonly PlatformName[] = ['wecom', 'dingtalk', 'sandbox'];

/** One data row of a table file, keyed by the header text; `rowNumber` is the spreadsheet row (header = 1). */
export interface RawRow {
  rowNumber: number;
  values: Record<string, string>;
}

export interface RawTable {
  headers: string[];
  rows: RawRow[];
}

/** One problem with the input; `message` is a complete Chinese sentence, starting with "第N行：" for rows. */
export interface RowError {
  row: number;
  message: string;
}

/** A row that passed validation, normalised. */
export interface ImportRow {
  rowNumber: number;
  name: string;
  /** 所在单位/支部: the 机关党委 itself or one of its 党支部. */
  unitName: string;
  groupName: string | null;
  /** Distinct, in canonical order. */
  roles: RoleName[];
  accounts: Record<ImportPlatform, string | null>;
  mobile: string | null;
  /** 分管范围 of a leader: unit names; empty = the whole 机关党委. */
  leaderScope: string[];
}

export interface SnapshotUnit {
  id: number;
  parentId: number | null;
  kind: UnitKind;
  name: string;
  active: boolean;
}

export interface SnapshotRole {
  role: RoleName;
  scopeUnitId: number | null;
}

export interface SnapshotIdentity {
  platform: PlatformName;
  externalId: string;
}

export interface SnapshotPerson {
  id: number;
  name: string;
  unitId: number;
  mobile: string | null;
  active: boolean;
  roles: SnapshotRole[];
  identities: SnapshotIdentity[];
}

/** The whole organisation as stored, read inside the import's transaction. */
export interface OrgSnapshot {
  units: SnapshotUnit[];
  people: SnapshotPerson[];
}

/** Units in a plan are named by a key ('root', 'branch:…', 'group:…/…') because new ones have no id yet. */
export type UnitKey = string;

export interface PlannedUnit {
  key: UnitKey;
  kind: UnitKind;
  name: string;
  parentKey: UnitKey | null;
}

export interface PlannedRole {
  role: RoleName;
  scopeKey: UnitKey | null;
}

export interface PlannedIdentity {
  platform: ImportPlatform;
  externalId: string;
}

export interface PersonCreate {
  rowNumber: number;
  name: string;
  unitKey: UnitKey;
  mobile: string | null;
  roles: PlannedRole[];
  identities: PlannedIdentity[];
}

export interface PersonUpdate {
  personId: number;
  rowNumber: number;
  name: string;
  unitKey: UnitKey;
  mobile: string | null;
  /** The person was inactive and is in the file again. */
  reactivate: boolean;
  /** Replacement role set; null when the roles stay as they are. */
  roles: PlannedRole[] | null;
  /** Identities to set (replacing the person's identity on the same platform). */
  identities: PlannedIdentity[];
  /** Human-readable field changes, e.g. "所在单位 第一党支部 → 第二党支部". */
  changes: string[];
}

export interface OrgImportPlan {
  /** Parents before children. */
  unitsToCreate: PlannedUnit[];
  unitsToReactivate: number[];
  /** Ids of the units that already exist, by key. */
  unitIds: Record<UnitKey, number>;
  peopleToCreate: PersonCreate[];
  peopleToUpdate: PersonUpdate[];
  peopleToDeactivate: number[];
}

export interface OrgImportReport {
  dryRun: boolean;
  /** True when the file matches the stored organisation: nothing was (or would be) written. */
  unchanged: boolean;
  /** Data rows read from the file. */
  rows: number;
  created: { units: number; people: number; roles: number; identities: number };
  updated: { people: number; units: number };
  deactivated: { people: number };
  /** Active people in the database that the file does not mention. */
  notInFile: number;
  /** One Chinese line per change, e.g. "新增党支部：第一党支部". */
  changes: string[];
  /** Remarks that are not changes, e.g. "3 人不在文件中，未改动". */
  notes: string[];
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Deactivate (never delete) active people the file does not mention. */
  deactivateMissing?: boolean;
}
