import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { DbOrTx } from '../db/client.js';
import { LIST_KIND_LABELS } from '../domain/reports/figures.js';
import {
  ACTION_LABELS, auditCheckSentence, EXTENSION_STATUS_LABELS, meetingName, pointsText, RECORDED_VIA_LABELS, ROUND_STATUS_LABELS, SCORER_ROLE_LABELS,
  SHEET_STATUS_LABELS, sheetTotal,
} from '../domain/reports/ledger.js';
import { reportTitle } from '../domain/reports/period.js';
import type { ListKind } from '../domain/reports/types.js';
import {
  auditHead, COMPLETION_BATCH, extensionRows, ledgerCounts, meetingRows, openCompletions, sheetRows, type AuditHead, type CompletionLedgerRow, type LedgerCounts,
} from './ledger-data.js';
import { agencyName, inSnapshot, sourceLabel, type ReportScope } from './year-report-data.js';
import { dateCell, DATE_FMT, DATETIME_FMT, localDateTimeCell, safeFileName, styleHeader, wallClock, wallClockText, type Column } from './year-report-style.js';

/**
 * 台账: the pack an inspection asks for, as one .xlsx — 汇总 (agency, year, scope, counts, when it was made, the
 * audit chain head and whether the chain verified, how to check it), 完成记录, 会议记录, 评分表, 延期申请. Written
 * with exceljs's streaming writer and read in one database snapshot, so a year of a large agency (hundreds of
 * thousands of completion records) neither holds every row in memory nor mixes two moments.
 */

/** Data rows per sheet, below Excel's 1 048 576 rows (header included). */
export const MAX_ROWS_PER_SHEET = 1_000_000;

export const LEDGER_SHEETS = { summary: '汇总', completions: '完成记录', meetings: '会议记录', sheets: '评分表', extensions: '延期申请' } as const;

export const SUMMARY_LABELS = {
  agency: '机关',
  year: '年度',
  scope: '范围',
  generatedAt: '导出时间',
  completions: '完成记录',
  meetings: '会议记录',
  sheets: '评分表',
  extensions: '延期申请',
  auditCount: '审计日志记录数',
  auditHead: '审计日志哈希链头',
  auditVerified: '哈希链校验',
  howToCheck: '核验方法',
  coverage: '记录范围',
} as const;

export const COMPLETION_COLUMNS: Column[] = [
  { header: '记录编号', width: 10 },
  { header: '时间', width: 17, numFmt: DATETIME_FMT },
  { header: '党支部', width: 24 },
  { header: '人员', width: 10 },
  { header: '事项', width: 40, wrap: true },
  { header: '清单类型', width: 10 },
  { header: '来源', width: 28, wrap: true },
  { header: '承担', width: 7 },
  { header: '操作', width: 7 },
  { header: '撤销的记录', width: 10 },
  { header: '登记方式', width: 10 },
  { header: '心得/佐证', width: 40, wrap: true },
  { header: '来源事件编号', width: 28 },
];

export const MEETING_COLUMNS: Column[] = [
  { header: '编号', width: 8 },
  { header: '党支部', width: 24 },
  { header: '党小组', width: 14 },
  { header: '会议', width: 14 },
  { header: '召开日期', width: 12, numFmt: DATE_FMT },
  { header: '会议记录链接', width: 36 },
  { header: '登记人', width: 10 },
  { header: '登记方式', width: 10 },
  { header: '登记时间', width: 17, numFmt: DATETIME_FMT },
  { header: '来源事件编号', width: 28 },
];

export const SHEET_COLUMNS: Column[] = [
  { header: '轮次编号', width: 8 },
  { header: '轮次', width: 24, wrap: true },
  { header: '轮次状态', width: 10 },
  { header: '评分人', width: 10 },
  { header: '角色', width: 12 },
  { header: '评分人所在支部', width: 22 },
  { header: '被评支部', width: 22 },
  { header: '状态', width: 8 },
  { header: '总分', width: 8 },
  { header: '提交时间', width: 17, numFmt: DATETIME_FMT },
  { header: '最后保存', width: 17, numFmt: DATETIME_FMT },
  { header: '修改次数', width: 8 },
  { header: '逐项得分', width: 60, wrap: true },
  { header: '评语', width: 36, wrap: true },
];

export const EXTENSION_COLUMNS: Column[] = [
  { header: '申请编号', width: 8 },
  { header: '申请时间', width: 17, numFmt: DATETIME_FMT },
  { header: '党支部', width: 24 },
  { header: '申请人', width: 10 },
  { header: '事项', width: 36, wrap: true },
  { header: '原截止日期', width: 12, numFmt: DATE_FMT },
  { header: '申请延至', width: 12, numFmt: DATE_FMT },
  { header: '理由', width: 30, wrap: true },
  { header: '状态', width: 8 },
  { header: '审批人', width: 10 },
  { header: '审批时间', width: 17, numFmt: DATETIME_FMT },
  { header: '审批意见', width: 24, wrap: true },
  { header: '来源事件编号', width: 28 },
];

