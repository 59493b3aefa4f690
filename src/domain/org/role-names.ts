import type { RoleName } from './types.js';

/** The Chinese names an admin writes in the 角色 column. */
const ROLE_ALIASES: Record<string, RoleName> = {
  党员: 'member',
  正式党员: 'member',
  预备党员: 'member',
  支部书记: 'secretary',
  党支部书记: 'secretary',
  书记: 'secretary',
  机关党委书记: 'secretary',
  支部委员: 'committee_member',
  党支部委员: 'committee_member',
  支委: 'committee_member',
  委员: 'committee_member',
  管理员: 'admin',
  党务干部: 'admin',
  党务工作者: 'admin',
  领导: 'leader',
  分管领导: 'leader',
  member: 'member',
  secretary: 'secretary',
  committee_member: 'committee_member',
  admin: 'admin',
  leader: 'leader',
};

export const ROLE_LABELS: Record<RoleName, string> = {
  member: '党员',
  secretary: '支部书记',
  committee_member: '支部委员',
  admin: '管理员',
  leader: '领导',
};

export const ROLE_ORDER: readonly RoleName[] = ['member', 'secretary', 'committee_member', 'admin', 'leader'];

/** "（可用：党员、支部书记、支部委员、管理员、领导）" */
export const ROLE_HINT = `（可用：${ROLE_ORDER.map((r) => ROLE_LABELS[r]).join('、')}）`;

/** Separators between several roles in one cell. */
export const ROLE_SEPARATORS = /[、，,/／;；\s]/;

export function roleFromName(name: string): RoleName | undefined {
  const key = name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return Object.hasOwn(ROLE_ALIASES, key) ? ROLE_ALIASES[key] : undefined;
}

export function sortRoles(roles: Iterable<RoleName>): RoleName[] {
  const set = new Set(roles);
  return ROLE_ORDER.filter((r) => set.has(r));
}
