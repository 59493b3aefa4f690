import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import { readOrgSnapshot } from '../../db/repositories/org-import-store.js';
import type { Clock } from '../../domain/clock.js';
import { ROLE_LABELS, sortRoles } from '../../domain/org/role-names.js';
import type { OrgImportReport, OrgSnapshot, RawRow } from '../../domain/org/types.js';
import { ValidationError } from '../../errors.js';
import { importOrgFromRows } from '../../importers/import-org-file.js';
import { readTableFile } from '../../importers/read-table-file.js';
import { output, type CliCommand } from '../command.js';
import { describeOrgReport } from './import-org.js';

/**
 * `sync-org <platform>`: the organisation from the platform's address book. A platform contributes only a
 * source — `(config) => DirectorySnapshot` — and everything after it (mapping departments to 党支部, keeping
 * roles, deactivating leavers) is shared and goes through the same import as `import-org`.
 */
export interface DirectoryUnit { id: string; name: string; parentId: string | null }
export interface DirectoryMember { userid: string; name: string; unitIds: string[] }
export interface DirectorySnapshot {
  platform: 'wecom' | 'dingtalk';
  units: DirectoryUnit[];
  members: DirectoryMember[];
  /** Departments that could not be read (e.g. outside the visible range), for the report. */
  notes: string[];
}
export type DirectorySource = (config: Readonly<Config>) => Promise<DirectorySnapshot>;

/** Department (id or name) → 党支部 name, or the committee; the admin's file, else the name rule. */
export interface BranchMapping { committee?: string; departments: Map<string, string> }

/** The default rule: a department named "…党支部" (optionally with a remark in brackets, "第一党支部（办公室）") is one. */
const BRANCH_NAME = /党支部\s*(（[^（）]*）|\([^()]*\))?$/;
const COMMITTEE = '@机关党委';

export async function readBranchMapping(path: string): Promise<BranchMapping> {
  if (extname(path).toLowerCase() === '.json') {
    let doc: { committee?: unknown; departments?: unknown };
    try {
      doc = JSON.parse(await readFile(path, 'utf8')) as typeof doc;
    } catch {
      throw new ValidationError(`对照文件 ${path} 不是有效的 JSON`);
    }
    const deps = doc.departments;
    if (!deps || typeof deps !== 'object' || Array.isArray(deps)) throw new ValidationError('对照文件须有 "departments": {"部门ID或名称": "党支部名称"}');
    const entries = Object.entries(deps as Record<string, unknown>).map(([k, v]) => [k.trim(), String(v).trim()] as [string, string]);
    return { ...(typeof doc.committee === 'string' ? { committee: doc.committee.trim() } : {}), departments: new Map(entries) };
  }
  const table = await readTableFile(path);
  const map = new Map<string, string>();
  for (const r of table.rows) {
    const dep = (r.values['部门'] ?? r.values['部门ID'] ?? '').trim();
    const branch = (r.values['党支部'] ?? '').trim();
    if (!dep || !branch) throw new ValidationError(`对照文件第${r.rowNumber}行：须有“部门”和“党支部”两列`);
    map.set(dep, branch);
  }
  return { departments: map };
}

/** Which 党支部 (or the committee) each department belongs to: itself if mapped, else its nearest mapped ancestor. */
export function branchOfUnits(dir: DirectorySnapshot, mapping: BranchMapping | undefined): Map<string, string> {
  const byId = new Map(dir.units.map((u) => [u.id, u]));
  const own = (u: DirectoryUnit): string | undefined => {
    if (mapping) return mapping.departments.get(u.id) ?? mapping.departments.get(u.name);
    return BRANCH_NAME.test(u.name) ? u.name : undefined;
  };
  const out = new Map<string, string>();
  for (const u of dir.units) {
    const seen = new Set<string>();
    for (let cur: DirectoryUnit | undefined = u; cur && !seen.has(cur.id); cur = cur.parentId ? byId.get(cur.parentId) : undefined) {
      seen.add(cur.id);
      const b = own(cur);
      if (b) {
        out.set(u.id, b);
        break;
      }
    }
  }
  return out;
}

