import type { Config } from '../../src/config.js';
import type { DirectoryMember, DirectorySnapshot, DirectoryUnit } from '../../src/cli/commands/sync-org.js';
import { createLogger } from '../../src/log.js';
import { WecomApiError } from './api-errors.js';
import { WecomClient } from './client.js';

/**
 * The WeCom address book as a DirectorySnapshot (wecom.md §13): `department/simplelist` for the tree,
 * `department/get` for each name (the doc's advice over the slow `department/list`), `user/simplelist` per
 * department (fetch_child is gone). Only the app's visible range is readable; a department outside it (60011)
 * is noted and skipped, not fatal. System busy (-1) is retried a few times, as every read here is idempotent.
 */
export async function fetchWecomDirectory(client: WecomClient): Promise<DirectorySnapshot> {
  const notes: string[] = [];
  const list = await retrying(() => client.call('GET', '/cgi-bin/department/simplelist'));
  const ids = ((list.department_id as { id: number; parentid: number }[] | undefined) ?? []).map((d) => ({ id: String(d.id), parentId: String(d.parentid) }));
  const known = new Set(ids.map((d) => d.id));
  const units: DirectoryUnit[] = [];
  for (const d of ids) {
    try {
      const res = await retrying(() => client.call('GET', '/cgi-bin/department/get', { query: { id: d.id } }));
      const dep = res.department as { name?: string } | undefined;
      // A parent outside the visible range is not a parent we can use: the department becomes a top level.
      units.push({ id: d.id, name: dep?.name ?? `部门${d.id}`, parentId: known.has(d.parentId) && d.parentId !== d.id ? d.parentId : null });
    } catch (err) {
      if (!(err instanceof WecomApiError) || err.errcode !== 60011) throw err;
      notes.push(`部门 ${d.id} 不在应用可见范围内，已跳过`);
    }
  }
  const members = new Map<string, DirectoryMember>();
  for (const u of units) {
    let res;
    try {
      res = await retrying(() => client.call('GET', '/cgi-bin/user/simplelist', { query: { department_id: u.id } }));
    } catch (err) {
      if (!(err instanceof WecomApiError) || err.errcode !== 60011) throw err;
      notes.push(`部门“${u.name}”的成员不在应用可见范围内，已跳过`);
      continue;
    }
    for (const m of (res.userlist as { userid: string; name: string; department?: number[] }[] | undefined) ?? []) {
      const entry = members.get(m.userid) ?? { userid: m.userid, name: m.name, unitIds: (m.department ?? []).map(String) };
      if (!entry.unitIds.includes(u.id)) entry.unitIds.push(u.id);
      members.set(m.userid, entry);
    }
  }
  return { platform: 'wecom', units, members: [...members.values()], notes };
}

/** The `sync-org wecom` source: a client of the configured app (WECOM_* settings). */
export async function wecomDirectorySource(config: Readonly<Config>): Promise<DirectorySnapshot> {
  if (!config.wecom) throw new Error('企业微信未配置：请设置 WECOM_CORP_ID、WECOM_AGENT_ID、WECOM_SECRET 等');
  const client = new WecomClient({
    baseUrl: config.wecom.apiBaseUrl, corpId: config.wecom.corpId, secret: config.wecom.secret,
    logger: createLogger({ level: 'warn' }),
  });
  return fetchWecomDirectory(client);
}

async function retrying<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      // §14: only system failures are retried automatically, with a short back-off.
      if (!(err instanceof WecomApiError) || err.errcode !== -1 || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * 2 ** i));
    }
  }
}
