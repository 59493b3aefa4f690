import type { DirectorySnapshot } from '../../src/cli/commands/sync-org.js';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { DingtalkClient } from './client.js';
import { fetchDingtalkDirectory } from './directory.js';

/**
 * The `sync-org dingtalk` source: the address book read with the configured app, in the shared snapshot shape
 * (the branch mapping and the deactivation rules are applied by the shared sync step).
 */
export async function dingtalkDirectorySource(config: Readonly<Config>): Promise<DirectorySnapshot> {
  if (!config.dingtalk) throw new Error('钉钉未配置：请设置 DINGTALK_CLIENT_ID、DINGTALK_CLIENT_SECRET');
  const client = new DingtalkClient({ config: config.dingtalk, logger: createLogger({ level: 'warn' }) });
  const dir = await fetchDingtalkDirectory(config.dingtalk, client);
  const known = new Set(dir.departments.map((d) => d.id));
  return {
    platform: 'dingtalk',
    // Department 1 is the root (§6); a parent we did not read becomes no parent.
    units: dir.departments.map((d) => ({ id: d.id, name: d.name, parentId: d.parentId !== null && known.has(d.parentId) ? d.parentId : null })),
    members: dir.users.map((u) => ({ userid: u.userid, name: u.name, unitIds: u.departmentIds })),
    notes: [],
  };
}
