/** The person edit form → the same UpdatePersonInput the admin API's PATCH /people/:id takes. */
import type { PersonView, UpdatePersonInput } from '../../../db/repositories/org.js';
import type { RoleInput } from '../../../domain/org/person-input.js';
import { ROLE_NAMES, type RoleName } from '../../../domain/org/types.js';
import { ValidationError } from '../../../errors.js';
import type { FormData } from '../../forms.js';

const isRole = (r: string): r is RoleName => (ROLE_NAMES as readonly string[]).includes(r);

/**
 * Roles: the ticked ones replace the person's roles. A leader gets one role row per ticked 分管范围 unit (none =
 * the whole 机关党委). Other roles keep the scope they have when the person stays in the same unit (e.g. a
 * secretary's branch); otherwise the repository fills in the default (a secretary's new branch).
 * Accounts: an empty field removes the binding on that platform; the sandbox account is not edited here.
 */
export function personPatchFromForm(form: FormData, before: PersonView): UpdatePersonInput {
  const unitText = form.get('unitId');
  const unitId = Number(unitText);
  if (!/^\d{1,9}$/.test(unitText) || unitId <= 0) throw new ValidationError('请选择所在单位。');
  const unknown = form.all('role').filter((r) => !isRole(r));
  if (unknown.length > 0) throw new ValidationError(`无法识别的角色：${unknown.join('、')}`);
  const ticked = [...new Set(form.all('role').filter(isRole))];
  if (ticked.length === 0) throw new ValidationError('请至少选择一个角色（一般为“党员”）。');
  const sameUnit = unitId === before.unitId;
  const roles: RoleInput[] = [];
  for (const role of ticked) {
    if (role === 'leader') {
      const scopes = [...new Set(form.all('leaderScope').map(Number))].filter((n) => Number.isSafeInteger(n) && n > 0);
      if (scopes.length === 0) roles.push({ role });
      else for (const scopeUnitId of scopes) roles.push({ role, scopeUnitId });
      continue;
    }
    const held = before.roles.filter((r) => r.role === role);
    if (sameUnit && held.length > 0) for (const r of held) roles.push({ role, scopeUnitId: r.scopeUnitId });
    else roles.push({ role });
  }
  const mobile = form.get('mobile');
  return {
    name: form.get('name'),
    unitId,
    mobile: mobile === '' ? null : mobile,
    roles,
    identities: (['wecom', 'dingtalk'] as const).map((platform) => ({ platform, externalId: form.get(platform) || null })),
  };
}
