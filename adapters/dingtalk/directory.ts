import type { DingtalkConfig } from '../../src/config.js';
import { DingtalkApiError } from './client-errors.js';
import type { DingtalkClient } from './client.js';

/** The address book as the org sync sees it (shape shared with the WeCom sync; ids as strings). */
export interface DirectorySnapshot {
  departments: { id: string; name: string; parentId: string | null }[];
  users: { userid: string; name: string; departmentIds: string[]; mobile?: string }[];
}

/** §6: the root department is 1. */
const ROOT = 1;
/** §6: listsimple pages hold at most 100. */
const PAGE = 100;
/** A cycle or runaway paging in a broken answer must not loop forever. */
const MAX_PAGES_PER_DEPT = 10_000;

interface OapiResult<T> {
  result?: T;
}
interface DeptRow {
  dept_id?: number;
  name?: string;
  parent_id?: number;
}
interface UserPage {
  has_more?: boolean;
  next_cursor?: number;
  list?: { userid?: string; name?: string }[];
}

/**
 * Reads the DingTalk address book (§6): departments recursively from the root with `topapi/v2/department/listsub`
 * (direct children only), the root's own name from `topapi/v2/department/get`, and each department's direct members
 * with `topapi/user/listsimple`, paged by cursor. A person in several departments appears once with all of them.
 * Visibility is limited by the app's 通讯录权限范围 (§6); calls go through the client's limiter (QPS applies).
 */
export async function fetchDingtalkDirectory(_config: DingtalkConfig, client: DingtalkClient): Promise<DirectorySnapshot> {
  const root = await client.oapi<OapiResult<DeptRow>>('/topapi/v2/department/get', { dept_id: ROOT, language: 'zh_CN' });
  const departments: DirectorySnapshot['departments'] = [{ id: String(ROOT), name: root.result?.name ?? '', parentId: null }];
  const seen = new Set<number>([ROOT]);
  const queue = [ROOT];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    const res = await client.oapi<OapiResult<DeptRow[]>>('/topapi/v2/department/listsub', { dept_id: parent, language: 'zh_CN' });
    for (const d of res.result ?? []) {
      if (typeof d.dept_id !== 'number' || seen.has(d.dept_id)) continue;
      seen.add(d.dept_id);
      departments.push({ id: String(d.dept_id), name: d.name ?? '', parentId: String(d.parent_id ?? parent) });
      queue.push(d.dept_id);
    }
  }

  const users = new Map<string, DirectorySnapshot['users'][number]>();
  for (const dept of departments) {
    let cursor = 0;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES_PER_DEPT) throw new DingtalkApiError('server', 'paging', `listsimple: department ${dept.id} never ends`);
      const res = await client.oapi<OapiResult<UserPage>>('/topapi/user/listsimple', { dept_id: Number(dept.id), cursor, size: PAGE, language: 'zh_CN' });
      for (const u of res.result?.list ?? []) {
        if (!u.userid) continue;
        const known = users.get(u.userid);
        if (known) {
          if (!known.departmentIds.includes(dept.id)) known.departmentIds.push(dept.id);
        } else {
          users.set(u.userid, { userid: u.userid, name: u.name ?? '', departmentIds: [dept.id] });
        }
      }
      const next = res.result?.next_cursor;
      if (!res.result?.has_more || typeof next !== 'number' || next === cursor) break;
      cursor = next;
    }
  }
  return { departments, users: [...users.values()] };
}
