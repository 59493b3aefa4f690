import { describe, expect, it } from 'vitest';
import { planImport } from '../../src/domain/org/plan-import.js';
import type { ImportRow, OrgSnapshot, SnapshotPerson } from '../../src/domain/org/types.js';

function r(rowNumber: number, name: string, unitName: string, extra: Partial<ImportRow> = {}): ImportRow {
  const account = extra.accounts ?? { wecom: `wx_${rowNumber}`, dingtalk: null };
  return { rowNumber, name, unitName, groupName: null, roles: ['member'], mobile: null, leaderScope: [], ...extra, accounts: account };
}

const EMPTY: OrgSnapshot = { units: [], people: [] };

/** 机关党委(1) → 第一党支部(2) → 第一党小组(4); 第二党支部(3); people 10 张三 (branch 2, secretary), 11 李四 (group 4). */
function stored(): OrgSnapshot {
  const person = (id: number, name: string, unitId: number, extra: Partial<SnapshotPerson> = {}): SnapshotPerson => ({
    id, name, unitId, mobile: null, active: true, roles: [{ role: 'member', scopeUnitId: null }], identities: [{ platform: 'wecom', externalId: `wx_${name}` }], ...extra,
  });
  return {
    units: [
      { id: 1, parentId: null, kind: 'committee', name: '某某厅机关党委', active: true },
      { id: 2, parentId: 1, kind: 'branch', name: '第一党支部', active: true },
      { id: 3, parentId: 1, kind: 'branch', name: '第二党支部', active: true },
      { id: 4, parentId: 2, kind: 'group', name: '第一党小组', active: true },
      { id: 5, parentId: 1, kind: 'branch', name: '第三党支部', active: false },
    ],
    people: [
      person(10, '张三', 2, { roles: [{ role: 'member', scopeUnitId: null }, { role: 'secretary', scopeUnitId: 2 }], identities: [{ platform: 'wecom', externalId: 'zhangsan' }, { platform: 'sandbox', externalId: 'sb1' }] }),
      person(11, '李四', 4, { mobile: '13800000000', identities: [{ platform: 'dingtalk', externalId: 'dt_lisi' }] }),
      person(12, '王五', 3),
      person(13, '赵六', 3, { active: false }),
    ],
  };
}

