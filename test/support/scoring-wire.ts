import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';
import { saveScheme } from '../../src/db/repositories/scoring-admin.js';
import type { Clock } from '../../src/domain/clock.js';
import { DEMO_COMMITTEE_NAME, DEMO_HEADERS } from '../../src/domain/org/demo-org.js';
import type { RawRow } from '../../src/domain/org/types.js';
import { requireScheme, schemeFromJson } from '../../src/domain/scoring/scheme.js';
import { importOrgFromRows } from '../../src/importers/import-org-file.js';

/**
 * Data for 互观互检 over the platforms' wire protocols (test/integration/scoring-platforms.test.ts): the small
 * schemes a quick-score card can carry, and a bigger organisation imported through the real org importer.
 */

/** One 正向打分 item 0–9: a quick-score card with one selector (WeCom: button_selection, ≤ 10 options). */
export const ONE_ITEM_SCHEME = {
  name: '支部工作简表',
  total: 9,
  categories: [{ name: '综合评价', max: 9, items: [{ id: 'q1', name: '支部工作总体评价', kind: 'plus', max: 9, required: true }] }],
};

/** Three 正向打分 items 0–5: the largest quick-score card (WeCom: three selectors, multiple_interaction). */
export const THREE_ITEM_SCHEME = {
  name: '支部工作综合评价（三项）',
  total: 15,
  categories: [{ name: '综合评价', max: 15, items: [
    { id: 'q1', name: '组织生活', kind: 'plus', max: 5, required: true },
    { id: 'q2', name: '学习教育', kind: 'plus', max: 5, required: true },
    { id: 'q3', name: '作风建设', kind: 'plus', max: 5, required: true },
  ] }],
};

export async function importSchemes(database: Database, clock: Clock): Promise<void> {
  // The three-item scheme first, so "方案：简表" (matched by name) can only mean the one-item scheme.
  for (const json of [THREE_ITEM_SCHEME, ONE_ITEM_SCHEME]) {
    await saveScheme(database.db, requireScheme(schemeFromJson(json)), { actor: 'test', at: clock.now() });
  }
}

/** Seven more branches (第六…第十二), each with a 支部书记 reachable on WeCom and DingTalk: twelve branches in all. */
export const EXTRA_BRANCHES: readonly { branch: string; secretary: string; account: string }[] = [
  { branch: '第六党支部（人事处）', secretary: '钱卫东', account: 'qianweidong' },
  { branch: '第七党支部（信息中心）', secretary: '孔令辉', account: 'konglinghui' },
  { branch: '第八党支部（法规审核处）', secretary: '严晓华', account: 'yanxiaohua' },
  { branch: '第九党支部（监督检查处）', secretary: '陶志刚', account: 'taozhigang' },
  { branch: '第十党支部（审计处）', secretary: '戴美玲', account: 'daimeiling' },
  { branch: '第十一党支部（宣传处）', secretary: '范建平', account: 'fanjianping' },
  { branch: '第十二党支部（后勤保障处）', secretary: '邹玉兰', account: 'zouyulan' },
];

/** Imports EXTRA_BRANCHES (a secretary and one member each) through the production org importer; others unchanged. */
export async function importExtraBranches(database: Database, clock: Clock): Promise<void> {
  const people: [name: string, account: string, unit: string, roles: string][] = EXTRA_BRANCHES.flatMap((b, i) => [
    [b.secretary, b.account, b.branch, '党员、支部书记'],
    [`党员${'甲乙丙丁戊己庚'[i]}`, `member${i + 6}`, b.branch, '党员'],
  ]);
  const rowsIn: RawRow[] = people.map(([name, account, unit, roles], i) => ({
    rowNumber: i + 2,
    values: { 姓名: name, '所在单位/支部': unit, 党小组: '', 角色: roles, 企业微信账号: account, 钉钉账号: `dt_${account}`, 分管范围: '' },
  }));
  // The importer needs to know which 机关党委 the branches belong to: the demo one, named on one row.
  rowsIn.push({ rowNumber: rowsIn.length + 2, values: { 姓名: '周晓燕', '所在单位/支部': DEMO_COMMITTEE_NAME, 党小组: '', 角色: '党员、党务干部', 企业微信账号: 'zhouxiaoyan', 钉钉账号: 'dt_zhouxiaoyan', 分管范围: '' } });
  await importOrgFromRows(database, { headers: [...DEMO_HEADERS], rows: rowsIn }, { actor: 'test', clock });
}

/** Active 党支部 in org order: id and name. */
export async function branchList(database: Database): Promise<{ id: number; name: string }[]> {
  return rows<{ id: number; name: string }>(await database.db.execute(sql`select id, name from org_units where kind = 'branch' and active order by id`));
}