const HEADERS = ['姓名', '所在单位/支部', '党小组', '角色', '企业微信账号', '钉钉账号', '分管范围'];
const ACCOUNT_COLUMN = { wecom: '企业微信账号', dingtalk: '钉钉账号' } as const;

/**
 * Import rows: every directory member in a 党支部, plus every active person the directory does not place (so
 * only people who left the address book are deactivated). Known people keep their roles, 党小组 and other accounts.
 */
export function directoryRows(dir: DirectorySnapshot, org: OrgSnapshot, mapping: BranchMapping | undefined): { rows: RawRow[]; unplaced: number } {
  const units = new Map(org.units.map((u) => [u.id, u]));
  const committeeName = mapping?.committee ?? org.units.find((u) => u.kind === 'committee' && u.active)?.name ?? dir.units.find((u) => u.parentId === null)?.name;
  if (!committeeName) throw new ValidationError('无法确定机关党委名称：请在对照文件中写 "committee"');
  const branchOf = branchOfUnits(dir, mapping);
  const byAccount = new Map<string, OrgSnapshot['people'][number]>();
  for (const p of org.people) for (const i of p.identities) if (i.platform === dir.platform) byAccount.set(i.externalId.toLowerCase(), p);
  const rows: RawRow[] = [];
  const placed = new Set<number>();
  const row = (values: Record<string, string>) => rows.push({ rowNumber: rows.length + 2, values: Object.fromEntries(HEADERS.map((h) => [h, values[h] ?? ''])) });
  const keep = (p: OrgSnapshot['people'][number] | undefined, branch: string | undefined) => {
    const unit = p ? units.get(p.unitId) : undefined;
    const parent = unit?.parentId ? units.get(unit.parentId) : undefined;
    const roles = p ? sortRoles(p.roles.map((r) => r.role)) : [];
    const scope = p?.roles.filter((r) => r.role === 'leader' && r.scopeUnitId !== null && units.get(r.scopeUnitId)?.kind !== 'committee').map((r) => units.get(r.scopeUnitId!)!.name) ?? [];
    const sameBranch = unit?.kind === 'group' && parent?.name === branch;
    const other = p?.identities.find((i) => i.platform !== dir.platform && i.platform !== 'sandbox');
    return {
      '党小组': sameBranch ? unit!.name : '',
      '角色': roles.length > 0 ? roles.map((r) => ROLE_LABELS[r]).join('、') : ROLE_LABELS.member,
      '分管范围': scope.join('、'),
      ...(other ? { [ACCOUNT_COLUMN[other.platform as 'wecom' | 'dingtalk']]: other.externalId } : {}),
    };
  };
  let unplaced = 0;
  for (const m of dir.members) {
    const branch = m.unitIds.map((id) => branchOf.get(id)).find((b) => b !== undefined);
    if (!branch) {
      unplaced++;
      continue;
    }
    const known = byAccount.get(m.userid.toLowerCase());
    if (known) placed.add(known.id);
    const unit = branch === COMMITTEE ? committeeName : branch;
    row({ '姓名': m.name, '所在单位/支部': unit, ...keep(known, unit), [ACCOUNT_COLUMN[dir.platform]]: m.userid });
  }
  const inDirectory = new Set(dir.members.map((m) => m.userid.toLowerCase()));
  for (const p of org.people) {
    if (!p.active || placed.has(p.id)) continue;
    const account = p.identities.find((i) => i.platform === dir.platform)?.externalId;
    if (account !== undefined && !inDirectory.has(account.toLowerCase())) continue; // left: deactivated by the import
    const unit = units.get(p.unitId);
    const branchName = unit?.kind === 'group' ? units.get(unit.parentId!)?.name : unit?.kind === 'committee' ? committeeName : unit?.name;
    row({ '姓名': p.name, '所在单位/支部': branchName ?? committeeName, ...keep(p, branchName), ...(account ? { [ACCOUNT_COLUMN[dir.platform]]: account } : {}) });
  }
  return { rows, unplaced };
}

