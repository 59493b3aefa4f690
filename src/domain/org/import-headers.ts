import type { RowError } from './types.js';

export type ImportField = 'name' | 'unit' | 'group' | 'roles' | 'wecom' | 'dingtalk' | 'mobile' | 'scope';

/** The canonical header of each column, as documented and as used in error messages. */
export const FIELD_LABELS: Record<ImportField, string> = {
  name: '姓名',
  unit: '所在单位/支部',
  group: '党小组',
  roles: '角色',
  wecom: '企业微信账号',
  dingtalk: '钉钉账号',
  mobile: '手机号',
  scope: '分管范围',
};

/** Accepted spellings (compared after normaliseHeader). */
const HEADER_ALIASES: Record<ImportField, string[]> = {
  name: ['姓名', '名字', '人员姓名', '党员姓名'],
  unit: ['所在单位/支部', '所在单位', '所在支部', '所在党支部', '支部', '党支部', '单位', '单位/支部', '所在单位或支部'],
  group: ['党小组', '所在党小组', '小组'],
  roles: ['角色', '党内职务', '身份'],
  wecom: ['企业微信账号', '企业微信', '企业微信userid', '企业微信id', '企业微信帐号', '企微账号', 'wecom', 'wecomuserid'],
  dingtalk: ['钉钉账号', '钉钉', '钉钉userid', '钉钉id', '钉钉帐号', 'dingtalk', 'dingtalkuserid'],
  mobile: ['手机号', '手机', '手机号码', '移动电话', '联系电话'],
  scope: ['分管范围', '分管单位', '分管支部', '分管党支部'],
};

/** "* 手机号（选填）" → "手机号": required marks, spaces, a trailing remark in brackets and case do not matter. */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/[\s*]/g, '')
    .replace(/\([^()]*\)$/, '')
    .toLowerCase();
}

const ALIAS_INDEX = new Map<string, ImportField>(
  (Object.entries(HEADER_ALIASES) as [ImportField, string[]][]).flatMap(([field, names]) =>
    names.map((n) => [normaliseHeader(n), field] as const),
  ),
);

export type HeaderMap = Partial<Record<ImportField, string>>;

/**
 * Finds which header carries which field. Unknown headers (序号, 备注, …) are ignored. Errors (row 1, the header
 * row) name every missing required column at once, and any field given twice.
 */
export function resolveHeaders(headers: readonly string[]): { map: HeaderMap; errors: RowError[] } {
  const map: HeaderMap = {};
  const errors: RowError[] = [];
  for (const header of headers) {
    const field = ALIAS_INDEX.get(normaliseHeader(header));
    if (!field) continue;
    const previous = map[field];
    if (previous !== undefined) {
      errors.push({ row: 1, message: `表头中“${previous}”和“${header}”重复，都表示“${FIELD_LABELS[field]}”，请只保留一列` });
      continue;
    }
    map[field] = header;
  }
  const missing: string[] = [];
  for (const field of ['name', 'unit', 'roles'] as const) if (!map[field]) missing.push(FIELD_LABELS[field]);
  if (!map.wecom && !map.dingtalk) missing.push(`${FIELD_LABELS.wecom}或${FIELD_LABELS.dingtalk}`);
  if (missing.length > 0) errors.unshift({ row: 1, message: `表头缺少必填列：${missing.join('、')}` });
  return { map, errors };
}
