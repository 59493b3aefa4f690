import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { rows } from '../../src/db/migrate.js';
import { verifyAuditChain } from '../../src/db/repositories/audit.js';
import { createUnit, listUnits } from '../../src/db/repositories/org.js';
import {
  getPlanTree, importPlan, listAssignmentsForUnit, listPlans, loadDimensionConfig, type ImportPlanInput, type PlanTreeNode,
} from '../../src/db/repositories/plans.js';
import { ManualClock } from '../../src/domain/clock.js';
import { ValidationError } from '../../src/errors.js';
import { importOrgFromFile } from '../../src/importers/import-org-file.js';
import { readPlanFile } from '../../src/importers/read-plan-file.js';
import { auditTrail } from '../support/org.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/db.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const shared = (name: string): string => resolve(repoRoot, '../shared/fixtures/plans', name);
const local = (name: string): string => resolve(repoRoot, 'test/fixtures/plans', name);
const tmp = mkdtempSync(join(tmpdir(), 'plan-import-'));
const clock = new ManualClock('2026-03-02T01:00:00Z');
const TABLES = ['plans', 'plan_items', 'assignments', 'audit_log'] as const;

async function countRows(database: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const [r] = rows<{ n: number }>(await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)));
    out[table] = Number(r?.n ?? -1);
  }
  return out;
}

/** A copy of a shared fixture with edits applied to its text. */
function edited(name: string, edit: (text: string) => string): string {
  const path = join(tmp, name);
  writeFileSync(path, edit(readFileSync(shared(name), 'utf8')));
  return path;
}

const tasksOf = (n: PlanTreeNode): PlanTreeNode[] => (n.level === 'task' ? [n] : n.children.flatMap(tasksOf));

