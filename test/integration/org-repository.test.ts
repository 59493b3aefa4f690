import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPerson, createUnit, deactivatePerson, deactivateUnit, findPersonByIdentity, getPerson, getUnit, listPeople, listUnits, updatePerson, updateUnit,
} from '../../src/db/repositories/org.js';
import { verifyAuditChain } from '../../src/db/repositories/audit.js';
import { ConflictError, NotFoundError, ValidationError, type AppError } from '../../src/errors.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';
import { auditTrail, countOrgRows } from '../support/org.js';

const ctx = { actor: 'admin:周晓燕', at: new Date('2026-03-02T02:00:00Z') };

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe(`organisation repository on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestDatabase;
  let rootId: number;
  let b1: number;
  let b2: number;
  let g1: number;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('creates the tree: committee → branches → group, each audited', async () => {
    const db = t.database.db;
    rootId = (await createUnit(db, { parentId: null, kind: 'committee', name: ' 某某厅机关党委 ' }, ctx)).id;
    b1 = (await createUnit(db, { parentId: rootId, kind: 'branch', name: '第一党支部（办公室）' }, ctx)).id;
    b2 = (await createUnit(db, { parentId: rootId, kind: 'branch', name: '第二党支部' }, ctx)).id;
    const group = await createUnit(db, { parentId: b1, kind: 'group', name: '第一党小组' }, ctx);
    g1 = group.id;
    expect(group).toEqual({ id: g1, parentId: b1, kind: 'group', name: '第一党小组', active: true, memberCount: 0, totalMemberCount: 0 });
    expect((await listUnits(db)).map((u) => [u.name, u.parentId])).toEqual([
      ['某某厅机关党委', null], ['第一党支部（办公室）', rootId], ['第一党小组', b1], ['第二党支部', rootId],
    ]);
    const audit = await auditTrail(t.database);
    expect(audit.map((a) => [a.action, a.subject_id, a.actor])).toEqual([
      ['unit.create', String(rootId), ctx.actor], ['unit.create', String(b1), ctx.actor], ['unit.create', String(b2), ctx.actor], ['unit.create', String(g1), ctx.actor],
    ]);
  });

  it('refuses units that do not fit, and sibling names taken (ignoring bracket width)', async () => {
    const db = t.database.db;
    const before = await countOrgRows(t.database);
    const cases: [() => Promise<unknown>, typeof AppError, string][] = [
      [() => createUnit(db, { parentId: null, kind: 'committee', name: '另一个机关党委' }, ctx), ConflictError, '机关党委已存在：某某厅机关党委'],
      [() => createUnit(db, { parentId: b1, kind: 'branch', name: '子支部' }, ctx), ValidationError, '党支部只能设在机关党委下，“第一党支部（办公室）”是党支部'],
      [() => createUnit(db, { parentId: rootId, kind: 'group', name: '小组' }, ctx), ValidationError, '党小组只能设在党支部下，“某某厅机关党委”是机关党委'],
      [() => createUnit(db, { parentId: rootId, kind: 'branch', name: '第一党支部(办公室)' }, ctx), ConflictError, '“某某厅机关党委”下已有名为“第一党支部（办公室）”的单位'],
      [() => createUnit(db, { parentId: 9999, kind: 'group', name: '小组' }, ctx), NotFoundError, '上级单位不存在（id=9999）'],
      [() => createUnit(db, { parentId: rootId, kind: 'branch', name: '   ' }, ctx), ValidationError, '单位名称不能为空'],
      [() => updateUnit(db, b2, { name: '第一党支部（办公室）' }, ctx), ConflictError, '“某某厅机关党委”下已有名为“第一党支部（办公室）”的单位'],
      [() => getUnit(db, 9999), NotFoundError, '组织单位不存在（id=9999）'],
    ];
    for (const [run, type, message] of cases) {
      const e = await rejection(run());
      expect(e).toBeInstanceOf(type);
      expect(e.message).toBe(message);
    }
    expect(await countOrgRows(t.database)).toEqual(before);
  });

  it('renames a unit and moves a group to another branch', async () => {
    const db = t.database.db;
    expect(await updateUnit(db, b2, { name: '第二党支部（政策法规处）' }, ctx)).toMatchObject({ id: b2, name: '第二党支部（政策法规处）' });
    expect(await updateUnit(db, g1, { parentId: b2 }, ctx)).toMatchObject({ parentId: b2 });
    expect(await updateUnit(db, g1, { parentId: b1 }, ctx)).toMatchObject({ parentId: b1 });
    const audit = (await auditTrail(t.database)).filter((a) => a.action === 'unit.update');
    expect(audit[0]?.data).toEqual({ before: { name: '第二党支部', parentId: rootId }, after: { name: '第二党支部（政策法规处）', parentId: rootId } });
    expect(audit).toHaveLength(3);
    // No change, no audit row.
    await updateUnit(db, b2, { name: '第二党支部（政策法规处）' }, ctx);
    expect((await auditTrail(t.database)).filter((a) => a.action === 'unit.update')).toHaveLength(3);
  });

  it('creates people with default role scopes and identities; finds them by account', async () => {
    const db = t.database.db;
    const secretary = await createPerson(db, {
      name: '王 海峰', unitId: g1, mobile: '138 0000 0001', roles: [{ role: 'member' }, { role: 'secretary' }],
      identities: [{ platform: 'wecom', externalId: 'wanghaifeng' }, { platform: 'sandbox', externalId: 'sb-wang' }],
    }, ctx);
    expect(secretary).toMatchObject({
      name: '王海峰', unitId: g1, unitName: '第一党小组', unitKind: 'group', mobile: '13800000001', active: true,
      roles: [{ role: 'member', scopeUnitId: null, scopeUnitName: null }, { role: 'secretary', scopeUnitId: b1, scopeUnitName: '第一党支部（办公室）' }],
      identities: [{ platform: 'wecom', externalId: 'wanghaifeng' }, { platform: 'sandbox', externalId: 'sb-wang' }],
    });
    const leader = await createPerson(db, { name: '刘建国', unitId: rootId, roles: [{ role: 'leader' }, { role: 'leader', scopeUnitId: b2 }] }, ctx);
    expect(leader.roles).toEqual([
      { role: 'leader', scopeUnitId: rootId, scopeUnitName: '某某厅机关党委' },
      { role: 'leader', scopeUnitId: b2, scopeUnitName: '第二党支部（政策法规处）' },
    ]);
    const plain = await createPerson(db, { name: '张伟', unitId: b2, identities: [{ platform: 'dingtalk', externalId: 'dt_zhangwei' }] }, ctx);
    expect(plain.roles).toEqual([{ role: 'member', scopeUnitId: null, scopeUnitName: null }]);
    expect((await findPersonByIdentity(db, 'wecom', 'wanghaifeng'))?.id).toBe(secretary.id);
    expect((await findPersonByIdentity(db, 'dingtalk', 'dt_zhangwei'))?.name).toBe('张伟');
    expect(await findPersonByIdentity(db, 'wecom', 'nobody')).toBeUndefined();
    const audit = (await auditTrail(t.database)).filter((a) => a.action === 'person.create');
    expect(audit.map((a) => a.subject_id)).toEqual([String(secretary.id), String(leader.id), String(plain.id)]);
    expect(audit[0]?.data).toMatchObject({ name: '王海峰', unitId: g1, mobile: '13800000001' });
  });

  it('refuses bad people input and accounts in use, writing nothing', async () => {
    const db = t.database.db;
    const before = await countOrgRows(t.database);
    const invalid = await rejection(createPerson(db, { name: ' ', unitId: b1, mobile: '123', identities: [{ platform: 'wecom', externalId: 'a b' }] }, ctx));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid.message).toBe('姓名不能为空；手机号格式不正确；企业微信账号“a b”格式不正确（只能包含字母、数字和 _ - . @，最长64位）');
    const taken = await rejection(createPerson(db, { name: '冒名', unitId: b1, identities: [{ platform: 'wecom', externalId: 'wanghaifeng' }] }, ctx));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.message).toBe('企业微信账号 wanghaifeng 已被 王海峰 使用');
    expect(await rejection(createPerson(db, { name: '某人', unitId: 9999 }, ctx))).toBeInstanceOf(NotFoundError);
    const zhang = (await listPeople(db, { q: '张伟' })).items[0];
    const steal = await rejection(updatePerson(db, zhang?.id ?? 0, { identities: [{ platform: 'wecom', externalId: 'wanghaifeng' }] }, ctx));
    expect(steal.message).toBe('企业微信账号 wanghaifeng 已被 王海峰 使用');
    expect(await countOrgRows(t.database)).toEqual(before);
  });

  it('updates a person: move, roles replaced, identity changed and removed, mobile cleared', async () => {
    const db = t.database.db;
    const wang = (await listPeople(db, { q: 'wanghaifeng' })).items[0];
    expect(wang?.name).toBe('王海峰');
    const id = wang?.id ?? 0;
    const updated = await updatePerson(db, id, {
      unitId: b2, mobile: null, roles: [{ role: 'member' }, { role: 'committee_member' }],
      identities: [{ platform: 'wecom', externalId: 'wanghf' }, { platform: 'sandbox', externalId: null }, { platform: 'dingtalk', externalId: 'dt_wanghf' }],
    }, ctx);
    expect(updated).toMatchObject({
      unitId: b2, mobile: null,
      roles: [{ role: 'member', scopeUnitId: null }, { role: 'committee_member', scopeUnitId: null }],
      identities: [{ platform: 'wecom', externalId: 'wanghf' }, { platform: 'dingtalk', externalId: 'dt_wanghf' }],
    });
    const [entry] = (await auditTrail(t.database)).filter((a) => a.action === 'person.update');
    expect(entry?.data).toMatchObject({ before: { unitId: g1, mobile: '13800000001' }, after: { unitId: b2, mobile: null } });
    // The same values again: nothing written.
    const count = (await auditTrail(t.database)).length;
    await updatePerson(db, id, { unitId: b2, identities: [{ platform: 'wecom', externalId: 'wanghf' }] }, ctx);
    expect((await auditTrail(t.database)).length).toBe(count);
    expect(await findPersonByIdentity(db, 'wecom', 'wanghaifeng')).toBeUndefined();
  });

  it('lists people by unit subtree, search, paging; deactivates people and units', async () => {
    const db = t.database.db;
    const zhao = await createPerson(db, { name: '赵丽娟', unitId: g1, identities: [{ platform: 'wecom', externalId: 'zhaolijuan' }] }, ctx);
    expect((await listPeople(db, { unitId: b1 })).items.map((p) => p.name)).toEqual(['赵丽娟']);
    expect((await listPeople(db, { unitId: rootId })).total).toBe(4);
    expect((await listPeople(db, { q: 'dt_' })).items.map((p) => p.name)).toEqual(['王海峰', '张伟']);
    expect((await listPeople(db, { q: '%' })).total).toBe(0);
    const page = await listPeople(db, { limit: 2, offset: 1 });
    expect([page.total, page.items.length]).toEqual([4, 2]);

    const busy = await rejection(deactivateUnit(db, b1, ctx));
    expect(busy).toBeInstanceOf(ConflictError);
    expect(busy.message).toBe('“第一党支部（办公室）”还有 1 名在册人员，请先调整或停用这些人员');
    expect(await deactivatePerson(db, zhao.id, ctx)).toMatchObject({ active: false });
    await deactivatePerson(db, zhao.id, ctx); // already inactive: no second audit row
    expect((await listPeople(db, { unitId: b1 })).total).toBe(0);
    expect((await listPeople(db, { unitId: b1, includeInactive: true })).items.map((p) => p.name)).toEqual(['赵丽娟']);
    expect((await getPerson(db, zhao.id)).active).toBe(false);

    const withGroup = await rejection(deactivateUnit(db, b1, ctx));
    expect(withGroup.message).toBe('“第一党支部（办公室）”下还有在用的党小组：第一党小组，请先停用');
    expect(await deactivateUnit(db, g1, ctx)).toMatchObject({ active: false });
    expect(await deactivateUnit(db, b1, ctx)).toMatchObject({ active: false });
    expect((await rejection(deactivateUnit(db, rootId, ctx))).message).toBe('不能停用机关党委');
    expect((await listUnits(db)).map((u) => u.name)).toEqual(['某某厅机关党委', '第二党支部（政策法规处）']);
    expect((await listUnits(db, { includeInactive: true })).map((u) => [u.name, u.active])).toEqual([
      ['某某厅机关党委', true], ['第一党支部（办公室）', false], ['第一党小组', false], ['第二党支部（政策法规处）', true],
    ]);
    expect((await rejection(createPerson(db, { name: '新人', unitId: b1 }, ctx))).message).toBe('单位“第一党支部（办公室）”已停用');
    expect((await rejection(createUnit(db, { parentId: rootId, kind: 'branch', name: '第一党支部（办公室）' }, ctx))).message).toBe('“某某厅机关党委”下已有名为“第一党支部（办公室）”的单位（已停用）');

    const actions = (await auditTrail(t.database)).map((a) => a.action);
    expect(actions.filter((a) => a === 'person.deactivate')).toHaveLength(1);
    expect(actions.filter((a) => a === 'unit.deactivate')).toHaveLength(2);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});
