import { DIGEST_EXCEPTION_BYTES } from '../../../cards/builders/digest.js';
import { escapeMarkdown } from '../../../cards/markdown.js';
import { utf8Bytes } from '../../../cards/utf8.js';
import { localDate } from '../calendar.js';
import type { BranchFigures, CadenceGap, DigestChanges, DigestFigures } from './types.js';

/** What the card says, in Chinese, exceptions first. Pure: the card builder only lays it out. */
export interface DigestContent {
  /** Nothing needs attention: the card is one line ("一切正常"), or nothing if the leader opted out. */
  quiet: boolean;
  /** Exceptions in all: branches with overdue items, items due soon, cadence gaps, scoring rounds waiting. */
  attention: number;
  /** One short sentence each; long lists end with "另有 …，见详情". */
  exceptions: string[];
  branchHeading: string;
  branchLines: string[];
  /** "合计：本月完成 320/400（80%）". */
  summary: string;
  changes: string[];
}

export const LIMITS = { overdueBranches: 5, dueSoonItems: 3, cadenceLines: 4, branchLines: 8, changedBranches: 3, changeLines: 3 } as const;

/** "11月8日". */
export const monthDay = (date: string): string => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
/** "11月18日（周三）". */
export const dayLabel = (date: string): string => `${monthDay(date)}（周${WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]}）`;
/** Percent rounded down, so 399/400 never reads 100%. */
export const percent = (done: number, total: number): string => (total === 0 ? '—' : `${Math.floor((done * 100) / total)}%`);

export function digestContent(f: DigestFigures, changes: DigestChanges | null, timezone: string): DigestContent {
  const names = new Map(f.branches.map((b) => [b.branchId, b.name]));
  const exceptions = fitGroups([overdueGroup(f.branches), dueSoonGroup(f, names), cadenceGroup(f.cadence), scoringGroup(f, timezone)], DIGEST_EXCEPTION_BYTES);
  const attention = f.totals.overdueBranches + f.dueSoon.length + f.cadence.length + f.scoring.length;
  const { heading, lines } = branchLines(f.branches);
  return {
    quiet: attention === 0,
    attention,
    exceptions,
    branchHeading: heading,
    branchLines: lines,
    summary: `合计：本月完成 ${f.totals.monthDone}/${f.totals.monthTotal}（${percent(f.totals.monthDone, f.totals.monthTotal)}）`,
    changes: changes ? changeLines(changes) : [],
  };
}

/** One kind of exception: a line per branch, item, meeting or round, and what to say about the ones left out. */
interface Group {
  lines: string[];
  /** How many there are in all (the card never has more than LIMITS lines of a kind). */
  total: number;
  more: (omitted: number) => string;
}

/**
 * Exceptions within the card's room, fairly: every kind gets its first line before any gets a second, so a day
 * with a hundred late branches still shows the meeting not held and the round waiting. Within a kind the most
 * pressing come first; what is left out is counted ("另有 …，见详情").
 */
function fitGroups(groups: Group[], budget: number): string[] {
  // As the card shows them: "! " in front, one per line.
  const measure = (t: string): number => utf8Bytes(escapeMarkdown(`! ${t}`)) + 1;
  const render = (shown: number[]): string[] =>
    groups.flatMap((g, i) => [...g.lines.slice(0, shown[i]), ...(shown[i]! < g.total ? [g.more(g.total - shown[i]!)] : [])]);
  const cost = (shown: number[]): number => render(shown).reduce((n, t) => n + measure(t), 0);
  const shown = groups.map(() => 0);
  for (let grew = true; grew; ) {
    grew = false;
    for (let i = 0; i < groups.length; i++) {
      if (shown[i]! >= groups[i]!.lines.length) continue;
      shown[i]!++;
      if (cost(shown) <= budget) grew = true;
      else shown[i]!--;
    }
  }
  return render(shown);
}

function overdueGroup(branches: readonly BranchFigures[]): Group {
  const late = branches.filter((b) => b.overdue > 0).sort((a, b) => b.overdue - a.overdue);
  const lines = late.slice(0, LIMITS.overdueBranches).map((b) => {
    const items = b.overdueItems > 1 && b.overdueItems !== b.overdue ? `（涉及 ${b.overdueItems} 个事项）` : '';
    const oldest = b.oldestOverdue ? `，最早“${b.oldestOverdue.title}”（${monthDay(b.oldestOverdue.due)}到期）` : '';
    return `${b.name}：逾期 ${b.overdue} 项${items}${oldest}`;
  });
  return { lines, total: late.length, more: (n) => `另有 ${n} 个支部有逾期事项，见详情` };
}

