import { FIELD_LABELS } from './import-headers.js';
import { ROLE_NAMES, PLATFORM_NAMES, type PlatformName, type RoleName } from './types.js';
import { ACCOUNT_ID_PATTERN, cleanText, normalizeAccountId, normalizeMobile, normalizePersonName } from './text.js';
import { MAX_NAME_LENGTH } from './validate-import-rows.js';

/** Checks for the admin operations on people (the importer has its own, per row). Pure. */

export const PLATFORM_LABELS: Record<PlatformName, string> = {
  wecom: FIELD_LABELS.wecom,
  dingtalk: FIELD_LABELS.dingtalk,
  sandbox: '沙箱账号',
};

/** A cleaned person name, or a problem. */
export function checkPersonName(value: string, problems: string[]): string {
  const name = normalizePersonName(value);
  if (name === '') problems.push('姓名不能为空');
  else if ([...name].length > MAX_NAME_LENGTH) problems.push(`姓名过长（最多${MAX_NAME_LENGTH}个字）`);
  return name;
}

/** Null or blank clears the number. */
export function checkMobile(value: string | null | undefined, problems: string[]): string | null {
  if (value === null || value === undefined || cleanText(value) === '') return null;
  const mobile = normalizeMobile(value);
  if (!mobile) problems.push('手机号格式不正确');
  return mobile ?? null;
}

export interface IdentityInput {
  platform: PlatformName;
  /** Null removes the person's identity on that platform. */
  externalId: string | null;
}

export function checkIdentities(input: readonly IdentityInput[], problems: string[]): IdentityInput[] {
  const seen = new Set<PlatformName>();
  const out: IdentityInput[] = [];
  for (const i of input) {
    if (!PLATFORM_NAMES.includes(i.platform)) {
      problems.push(`平台“${String(i.platform)}”无法识别（可用：${PLATFORM_NAMES.join('、')}）`);
      continue;
    }
    if (seen.has(i.platform)) {
      problems.push(`${PLATFORM_LABELS[i.platform]}重复填写`);
      continue;
    }
    seen.add(i.platform);
    const externalId = i.externalId === null ? null : normalizeAccountId(i.externalId);
    if (externalId === '' || (externalId !== null && !ACCOUNT_ID_PATTERN.test(externalId))) {
      problems.push(`${PLATFORM_LABELS[i.platform]}“${externalId ?? ''}”格式不正确（只能包含字母、数字和 _ - . @，最长64位）`);
      continue;
    }
    out.push({ platform: i.platform, externalId });
  }
  return out;
}

export interface RoleInput {
  role: RoleName;
  /** Omitted: a secretary's branch, a leader's whole 机关党委, nothing for the other roles. */
  scopeUnitId?: number | null;
}

export function checkRoles(input: readonly RoleInput[], problems: string[]): RoleInput[] {
  const out: RoleInput[] = [];
  for (const r of input) {
    if (!ROLE_NAMES.includes(r.role)) problems.push(`角色“${String(r.role)}”无法识别（可用：${ROLE_NAMES.join('、')}）`);
    else out.push(r);
  }
  return out;
}

/** Unit names: trimmed, not blank, at most 100 characters. */
export function checkUnitName(value: string, problems: string[]): string {
  const name = cleanText(value);
  if (name === '') problems.push('单位名称不能为空');
  else if ([...name].length > 100) problems.push('单位名称过长（最多100个字）');
  return name;
}