describe(`plan import on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  let t: TestDatabase;
  let branchIds: number[];

  async function load(path: string, extra: Partial<ImportPlanInput> = {}) {
    const file = await readPlanFile(path, { dimensions: await loadDimensionConfig(t.database.db) });
    const input: ImportPlanInput = {
      outline: file.outline, details: file.details, year: 2023, sourceName: basename(path), warnings: file.warnings, actor: 'test', clock, ...extra,
    };
    return { file, input, run: (more: Partial<ImportPlanInput> = {}) => importPlan(t.database, { ...input, ...more }) };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    await importOrgFromFile(t.database, resolve(repoRoot, 'test/fixtures/org-import-example.csv'), { actor: 'test', clock });
    branchIds = (await listUnits(t.database.db)).filter((u) => u.kind === 'branch').map((u) => u.id);
  });
  afterAll(async () => t.drop());

  it('reads the dimensions and their aliases from the dimensions table', async () => {
    expect(await loadDimensionConfig(t.database.db)).toEqual({
      names: ['政治型', '服务型', '实干型', '文明型', '廉洁型'], aliases: { 学习型: '服务型', 效能型: '实干型' },
    });
  });

  it('a dry run reports the import and writes nothing', async () => {
    const before = await countRows(t.database);
    const report = await (await load(shared('work-points-2023.txt'))).run({ dryRun: true });
    expect(report).toMatchObject({ dryRun: true, unchanged: false, planId: null, year: 2023, title: '2023年区党建工作要点', created: { items: 31, assignments: 75 } });
    expect(await countRows(t.database)).toEqual(before);
  });

  it('imports work-points-2023.txt as 6 aspects with 5, 6, 3, 3, 4, 4 tasks, fanned out to every branch', async () => {
    const before = await countRows(t.database);
    const report = await (await load(shared('work-points-2023.txt'))).run();
    expect(report).toMatchObject({
      dryRun: false, unchanged: false, year: 2023, title: '2023年区党建工作要点', sourceName: 'work-points-2023.txt',
      created: { items: 31, assignments: 75 }, updated: { items: 0 }, deactivated: { items: 0 }, branches: 3, warnings: [],
    });
    expect(report.tree.map((s) => [s.marker, s.children, s.tasks])).toEqual([['一、', 5, 5], ['二、', 6, 6], ['三、', 3, 3], ['四、', 3, 3], ['五、', 4, 4], ['六、', 4, 4]]);
    expect(report.changes[0]).toBe('新建计划：2023年《2023年区党建工作要点》');
    expect(report.changes).toContain('新增方面 一、 认真学习贯彻党的二十大精神，推进政治型机关建设');
    expect(report.changes).toContain('新增任务 一、/1. 以县处级以上领导干部为重点深入开展主题教育');
    expect(report.changes.at(-1)).toBe('分派任务 75 条（3 个党支部）');
    expect(await countRows(t.database)).toEqual({ plans: before.plans! + 1, plan_items: before.plan_items! + 31, assignments: before.assignments! + 75, audit_log: before.audit_log! + 1 });

    const tree = await getPlanTree(t.database.db, report.planId!);
    expect(tree).toMatchObject({ year: 2023, title: '2023年区党建工作要点', sourceName: 'work-points-2023.txt' });
    expect(tree.items.map((a) => [a.marker, a.level, a.dimensions, tasksOf(a).length])).toEqual([
      ['一、', 'aspect', ['政治型'], 5], ['二、', 'aspect', ['服务型', '实干型'], 6], ['三、', 'aspect', ['文明型'], 3],
      ['四、', 'aspect', ['廉洁型'], 3], ['五、', 'aspect', [], 4], ['六、', 'aspect', [], 4],
    ]);
    const first = tree.items[0]!.children[0]!;
    expect(first).toMatchObject({
      path: '一、/1.', marker: '1.', level: 'task', title: '以县处级以上领导干部为重点深入开展主题教育', dueDate: '2023-12-31', listKind: 'work',
      dimensions: ['政治型'], active: true, assignments: { total: 3, units: 3, people: 0 }, children: [],
    });
    expect(first.text).toMatch(/^把开展主题教育作为重要政治任务/);
    const tasks = tree.items.flatMap(tasksOf);
    expect(tasks.map((x) => x.marker)).toEqual(Array.from({ length: 25 }, (_, i) => `${i + 1}.`));
    expect(new Set(tasks.map((x) => x.dueDate))).toEqual(new Set(['2023-12-31']));
    expect(tasks[6]?.dimensions).toEqual(['服务型', '实干型']);
    expect(tree.items.every((a) => a.dueDate === '2023-12-31' && a.listKind === null && a.assignments.total === 0)).toBe(true);

    for (const unitId of branchIds) {
      const list = await listAssignmentsForUnit(t.database.db, unitId);
      expect(list).toHaveLength(25);
      expect(list[0]).toMatchObject({ planId: report.planId, planYear: 2023, planTitle: '2023年区党建工作要点', path: '一、/1.', level: 'task', dueDate: '2023-12-31' });
    }
    const committee = (await listUnits(t.database.db)).find((u) => u.kind === 'committee')!;
    expect(await listAssignmentsForUnit(t.database.db, committee.id)).toEqual([]);
    expect(await listAssignmentsForUnit(t.database.db, branchIds[0]!, { from: '2023-01-01', to: '2023-12-30' })).toEqual([]);
    expect(await listAssignmentsForUnit(t.database.db, branchIds[0]!, { from: '2023-12-31', to: '2023-12-31' })).toHaveLength(25);
    expect(await listPlans(t.database.db)).toEqual([expect.objectContaining({ id: report.planId, year: 2023, aspects: 6, goals: 0, tasks: 25 })]);
    expect((await auditTrail(t.database)).at(-1)).toMatchObject({ action: 'plan.import', subject_type: 'plan', subject_id: String(report.planId), actor: 'test' });
  });

  it('re-importing the same document (as .txt or .docx) changes nothing and audits nothing', async () => {
    const before = await countRows(t.database);
    for (const path of [shared('work-points-2023.txt'), local('work-points-2023.docx')]) {
      const report = await (await load(path)).run();
      expect(report).toMatchObject({ unchanged: true, changes: [], created: { items: 0, assignments: 0 }, updated: { items: 0 }, deactivated: { items: 0 } });
      expect(report.planId).toEqual(expect.any(Number));
    }
    expect(await countRows(t.database)).toEqual(before);
  });

  it('a changed file updates items in place by path, adds new ones and deactivates dropped ones', async () => {
    const changed = edited('work-points-2023.txt', (text) => `${text
      .replace('2.扎实开展“五学五比”活动。', '2.扎实开展“五学五比”主题活动。')
      .replace(/^14\. 推进共青团和青年工作.*\n/m, '')
      .trimEnd()}\n26.开展年度述职评议。11月底前完成各党支部书记述职。\n`);
    const { run } = await load(changed);
    const before = await countRows(t.database);
    const dry = await run({ dryRun: true });
    expect(await countRows(t.database)).toEqual(before);
    const report = await run();
    expect({ ...report, planId: 0 }).toEqual({ ...dry, planId: 0, dryRun: false });
    expect(report).toMatchObject({ unchanged: false, created: { items: 1, assignments: 3 }, updated: { items: 1 }, deactivated: { items: 1 } });
    expect(report.changes).toEqual([
      '新增任务 六、/26. 开展年度述职评议',
      '修改任务 一、/2. 扎实开展“五学五比”主题活动：标题“扎实开展“五学五比”活动”→“扎实开展“五学五比”主题活动”',
      '停用任务 三、/14. 推进共青团和青年工作（文件中已没有）',
      '分派任务 3 条（3 个党支部）',
    ]);
    expect(await countRows(t.database)).toEqual({ ...before, plan_items: before.plan_items! + 1, assignments: before.assignments! + 3, audit_log: before.audit_log! + 1 });
    const tree = await getPlanTree(t.database.db, report.planId!);
    expect(tree.items.map((a) => tasksOf(a).length)).toEqual([5, 6, 2, 3, 4, 5]);
    expect(tree.items[5]!.children.at(-1)).toMatchObject({ path: '六、/26.', title: '开展年度述职评议', dueDate: '2023-11-30', assignments: { units: 3 } });
    const withInactive = await getPlanTree(t.database.db, report.planId!, { includeInactive: true });
    expect(withInactive.items[2]!.children.map((c) => [c.marker, c.active])).toEqual([['12.', true], ['13.', true], ['14.', false]]);
    // A deactivated task leaves the branches' lists; its assignment rows stay.
    expect(await listAssignmentsForUnit(t.database.db, branchIds[0]!)).toHaveLength(25);

    // Back to the original: the dropped item comes back, the added one goes.
    const back = await (await load(shared('work-points-2023.txt'))).run();
    expect(back).toMatchObject({ created: { items: 0, assignments: 0 }, updated: { items: 2 }, deactivated: { items: 1 } });
    expect(back.changes).toContain('修改任务 三、/14. 推进共青团和青年工作：重新启用');
    expect((await getPlanTree(t.database.db, back.planId!)).items.map((a) => tasksOf(a).length)).toEqual([5, 6, 3, 3, 4, 4]);
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ ok: true });
  });

  it('a new branch gets every active task on the next import; nothing else changes', async () => {
    const root = (await listUnits(t.database.db)).find((u) => u.kind === 'committee')!;
    const unit = await createUnit(t.database.db, { parentId: root.id, kind: 'branch', name: '第四党支部（新设）' }, { actor: 'test', at: clock.now() });
    const report = await (await load(shared('work-points-2023.txt'))).run();
    expect(report).toMatchObject({ unchanged: false, created: { items: 0, assignments: 25 }, updated: { items: 0 }, deactivated: { items: 0 }, branches: 4 });
    expect(await listAssignmentsForUnit(t.database.db, unit.id)).toHaveLength(25);
    expect((await (await load(shared('work-points-2023.txt'))).run()).unchanged).toBe(true);
  });

  it('imports five-type-implementation-plan.txt as 7 aspects with 2, 4, 5, 5, 2, 2, 4 (aliases → dimensions)', async () => {
    const report = await (await load(shared('five-type-implementation-plan.txt'), { year: 2019 })).run({ assign: 'none' });
    expect(report).toMatchObject({ title: '加推机关“五型模范机关”的实施方案', year: 2019, created: { items: 31, assignments: 0 }, branches: 0 });
    expect(report.tree.map((s) => s.tasks)).toEqual([2, 4, 5, 5, 2, 2, 4]);
    const tree = await getPlanTree(t.database.db, report.planId!);
    expect(tree.items.map((a) => a.dimensions)).toEqual([[], ['政治型'], ['服务型'], ['服务型'], ['实干型'], ['廉洁型'], []]);
    expect(tree.items.flatMap(tasksOf).every((x) => x.assignments.total === 0 && x.dueDate === '2019-12-31')).toBe(true);
  });

  it('imports the xlsx template: list kinds, column deadlines, responsible unit by name', async () => {
    const { file, run } = await load(local('plan-template-example.xlsx'), { title: '2023年区党建工作要点（表格）' });
    const [first] = [...file.details.entries()].filter(([, d]) => d.responsibleUnit === '机关党委');
    first![1].responsibleUnit = '第一党支部(办公室)';
    const report = await run();
    expect(report).toMatchObject({ title: '2023年区党建工作要点（表格）', created: { items: 10, assignments: 8 * 4 } });
    const tree = await getPlanTree(t.database.db, report.planId!);
    const tasks = tree.items.flatMap(tasksOf);
    expect(tasks.map((x) => [x.marker, x.listKind, x.dueDate])).toEqual([
      ['1.', 'must_study', '2023-06-30'], ['2.', 'must_study', '2023-11-30'], ['3.', 'work', '2023-12-31'], ['4.', 'work', '2023-12-31'],
      ['5.', 'work', '2023-12-31'], ['12.', 'work', '2023-09-30'], ['13.', 'work', '2023-12-31'], ['14.', 'innovation', '2023-06-30'],
    ]);
    expect(tasks[0]!.responsible).toMatchObject({ unitId: branchIds[0], unitName: '第一党支部（办公室）', personId: null, text: '张三' });
    expect(tasks[2]!.responsible).toEqual({ unitId: null, unitName: null, personId: null, personName: null, text: '各党支部' });
    const assignments = await listAssignmentsForUnit(t.database.db, branchIds[0]!, { from: '2023-06-30', to: '2023-06-30' });
    expect(assignments.map((a) => [a.planTitle, a.path])).toEqual([['2023年区党建工作要点（表格）', '一、/1.'], ['2023年区党建工作要点（表格）', '三、/14.']]);
  });

  it('bad input is refused with a Chinese message and writes nothing', async () => {
    const before = await countRows(t.database);
    const { file, run } = await load(local('plan-template-example.xlsx'), { title: '坏表格' });
    for (const d of file.details.values()) if (d.listKind === '工作清单') d.listKind = '随手清单';
    const e = await run().then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).message).toMatch(/^计划有5处问题：第6行：清单类型“随手清单”无法识别/);
    await expect(run({ year: 1999 })).rejects.toThrow('计划年份“1999”不合法');
    await expect(run({ title: '', outline: { ...file.outline, title: '' }, sourceName: '' })).rejects.toThrow('计划没有标题');
    expect(await countRows(t.database)).toEqual(before);
  });
});