function dueSoonGroup(f: DigestFigures, names: Map<number, string>): Group {
  const lines = f.dueSoon.slice(0, LIMITS.dueSoonItems).map((it) => {
    const where = it.branchIds.length === 1 ? (names.get(it.branchIds[0]!) ?? '') : `${it.branchIds.length} 个支部`;
    return `即将到期：“${it.title}”${monthDay(it.due)}到期，尚有 ${it.open} 项未完成（${where}）`;
  });
  return { lines, total: f.dueSoon.length, more: (n) => `另有 ${n} 个事项${monthDay(f.dueSoonUntil)}前到期，见详情` };
}
/** "2026-10" → "10月", "2026-Q3" → "第三季度", "2025" → "2025年度". */
export function periodLabel(period: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return `${q[1]}年第${'一二三四'[Number(q[2]) - 1]}季度`;
  if (/^\d{4}-\d{2}$/.test(period)) return `${Number(period.slice(5))}月`;
  return `${period}年度`;
}

function cadenceGroup(gaps: readonly CadenceGap[]): Group {
  const groups = new Map<string, CadenceGap[]>();
  for (const g of gaps) {
    const k = `${g.kind}|${g.period}`;
    groups.set(k, [...(groups.get(k) ?? []), g]);
  }
  const all = [...groups.values()];
  const lines = all.slice(0, LIMITS.cadenceLines).map((gs) => {
    const first = gs[0]!;
    const who = gs.length <= 3 ? gs.map((g) => g.branchName).join('、') : `${gs.slice(0, 2).map((g) => g.branchName).join('、')} 等 ${gs.length} 个支部`;
    return `组织生活：${periodLabel(first.period)}${first.meeting}未登记召开（${who}）`;
  });
  return { lines, total: all.length, more: (n) => `另有 ${n} 类组织生活未按期登记，见详情` };
}

function scoringGroup(f: DigestFigures, timezone: string): Group {
  const lines = f.scoring.map((r) => {
    const mine = f.scope.kind === 'units' && r.pendingScorersInScope > 0 ? `，其中分管支部 ${r.pendingScorersInScope} 位` : '';
    return `互观互检“${r.title}”：已交 ${r.submitted}/${r.expected} 份，${r.pendingScorers} 位评分人未交完${mine}（${monthDay(localDate(new Date(r.closesAt), timezone))}截止）`;
  });
  return { lines, total: lines.length, more: (n) => `另有 ${n} 轮互观互检在等评分，见详情` };
}

function branchLines(branches: readonly BranchFigures[]): { heading: string; lines: string[] } {
  const line = (b: BranchFigures): string =>
    b.monthTotal === 0 ? `${b.name}：本月无到期事项` : `${b.name}：本月完成 ${b.monthDone}/${b.monthTotal}（${percent(b.monthDone, b.monthTotal)}）`;
  if (branches.length <= LIMITS.branchLines) return { heading: '本月完成情况', lines: branches.map(line) };
  // Too many for a card: the ones furthest behind (the detail page has every branch).
  const rate = (b: BranchFigures): number => (b.monthTotal === 0 ? 2 : b.monthDone / b.monthTotal);
  const lowest = branches
    .map((b, i) => ({ b, i }))
    .sort((x, y) => rate(x.b) - rate(y.b) || x.i - y.i)
    .slice(0, LIMITS.branchLines)
    .map((x) => x.b);
  return { heading: `本月完成率较低的 ${lowest.length} 个支部（共 ${branches.length} 个，全部见详情）`, lines: lowest.map(line) };
}

function changeLines(c: DigestChanges): string[] {
  const first: string[] = [];
  if (c.newlyDone !== null) first.push(c.newlyDone >= 0 ? `本月新完成 ${c.newlyDone} 项` : `本月完成数减少 ${-c.newlyDone} 项（有撤销）`);
  if (c.overdueNow !== c.overdueBefore) {
    const who = c.overdueByBranch
      .slice(0, LIMITS.changedBranches)
      .map((b) => `${b.name} ${b.now > b.before ? '+' : '−'}${Math.abs(b.now - b.before)}`)
      .join('，');
    first.push(`逾期 ${c.overdueBefore} → ${c.overdueNow} 项${who ? `（${who}）` : ''}`);
  } else {
    first.push(`逾期 ${c.overdueNow} 项，无变化`);
  }
  const more = [
    ...c.cadenceClosed.map((g) => `${g.branchName}已登记${periodLabel(g.period)}${g.meeting}`),
    ...(c.cadenceNew.length > 0 ? [`新增组织生活未登记 ${c.cadenceNew.length} 项`] : []),
    ...c.scoringSubmitted.map((r) => `互观互检“${r.title}”新交 ${r.sheets} 份`),
  ];
  const shown = more.slice(0, LIMITS.changeLines);
  return [
    `较${monthDay(c.since)}：${first.join('；')}`,
    ...shown,
    ...(more.length > shown.length ? [`另有 ${more.length - shown.length} 项变化，见详情`] : []),
  ];
}