export interface SyncOrgResult { report: OrgImportReport; directory: { units: number; members: number; unplaced: number; notes: string[] } }

/** The shared apply step: directory → rows → the organisation import (all or nothing; a dry run writes nothing). */
export async function applyDirectory(database: Database, dir: DirectorySnapshot, opts: { mapping?: BranchMapping; dryRun: boolean; actor: string; clock: Clock }): Promise<SyncOrgResult> {
  const org = await readOrgSnapshot(database.db);
  const { rows, unplaced } = directoryRows(dir, org, opts.mapping);
  const report = await importOrgFromRows(database, { headers: HEADERS, rows }, { dryRun: opts.dryRun, deactivateMissing: true, actor: opts.actor, clock: opts.clock });
  if (unplaced > 0) report.notes.push(`${unplaced} 人所在部门未对应任何党支部，未导入（见对照文件或“…党支部”命名规则）`);
  report.notes.push(...dir.notes);
  return { report, directory: { units: dir.units.length, members: dir.members.length, unplaced, notes: dir.notes } };
}

/** Platform sources; DingTalk adds its own here. Loaded lazily so `--help` needs no platform code. */
export const DIRECTORY_SOURCES: Record<string, () => Promise<DirectorySource>> = {
  wecom: async () => (await import('../../../adapters/wecom/sync-org.js')).wecomDirectorySource,
  dingtalk: async () => (await import('../../../adapters/dingtalk/sync-org.js')).dingtalkDirectorySource,
};

export const syncOrgCommand: CliCommand = {
  name: 'sync-org',
  summary: '从企业微信（或钉钉）通讯录同步组织：部门对应党支部，成员与账号',
  help: `用法: npm run cli -- sync-org <wecom|dingtalk> [--dry-run] [--mapping 对照文件.json|.csv] [--json]

读取通讯录中应用可见范围内的部门和成员，按对照关系确定每个部门属于哪个党支部，再按“组织导入”的规则写入：
  - 没有对照文件时，名称以“党支部”结尾的部门即为党支部，其下级部门的成员归入该支部；
  - 对照文件 JSON：{"committee": "某某厅机关党委", "departments": {"2": "第一党支部（办公室）", "政策法规处": "第二党支部（政策法规处）", "5": "${COMMITTEE}"}}
    （键为部门 ID 或部门名称；值 ${COMMITTEE} 表示归机关党委本级）；CSV：两列“部门,党支部”；
  - 已登记人员保留角色和党小组；新成员为“党员”；通讯录中已没有的人员被停用（不删除）。

  --dry-run   只显示将要做的改动，不写入
  --mapping   部门与党支部的对照文件
  --json      以 JSON 输出报告`,
  options: { 'dry-run': { type: 'boolean' }, mapping: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx, args) {
    const platform = args.positionals[0];
    const load = platform ? DIRECTORY_SOURCES[platform] : undefined;
    if (!load) throw new ValidationError(`请指定平台：${Object.keys(DIRECTORY_SOURCES).join(' 或 ')}`);
    const mappingPath = args.values.mapping;
    const mapping = typeof mappingPath === 'string' ? await readBranchMapping(mappingPath) : undefined;
    const dir = await (await load())(ctx.config());
    const database = await ctx.database();
    const result = await applyDirectory(database, dir, { ...(mapping ? { mapping } : {}), dryRun: args.values['dry-run'] === true, actor: ctx.actor, clock: ctx.clock });
    output(ctx, args.values.json === true, result, `通讯录：部门 ${dir.units.length} 个，成员 ${dir.members.length} 人。\n${describeOrgReport(result.report)}`);
    return 0;
  },
};
