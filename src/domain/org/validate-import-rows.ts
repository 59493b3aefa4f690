import { FIELD_LABELS, resolveHeaders, type HeaderMap, type ImportField } from './import-headers.js';
import { ROLE_HINT, ROLE_SEPARATORS, roleFromName, sortRoles } from './role-names.js';
import { ACCOUNT_ID_PATTERN, cleanText, normalizeAccountId, normalizeMobile, normalizePersonName, splitList } from './text.js';
import type { ImportPlatform, ImportRow, RawRow, RoleName, RowError } from './types.js';

export const MAX_NAME_LENGTH = 50;
/** Separators between the units of a leader's 分管范围. */
export const SCOPE_SEPARATORS = /[、，,;；]/;

export interface ValidatedRows {
  rows: ImportRow[];
  errors: RowError[];
  /** The header row itself is unusable (missing columns, empty file): no row was checked. */
  fatal: boolean;
}

/**
 * Checks every row of an organisation import and normalises the valid ones. Rows that are completely blank are
 * skipped. All problems are returned at once, in row order; nothing here looks at the database (accounts
 * already used by other people and unknown units are checked by planImport).
 *
 * `headers` defaults to the union of the rows' keys (JSON input has no header row).
 */
export function validateImportRows(input: readonly RawRow[], headers?: readonly string[]): ValidatedRows {
  const allHeaders = headers ?? [...new Set(input.flatMap((r) => Object.keys(r.values)))];
  const dataRows = input.filter((r) => Object.values(r.values).some((v) => cleanText(v) !== ''));
  if (allHeaders.length === 0 && dataRows.length === 0) return fatal('文件为空，没有表头也没有数据');
  const { map, errors: headerErrors } = resolveHeaders(allHeaders);
  if (headerErrors.length > 0) return { rows: [], errors: headerErrors, fatal: true };
  if (dataRows.length === 0) return fatal('文件中只有表头，没有数据行');

  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  const seenAccounts: Record<ImportPlatform, Map<string, number>> = { wecom: new Map(), dingtalk: new Map() };
  for (const raw of dataRows) {
    const rowErrors: string[] = [];
    const get = (field: ImportField): string => {
      const header = map[field];
      return header === undefined ? '' : cleanText(raw.values[header]);
    };

    const name = normalizePersonName(get('name'));
    if (name === '') rowErrors.push(`${FIELD_LABELS.name}为空`);
    else if ([...name].length > MAX_NAME_LENGTH) rowErrors.push(`${FIELD_LABELS.name}过长（最多${MAX_NAME_LENGTH}个字）`);

    const unitName = get('unit');
    if (unitName === '') rowErrors.push(`${FIELD_LABELS.unit}为空`);
    const groupName = get('group');

    const roles = parseRoles(get('roles'), rowErrors);

    const accounts: Record<ImportPlatform, string | null> = { wecom: null, dingtalk: null };
    for (const platform of ['wecom', 'dingtalk'] as const) {
      const id = normalizeAccountId(get(platform));
      if (id === '') continue;
      const label = FIELD_LABELS[platform];
      if (!ACCOUNT_ID_PATTERN.test(id)) {
        rowErrors.push(`${label}“${id}”格式不正确（只能包含字母、数字和 _ - . @，最长64位）`);
        continue;
      }
      const first = seenAccounts[platform].get(id);
      if (first !== undefined) rowErrors.push(`${label} ${id} 与第${first}行重复`);
      else seenAccounts[platform].set(id, raw.rowNumber);
      accounts[platform] = id;
    }
    if (!get('wecom') && !get('dingtalk')) rowErrors.push(missingAccountMessage(map));

    const mobileText = get('mobile');
    const mobile = mobileText === '' ? null : (normalizeMobile(mobileText) ?? null);
    if (mobileText !== '' && mobile === null) rowErrors.push(`${FIELD_LABELS.mobile}格式不正确`);

    const scopeText = get('scope');
    const leaderScope = splitList(scopeText, SCOPE_SEPARATORS);
    if (leaderScope.length > 0 && !roles.includes('leader')) rowErrors.push(`${FIELD_LABELS.scope}只适用于角色为“领导”的人员`);

    if (rowErrors.length > 0) {
      for (const message of rowErrors) errors.push({ row: raw.rowNumber, message: `第${raw.rowNumber}行：${message}` });
      continue;
    }
    rows.push({ rowNumber: raw.rowNumber, name, unitName, groupName: groupName === '' ? null : groupName, roles, accounts, mobile, leaderScope });
  }
  return { rows, errors, fatal: false };
}

/** An empty 角色 cell means 党员. */
function parseRoles(text: string, rowErrors: string[]): RoleName[] {
  const names = splitList(text, ROLE_SEPARATORS);
  if (names.length === 0) return ['member'];
  const roles: RoleName[] = [];
  for (const n of names) {
    const role = roleFromName(n);
    if (role) roles.push(role);
    else rowErrors.push(`${FIELD_LABELS.roles}“${n}”无法识别${ROLE_HINT}`);
  }
  return sortRoles(roles);
}

/** Names only the account columns the file has. */
function missingAccountMessage(map: HeaderMap): string {
  if (map.wecom && map.dingtalk) return `${FIELD_LABELS.wecom}和${FIELD_LABELS.dingtalk}至少填写一个`;
  return `${map.wecom ? FIELD_LABELS.wecom : FIELD_LABELS.dingtalk}为空`;
}

function fatal(message: string): ValidatedRows {
  return { rows: [], errors: [{ row: 1, message }], fatal: true };
}