describe('planImport on an empty database', () => {
  it('creates the root from the file, branches, groups, people, scoped roles', () => {
    const rows = [
      r(2, '刘一', '某某厅机关党委', { roles: ['member', 'leader'] }),
      r(3, '陈二', '第一党支部', { roles: ['member', 'secretary'], groupName: null }),
      r(4, '张三', '第一党支部', { groupName: '第一党小组', accounts: { wecom: 'zhangsan', dingtalk: 'dt_zhangsan' }, mobile: '13800000001' }),
      r(5, '李四', '第二党支部', { roles: ['member', 'leader'], leaderScope: ['第一党支部', '第二党支部'] }),
    ];
    const { plan, report, errors } = planImport(EMPTY, rows);
    expect(errors).toEqual([]);
    expect(plan.unitsToCreate).toEqual([
      { key: 'root', kind: 'committee', name: '某某厅机关党委', parentKey: null },
      { key: 'branch:第一党支部', kind: 'branch', name: '第一党支部', parentKey: 'root' },
      { key: 'group:第一党支部\u001f第一党小组', kind: 'group', name: '第一党小组', parentKey: 'branch:第一党支部' },
      { key: 'branch:第二党支部', kind: 'branch', name: '第二党支部', parentKey: 'root' },
    ]);
    expect(plan.peopleToCreate.map((p) => [p.name, p.unitKey, p.roles])).toEqual([
      ['刘一', 'root', [{ role: 'member', scopeKey: null }, { role: 'leader', scopeKey: 'root' }]],
      ['陈二', 'branch:第一党支部', [{ role: 'member', scopeKey: null }, { role: 'secretary', scopeKey: 'branch:第一党支部' }]],
      ['张三', 'group:第一党支部\u001f第一党小组', [{ role: 'member', scopeKey: null }]],
      ['李四', 'branch:第二党支部', [{ role: 'member', scopeKey: null }, { role: 'leader', scopeKey: 'branch:第一党支部' }, { role: 'leader', scopeKey: 'branch:第二党支部' }]],
    ]);
    expect(plan.peopleToCreate[2]).toMatchObject({ mobile: '13800000001', identities: [{ platform: 'wecom', externalId: 'zhangsan' }, { platform: 'dingtalk', externalId: 'dt_zhangsan' }] });
    expect(report).toEqual({
      dryRun: false, unchanged: false, rows: 4,
      created: { units: 4, people: 4, roles: 8, identities: 5 },
      updated: { people: 0, units: 0 }, deactivated: { people: 0 }, notInFile: 0,
      changes: [
        '新增机关党委：某某厅机关党委', '新增党支部：第一党支部', '新增党小组：第一党支部/第一党小组', '新增党支部：第二党支部',
        '新增人员：刘一（某某厅机关党委）', '新增人员：陈二（第一党支部）', '新增人员：张三（第一党支部/第一党小组）', '新增人员：李四（第二党支部）',
      ],
      notes: [],
    });
  });

  it('names the root 机关党委 when the file lists only branches', () => {
    const { plan, errors } = planImport(EMPTY, [r(2, '张三', '第一党支部'), r(3, '李四', '机关党委')]);
    expect(errors).toEqual([]);
    expect(plan.unitsToCreate[0]).toEqual({ key: 'root', kind: 'committee', name: '机关党委', parentKey: null });
    expect(plan.peopleToCreate[1]?.unitKey).toBe('root');
  });

  it('treats （） and () as the same branch and keeps the first spelling', () => {
    const { plan } = planImport(EMPTY, [r(2, '张三', '第一党支部（办公室）'), r(3, '李四', '第一党支部(办公室)')]);
    expect(plan.unitsToCreate.map((u) => u.name)).toEqual(['机关党委', '第一党支部（办公室）']);
    expect(new Set(plan.peopleToCreate.map((p) => p.unitKey)).size).toBe(1);
  });

  it('reports problems that need the whole file: two root names, a group under the root, an unknown scope', () => {
    const { errors } = planImport(EMPTY, [
      r(2, '张三', '某某厅机关党委'),
      r(3, '李四', '某某局机关党委'),
      r(4, '王五', '某某厅机关党委', { groupName: '第一党小组' }),
      r(5, '赵六', '第一党支部', { roles: ['leader'], leaderScope: ['第一党支部', '第九党支部'] }),
    ]);
    expect(errors).toEqual([
      { row: 3, message: '第3行：机关党委名称“某某局机关党委”与第2行的“某某厅机关党委”不一致' },
      { row: 4, message: '第4行：党小组“第一党小组”只能设在党支部下，不能直接设在机关党委下' },
      { row: 5, message: '第5行：分管范围中的“第九党支部”不是现有的党支部，文件中也没有' },
    ]);
  });
});