export interface LedgerQuery {
  year: number;
  scope: ReportScope;
  now: Date;
  timezone: string;
  /** Completion records per sheet (default MAX_ROWS_PER_SHEET; smaller in tests). */
  maxRowsPerSheet?: number;
}

export interface LedgerSummary {
  year: number;
  title: string;
  agency: string;
  scope: string;
  generatedAt: string;
  counts: LedgerCounts;
  audit: AuditHead;
}

export function ledgerFileName(year: number, scope: ReportScope): string {
  return `${safeFileName(`${reportTitle('ledger', year)}${scope.branchIds === 'all' ? '' : `-${scope.label.slice(0, 40)}`}`)}.xlsx`;
}

/** The summary alone (counts and chain head), for `--json` and the API's summary endpoint. */
export async function ledgerSummary(db: DbOrTx, q: LedgerQuery): Promise<LedgerSummary> {
  return inSnapshot(db, (tx) => summaryOf(tx, q));
}

async function summaryOf(tx: DbOrTx, q: LedgerQuery): Promise<LedgerSummary> {
  return {
    year: q.year,
    title: reportTitle('ledger', q.year),
    agency: await agencyName(tx),
    scope: q.scope.label,
    generatedAt: q.now.toISOString(),
    counts: await ledgerCounts(tx, q.year, q.scope, q.timezone),
    audit: await auditHead(tx),
  };
}

/** Writes the workbook to `out` (a file or a buffer); returns what its summary sheet says. */
export async function writeLedger(db: DbOrTx, q: LedgerQuery, out: Writable): Promise<LedgerSummary> {
  return inSnapshot(db, async (tx) => {
    const summary = await summaryOf(tx, q);
    // Inline strings: a shared-string table would keep every distinct text (event ids, evidence) in memory.
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
    workbook.creator = '党建助手';
    workbook.title = summary.title;
    workbook.created = q.now;
    // Sheets are written one after the other, each committed before the next begins.
    await summarySheet(workbook, summary, q);
    // An Excel sheet holds 1 048 576 rows: a larger year continues on 完成记录(2), (3) ….
    const perSheet = q.maxRowsPerSheet ?? MAX_ROWS_PER_SHEET;
    const completions = await openCompletions(tx, q.year, q.scope, q.timezone);
    for (let part = 1, more = true; more; part++) {
      await table(workbook, part === 1 ? LEDGER_SHEETS.completions : `${LEDGER_SHEETS.completions}(${part})`, COMPLETION_COLUMNS, async (add) => {
        for (let written = 0; written < perSheet; ) {
          const batch = await completions.next(Math.min(COMPLETION_BATCH, perSheet - written));
          if (batch.length === 0) {
            more = false;
            return;
          }
          for (const r of batch) add(completionCells(r));
          written += batch.length;
        }
      });
    }
    await completions.close();
    const meetings = await meetingRows(tx, q.year, q.scope, q.timezone);
    await table(workbook, LEDGER_SHEETS.meetings, MEETING_COLUMNS, (add) => {
      for (const m of meetings) {
        add([
          m.id, m.branch ?? '机关党委', m.unit, meetingName(m.kind), dateCell(m.heldOn), m.minutesUrl, m.recordedBy, RECORDED_VIA_LABELS[m.via] ?? m.via,
          localDateTimeCell(m.recordedAt), m.sourceEventId,
        ]);
      }
    });
    const { sheets, schemes } = await sheetRows(tx, q.year, q.scope, q.timezone);
    await table(workbook, LEDGER_SHEETS.sheets, SHEET_COLUMNS, (add) => {
      for (const s of sheets) {
        const scheme = schemes.get(s.roundId) ?? null;
        add([
          s.roundId, s.round, ROUND_STATUS_LABELS[s.roundStatus], s.scorer, s.role ? SCORER_ROLE_LABELS[s.role] : null,
          s.role === null ? null : (s.scorerBranch ?? '机关党委'), s.target, SHEET_STATUS_LABELS[s.status], sheetTotal(scheme, s.totalCents, s.entries),
          localDateTimeCell(s.submittedAt), localDateTimeCell(s.updatedAt), s.revision, pointsText(scheme, s.entries) || null, s.comment,
        ]);
      }
    });
    const extensions = await extensionRows(tx, q.year, q.scope, q.timezone);
    await table(workbook, LEDGER_SHEETS.extensions, EXTENSION_COLUMNS, (add) => {
      for (const e of extensions) {
        add([
          e.id, localDateTimeCell(e.createdAt), e.branch ?? '机关党委', e.person, e.item, dateCell(e.dueBefore), dateCell(e.requestedUntil), e.reason,
          EXTENSION_STATUS_LABELS[e.status], e.decidedBy, localDateTimeCell(e.decidedAt), e.decisionNote, e.sourceEventId,
        ]);
      }
    });
    await workbook.commit();
    return summary;
  });
}

