import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WecomClient } from '../../adapters/wecom/client.js';
import { fetchWecomDirectory } from '../../adapters/wecom/sync-org.js';
import { applyDirectory, readBranchMapping } from '../../src/cli/commands/sync-org.js';
import { readOrgSnapshot } from '../../src/db/repositories/org-import-store.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/log.js';
import { seedDemo } from '../../src/demo.js';
import { FakeWecomApi } from '../fakes/wecom-api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/** sync-org against the fake WeCom address book (wecom.md §13), applied to the demo organisation. */
const APP = { corpId: 'wwsync', secret: 'sync-secret', agentId: 1000002 };
const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb: () => void) => cb() }) });

describe('sync-org wecom', () => {
  let fake: FakeWecomApi;
  let t: TestDatabase;
  const clock = new ManualClock('2026-11-23T01:00:00Z');
  let client: WecomClient;

  beforeAll(async () => {
    fake = await new FakeWecomApi(APP).start();
    t = await createTestDatabase();
    await seedDemo(t.database, clock);
    client = new WecomClient({ baseUrl: fake.url, corpId: APP.corpId, secret: APP.secret, logger });
    fake.directory.departments.push(
      { id: 1, name: '某某厅', parentid: 0 },
      { id: 2, name: '第一党支部（办公室）', parentid: 1 },
      { id: 3, name: '秘书科', parentid: 2 },
      { id: 4, name: '政策法规处', parentid: 1 },
      { id: 9, name: '保密室', parentid: 1 },
    );
    fake.directory.visible = new Set([1, 2, 3, 4]);
    fake.directory.users.push(
      { userid: 'wanghaifeng', name: '王海峰', department: [2] }, // secretary: keeps the role
      { userid: 'zhangwei', name: '张伟', department: [3] }, // in a sub-department: the branch above
      { userid: 'newbie', name: '钱新', department: [3] }, // new member
      { userid: 'hejianhua', name: '何建华', department: [4] }, // 政策法规处: a branch only by the mapping file
      { userid: 'ghost', name: '隐身', department: [9] }, // outside the visible range
    );
  });
  afterAll(async () => {
    await fake.stop();
    await t.drop();
  });

  it('reads departments and members within the visible range', async () => {
    const dir = await fetchWecomDirectory(client);
    expect(dir.units.map((u) => [u.id, u.name, u.parentId])).toEqual([['1', '某某厅', null], ['2', '第一党支部（办公室）', '1'], ['3', '秘书科', '2'], ['4', '政策法规处', '1']]);
    expect(dir.members.map((m) => m.userid).sort()).toEqual(['hejianhua', 'newbie', 'wanghaifeng', 'zhangwei']);
  });

  it('retries system busy (-1) while reading', async () => {
    fake.fail('/cgi-bin/department/simplelist', { errcode: -1 });
    expect((await fetchWecomDirectory(client)).units.length).toBe(4);
  });

  it('dry run with the name rule: adds the new member, deactivates leavers, writes nothing', async () => {
    const before = await readOrgSnapshot(t.database.db);
    const { report } = await applyDirectory(t.database, await fetchWecomDirectory(client), { dryRun: true, actor: 'test', clock });
    expect(report.dryRun).toBe(true);
    expect(report.created.people).toBe(1);
    // Without the mapping, 政策法规处 is no 党支部: 何建华 stays where he is; the demo people the address book lacks leave.
    expect(report.deactivated.people).toBeGreaterThan(0);
    expect((await readOrgSnapshot(t.database.db)).people.length).toBe(before.people.length);
  });

  it('applies a mapping file: keeps roles and groups, creates identities, deactivates (never deletes) leavers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wecom-map-'));
    const file = join(dir, 'map.json');
    writeFileSync(file, JSON.stringify({ departments: { '2': '第一党支部（办公室）', '政策法规处': '第二党支部（政策法规处）' } }));
    const mapping = await readBranchMapping(file);
    const before = await readOrgSnapshot(t.database.db);
    const { report } = await applyDirectory(t.database, await fetchWecomDirectory(client), { mapping, dryRun: false, actor: 'test', clock });
    expect(report.created.people).toBe(1);
    const after = await readOrgSnapshot(t.database.db);
    expect(after.people.length).toBe(before.people.length + 1); // nobody deleted
    const byName = (n: string) => after.people.find((p) => p.name === n)!;
    const unitName = (id: number) => after.units.find((u) => u.id === id)!.name;
    expect(byName('王海峰').roles.map((r) => r.role).sort()).toEqual(['member', 'secretary']);
    expect(byName('何建华').roles.map((r) => r.role).sort()).toEqual(['member', 'secretary']);
    expect(unitName(byName('张伟').unitId)).toBe('第一党小组'); // keeps the 党小组
    expect(byName('钱新')).toMatchObject({ active: true, identities: [{ platform: 'wecom', externalId: 'newbie' }] });
    expect(byName('钱新').roles.map((r) => r.role)).toEqual(['member']);
    expect(byName('赵丽娟').active).toBe(false); // not in the address book any more
    expect(byName('王海峰').active).toBe(true);
    const again = await applyDirectory(t.database, await fetchWecomDirectory(client), { mapping, dryRun: false, actor: 'test', clock });
    expect(again.report.unchanged).toBe(true);
  });
});