describe('planImport against a stored organisation', () => {
  const same = (): ImportRow[] => [
    r(2, '张三', '第一党支部', { roles: ['member', 'secretary'], accounts: { wecom: 'zhangsan', dingtalk: null } }),
    r(3, '李四', '第一党支部', { groupName: '第一党小组', accounts: { wecom: null, dingtalk: 'dt_lisi' } }),
    r(4, '王五', '第二党支部', { accounts: { wecom: 'wx_王五', dingtalk: null } }),
  ];

  it('the same content is unchanged (an empty mobile keeps the stored one)', () => {
    const { plan, report, errors } = planImport(stored(), same());
    expect(errors).toEqual([]);
    expect(report.unchanged).toBe(true);
    expect(report.changes).toEqual([]);
    expect(report.notes).toEqual(['文件与现有组织一致，没有需要改动的内容']);
    expect(plan.peopleToUpdate).toEqual([]);
  });

  it('matches by account, then by name within the branch; updates unit, roles, identities; revives a branch', () => {
    const rows = same();
    rows[0] = r(2, '张三', '第二党支部', { roles: ['member'], accounts: { wecom: 'zhangsan', dingtalk: 'dt_zhangsan' } });
    rows[1] = r(3, '李四', '第一党支部', { groupName: '第一党小组', accounts: { wecom: 'lisi', dingtalk: null }, mobile: '13900000000' });
    rows.push(r(5, '钱七', '第三党支部', { roles: ['member', 'committee_member'] }));
    const { plan, report, errors } = planImport(stored(), rows, { dryRun: true });
    expect(errors).toEqual([]);
    expect(plan.unitsToReactivate).toEqual([5]);
    expect(plan.peopleToUpdate.map((u) => [u.personId, u.unitKey, u.roles, u.identities])).toEqual([
      [10, 'branch:第二党支部', [{ role: 'member', scopeKey: null }], [{ platform: 'dingtalk', externalId: 'dt_zhangsan' }]],
      [11, 'group:第一党支部\u001f第一党小组', null, [{ platform: 'wecom', externalId: 'lisi' }]],
    ]);
    expect(report.changes).toEqual([
      '恢复党支部：第三党支部',
      '更新人员：张三：所在单位 第一党支部 → 第二党支部；角色 党员、支部书记 → 党员；钉钉账号 （空） → dt_zhangsan',
      '更新人员：李四：手机号 13800000000 → 13900000000；企业微信账号 （空） → lisi',
      '新增人员：钱七（第三党支部）',
    ]);
    expect(report).toMatchObject({ dryRun: true, unchanged: false, created: { units: 0, people: 1, roles: 2, identities: 3 }, updated: { people: 2, units: 1 }, notInFile: 0 });
    expect(report.notes).toEqual(['试运行：没有写入任何数据']);
  });

  it('counts people not in the file, or deactivates them; an inactive person in the file is revived', () => {
    const rows = [same()[0] as ImportRow, r(4, '赵六', '第二党支部', { accounts: { wecom: 'wx_赵六', dingtalk: null } })];
    const kept = planImport(stored(), rows);
    expect(kept.report.notInFile).toBe(2);
    expect(kept.report.notes).toEqual(['2 人不在文件中，未改动']);
    expect(kept.report.changes).toEqual(['更新人员：赵六：重新启用']);
    const gone = planImport(stored(), rows, { deactivateMissing: true });
    expect(gone.plan.peopleToDeactivate).toEqual([11, 12]);
    expect(gone.report.changes).toEqual(['更新人员：赵六：重新启用', '停用人员：李四（第一党支部/第一党小组）', '停用人员：王五（第二党支部）']);
    expect(gone.report.notes).toEqual(['2 人不在文件中，已停用']);
  });

  it('refuses an account that stays with another person, allows one that moves', () => {
    const taken = planImport(stored(), [r(2, '新人', '第一党支部', { accounts: { wecom: 'zhangsan', dingtalk: 'dt_new' } }), r(3, '李四', '第一党支部', { accounts: { wecom: 'wx_李四', dingtalk: null } })]);
    // The WeCom account decides: 新人 is the stored 张三 renamed.
    expect(taken.errors).toEqual([]);
    expect(taken.plan.peopleToUpdate[0]).toMatchObject({ personId: 10, name: '新人' });

    const clash = planImport(stored(), [r(2, '王五', '第二党支部', { accounts: { wecom: 'wx_王五', dingtalk: 'dt_lisi' } })]);
    expect(clash.errors).toEqual([{ row: 2, message: '第2行：钉钉账号 dt_lisi 已被 李四（第一党支部/第一党小组）使用' }]);

    const moved = planImport(stored(), [
      r(2, '王五', '第二党支部', { accounts: { wecom: 'wx_王五', dingtalk: 'dt_lisi' } }),
      r(3, '李四', '第一党支部', { groupName: '第一党小组', accounts: { wecom: 'wx_李四', dingtalk: 'dt_lisi2' } }),
    ]);
    expect(moved.errors).toEqual([]);
  });

  it('refuses a root name that differs from the stored one', () => {
    const { errors } = planImport(stored(), [r(2, '张三', '某某局机关党委', { accounts: { wecom: 'zhangsan', dingtalk: null } })]);
    expect(errors).toEqual([{ row: 2, message: '第2行：所在单位/支部“某某局机关党委”与现有机关党委“某某厅机关党委”名称不一致' }]);
  });

  it('is deterministic', () => {
    const rows = [...same(), r(5, '钱七', '第四党支部')];
    expect(planImport(stored(), rows)).toEqual(planImport(stored(), rows));
  });
});