/** The workbook as bytes (the admin API and the H5 download send it whole). */
export async function ledgerBuffer(db: DbOrTx, q: LedgerQuery): Promise<{ bytes: Buffer; summary: LedgerSummary }> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const summary = await writeLedger(db, q, sink);
  return { bytes: Buffer.concat(chunks), summary };
}

type Add = (values: unknown[]) => void;

/**
 * One sheet with a frozen, styled header row; `fill` adds the rows (each committed at once). Every cell of a
 * column shares one style object: exceljs caches a style by object identity, so a year's hundreds of thousands of
 * rows cost no more than unstyled ones (a fresh style per cell would be serialised per cell, about twice the time).
 */
async function table(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: readonly Column[], fill: (add: Add) => void | Promise<void>): Promise<void> {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  styleHeader(ws.getRow(1));
  ws.getRow(1).commit();
  const styles = columns.map((c): Partial<ExcelJS.Style> => ({
    ...(c.numFmt ? { numFmt: c.numFmt } : {}),
    ...(c.wrap ? { alignment: { wrapText: true, vertical: 'top' } } : {}),
  }));
  await fill((values) => {
    const row = ws.addRow(values);
    row.eachCell({ includeEmpty: true }, (cell, n) => {
      const style = styles[n - 1];
      if (style) cell.style = style;
    });
    row.commit();
  });
  ws.commit();
}

function summarySheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, s: LedgerSummary, q: LedgerQuery): Promise<void> {
  const L = SUMMARY_LABELS;
  const c = s.counts;
  const audit = s.audit;
  const verified = audit.count === 0
    ? '审计日志为空'
    : audit.verified
      ? `通过：从第一条记录起重新计算 ${audit.count} 条记录的哈希，与保存的哈希一致`
      : `未通过：第 ${audit.brokenAt} 号记录起重新计算的哈希与保存的不一致，请立即核查`;
  return table(workbook, LEDGER_SHEETS.summary, [
    { header: '项目', width: 18 },
    { header: '内容', width: 72, wrap: true },
    { header: '说明', width: 44, wrap: true },
  ], (add) => {
    add([L.agency, s.agency, null]);
    add([L.year, `${s.year}年`, null]);
    add([L.scope, s.scope, null]);
    add([L.generatedAt, wallClockText(wallClock(q.now, q.timezone)), `时区 ${q.timezone}`]);
    add([L.completions, c.completions + c.revocations, `完成 ${c.completions} 条，撤销 ${c.revocations} 条（见“${LEDGER_SHEETS.completions}”）`]);
    add([L.meetings, c.meetings, `见“${LEDGER_SHEETS.meetings}”`]);
    add([L.sheets, c.sheets, `${c.rounds} 轮互观互检（见“${LEDGER_SHEETS.sheets}”）`]);
    add([L.extensions, c.extensions, `见“${LEDGER_SHEETS.extensions}”`]);
    add([L.auditCount, audit.count, audit.headId !== null ? `截至导出时；链头为第 ${audit.headId} 号记录` : null]);
    add([L.auditHead, audit.head ?? '（无）', 'SHA-256，十六进制']);
    add([L.auditVerified, verified, null]);
    add([L.howToCheck, audit.head ? auditCheckSentence(audit.head) : '审计日志为空，无需核验。', null]);
    add([
      L.coverage,
      `完成记录：${s.year}年计划任务和${s.year}年各月主题必学内容的全部完成与撤销记录（含已停用的人员和事项）；会议记录：${s.year}年内召开的会议；` +
        `评分表：${s.year}年内开始的互观互检轮次的全部评分表（含草稿）；延期申请：${s.year}年事项的全部延期申请。`,
      s.scope === '全部党支部' ? '机关党委直属人员的记录，党支部一栏为“机关党委”' : '仅限上述党支部',
    ]);
  });
}

/** One 完成记录 row (exported for the tests). */
export function completionCells(r: CompletionLedgerRow): unknown[] {
  return [
    r.id,
    localDateTimeCell(r.at),
    r.branch ?? '机关党委',
    r.person,
    r.itemActive ? r.item : `${r.item}（已停用）`,
    r.listKind ? (LIST_KIND_LABELS[r.listKind as ListKind] ?? r.listKind) : null,
    sourceLabel(r.source, r.topic),
    r.assignee === 'unit' ? '支部' : '本人',
    ACTION_LABELS[r.action],
    r.revokesId,
    RECORDED_VIA_LABELS[r.via] ?? r.via,
    r.evidence,
    r.sourceEventId,
  ];
}
