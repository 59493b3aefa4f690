import type { Card } from '../../../cards/model.js';
import { QUICK_ITEM_PREFIX } from '../../../cards/builders/scoring-flow.js';
import { AppError } from '../../errors.js';
import type { Intent } from '../../replies/intent.js';
import { localDate } from '../calendar.js';
import type { InboundEvent, Reply } from '../messaging/types.js';
import { addDays, instantAt } from '../reminders/days.js';
import { formatCents } from '../scoring/numbers.js';
import { DEFAULT_POLICY, type AggregationPolicy } from '../scoring/policy.js';
import type { RoundView, ScorerView } from '../scoring/ports.js';
import {
  closedNoticeCard,
  closeRound,
  formatWhen,
  publishRound,
  resultsCard,
  reviewCards,
  roundCard,
  roundProgress,
  scorerCards,
  type LifecyclePorts,
} from '../scoring/round-lifecycle.js';
import { saveScorerSheet, targetsOf } from '../scoring/sheet-service.js';
import type { SheetEntry } from '../scoring/types.js';
import { eventKey } from './checklist-handlers.js';
import type { ConversationPorts, PersonView } from './ports.js';
import { noticeCard, toPerson, toSender } from './reply-cards.js';

/**
 * 互观互检 in the messenger. In a group where the bot is: "开始互观互检 2026年第四季度 [方案：…]", "打分进度",
 * "结束互观互检", "发布结果"/"互观互检结果". Privately: "我的评分表", a score typed for a one-item scheme
 * ("二支部 85"), the quick-score card's 提交评分 and the reviewers' 发布结果 button.
 */

/** Days a round stays open when started from a chat; it closes at 18:00 local on the last day. */
export const ROUND_DAYS = 7;
const CLOSE_TIME = '18:00';

const lifecycle = (ports: ConversationPorts): LifecyclePorts => ({ store: ports.scoring, links: ports.links, timezone: ports.timezone, now: ports.now });

const canStart = (p: PersonView): boolean => p.roles.includes('secretary') || p.roles.includes('admin');
const isAdmin = (p: PersonView): boolean => p.roles.includes('admin') || (p.roles.includes('secretary') && p.branchId === null);

const toChat = (card: Card): Reply => ({ to: 'chat', message: { type: 'card', card } });

function notice(event: InboundEvent, kind: string, title: string, text: string, link?: { label: string; url: string }): Card {
  return noticeCard(eventKey(`scoring-${kind}`, event), title, text, link);
}

/** Where an answer about the group goes: back to the group when asked there, else to the asker. */
const answer = (event: InboundEvent, card: Card): Reply => (event.chatId !== undefined ? toChat(card) : toSender(card));

async function chatRound(event: InboundEvent, ports: ConversationPorts): Promise<RoundView | undefined> {
  if (event.chatId === undefined) return undefined;
  const chat = await ports.scoring.chat(event.platform, event.chatId);
  return chat ? ports.scoring.openRoundInChat(chat.id) : undefined;
}

/**
 * The round the words are about: in a chat, its open one, else its latest; privately, for an admin the latest
 * round waiting to be published (else the latest), for anyone else the latest round they scored in.
 */
async function latestRoundInChat(event: InboundEvent, ports: ConversationPorts, person: PersonView): Promise<RoundView | undefined> {
  if (event.chatId === undefined) {
    const id = await ports.scoring.latestRoundOf(isAdmin(person) ? null : person.id);
    return id === undefined ? undefined : ports.scoring.round(id);
  }
  const chat = await ports.scoring.chat(event.platform, event.chatId);
  if (!chat) return undefined;
  const open = await ports.scoring.openRoundInChat(chat.id);
  if (open) return open;
  const id = await ports.scoring.latestRoundInChat(chat.id);
  return id === undefined ? undefined : ports.scoring.round(id);
}

const SCHEME_IN_TITLE = /\s*(?:方案|计分方案|评分方案)\s*[:：]\s*(.+)$/u;

export async function startScoring(event: InboundEvent, person: PersonView, ports: ConversationPorts, rawTitle: string | null): Promise<Reply[]> {
  if (event.chatId === undefined) {
    return [toSender(notice(event, 'where', '请在群里发起', '互观互检要在各支部书记所在的群里发起：在群里 @党建助手 发送“开始互观互检 2026年第四季度”。'))];
  }
  if (!canStart(person)) {
    return [toChat(notice(event, 'denied', '无法发起互观互检', `${person.name}，只有支部书记或机关党委管理员可以发起互观互检。`))];
  }
  const store = ports.scoring;
  // The same event handled again (after a crash) finds its round and says the same things again; keys dedupe.
  let round = await store.roundBySourceEvent(event.eventId);
  if (!round) {
    const chat = (await store.chat(event.platform, event.chatId)) ?? (await store.registerChat(event.platform, event.chatId, `群聊 ${event.chatId.slice(0, 12)}`, ports.now));
    const open = await store.openRoundInChat(chat.id);
    if (open) return [toChat(await alreadyOpen(event, ports, open))];
    const m = SCHEME_IN_TITLE.exec(rawTitle ?? '');
    const schemeName = m ? m[1]!.trim() : null;
    const title = (m ? (rawTitle ?? '').slice(0, m.index).trim() : (rawTitle ?? '').trim()) || defaultTitle(ports);
    const scheme = await store.findScheme(schemeName);
    if (!scheme) {
      const text = schemeName
        ? `没有找到名为“${schemeName}”的计分方案。可用的方案由机关党委管理员导入（npm run cli -- scoring schemes 查看）。`
        : '还没有导入计分方案。请机关党委管理员先导入方案：npm run cli -- scoring import-scheme 方案.xlsx';
      return [toChat(notice(event, 'no-scheme', '无法发起互观互检', text))];
    }
    const branches = await store.chatBranches(chat.id);
    if (branches.length < 2) {
      return [toChat(notice(event, 'few-branches', '无法发起互观互检', `本群关联的党支部只有${branches.length}个，互观互检至少需要2个支部。请管理员用“scoring link-chat”关联参评支部。`))];
    }
    const scorers = await store.candidateScorers(branches.map((b) => b.id));
    const peerTargets = scorers.filter((s) => s.role === 'peer');
    if (peerTargets.length < 2) {
      return [toChat(notice(event, 'few-scorers', '无法发起互观互检', `参评支部登记的支部书记只有${peerTargets.length}人，无法互评。请先在组织信息中登记各支部书记。`))];
    }
    const policy: AggregationPolicy = scorers.some((s) => s.role === 'committee')
      ? DEFAULT_POLICY
      : { ...DEFAULT_POLICY, version: `${DEFAULT_POLICY.version}-peers-only`, weights: 'peers-only' };
    const closesAt = instantAt(addDays(localDate(ports.now, ports.timezone), ROUND_DAYS), CLOSE_TIME, ports.timezone);
    const created = await store.createRound({
      title,
      schemeId: scheme.id,
      policy,
      platform: event.platform,
      chatId: chat.id,
      startedBy: person.id,
      opensAt: ports.now,
      closesAt,
      sourceEventId: event.eventId,
      branches,
      scorers,
      at: ports.now,
    });
    if (!created) {
      const other = await store.openRoundInChat(chat.id);
      return other ? [toChat(await alreadyOpen(event, ports, other))] : [];
    }
    round = created;
  }
  const p = lifecycle(ports);
  const scorers = await store.scorers(round.id);
  const replies: Reply[] = [toChat(roundCard(p, round, { submitted: 0, expected: expectedOf(round, scorers), scorers }, `scoring:${round.id}:announce`))];
  for (const s of scorers) {
    for (const card of scorerCards(p, round, s, [], `scoring:${round.id}:sheet:${s.personId}`, ports.direct.choiceQuestions(event.platform))) replies.push(toPerson(s.personId, card));
  }
  return replies;
}

function defaultTitle(ports: ConversationPorts): string {
  const [y, m] = localDate(ports.now, ports.timezone).split('-').map(Number) as [number, number];
  return `${y}年第${['一', '二', '三', '四'][Math.floor((m - 1) / 3)]}季度`;
}

const expectedOf = (round: RoundView, scorers: readonly ScorerView[]): number => scorers.reduce((n, s) => n + targetsOf(round, s).length, 0);

async function alreadyOpen(event: InboundEvent, ports: ConversationPorts, open: RoundView): Promise<Card> {
  const { submitted, expected } = await roundProgress(ports.scoring, open);
  return notice(event, 'already-open', '本群已有进行中的互观互检', `“${open.title}”正在进行（已提交 ${submitted}/${expected}，${formatWhen(open.closesAt, ports.timezone)} 截止）。请先发送“结束互观互检”，再发起新的一轮。`);
}

export async function scoringProgress(event: InboundEvent, _person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const round = event.chatId !== undefined ? await chatRound(event, ports) : undefined;
  if (!round) return [answer(event, notice(event, 'none', '没有进行中的互观互检', '本群目前没有进行中的互观互检。发送“开始互观互检 2026年第四季度”可以发起。'))];
  const p = lifecycle(ports);
  const { scorers, sheets, submitted, expected } = await roundProgress(ports.scoring, round);
  const replies: Reply[] = [toChat(roundCard(p, round, { submitted, expected, scorers }, eventKey('scoring-progress', event)))];
  // Who has not finished is said privately, never in the group; once a day per person, however often asked.
  const day = localDate(ports.now, ports.timezone);
  const behind: { scorer: ScorerView; missing: number }[] = [];
  for (const s of scorers) {
    const done = new Set(sheets.filter((x) => x.scorerId === s.personId && x.status === 'submitted').map((x) => x.targetUnitId));
    const missing = targetsOf(round, s).filter((b) => !done.has(b.id)).length;
    if (missing > 0) behind.push({ scorer: s, missing });
  }
  for (const { scorer, missing } of behind) {
    for (const card of scorerCards(p, round, scorer, sheets, `scoring:${round.id}:nudge:${scorer.personId}:${day}`, 0)) {
      await ports.direct.toPerson(event.platform, scorer.personId, { ...card, status: `还有 ${missing} 个支部未提交，${formatWhen(round.closesAt, ports.timezone)} 截止` });
    }
  }
  // The branch's other secretaries (and, for 机关党委 scorers, the starter) hear who is behind, privately.
  const secretariesTold = new Map<number, string[]>();
  for (const { scorer } of behind) {
    const leads = scorer.branchId === null ? [round.startedBy] : (await ports.checklist.branchSecretaries(scorer.branchId)).map((x) => x.id);
    for (const id of leads) if (id !== null && id !== scorer.personId) secretariesTold.set(id, [...(secretariesTold.get(id) ?? []), scorer.name]);
  }
  for (const [id, names] of secretariesTold) {
    const card = noticeCard(`scoring:${round.id}:nudge-lead:${id}:${day}`, `互观互检提醒：${round.title}`, `以下评分人尚未提交全部评分表：${names.join('、')}。请提醒其在${formatWhen(round.closesAt, ports.timezone)}前完成。`);
    await ports.direct.toPerson(event.platform, id, card);
  }
  return replies;
}

export async function closeScoring(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const round = await chatRound(event, ports);
  if (!round) return [answer(event, notice(event, 'none', '没有进行中的互观互检', '本群目前没有进行中的互观互检。'))];
  if (person.id !== round.startedBy && !isAdmin(person)) {
    return [toChat(notice(event, 'close-denied', '无法结束互观互检', `只有发起人或机关党委管理员可以结束“${round.title}”。`))];
  }
  const p = lifecycle(ports);
  const closed = await closeRound(p, round.id, `person:${person.id}`);
  if (!closed) return [];
  const replies: Reply[] = [toChat(closedNoticeCard(p, closed.round, closed.computed, `${person.name}已结束评分`))];
  for (const r of await reviewCards(p, closed.round, closed.computed)) replies.push(toPerson(r.personId, r.card));
  return replies;
}

/** "发布结果" / "互观互检结果": a reviewer publishes a closed round; anyone in the chat sees published results again. */
export async function scoringResults(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const round = await latestRoundInChat(event, ports, person);
  if (!round) return [answer(event, notice(event, 'none', '没有互观互检结果', event.chatId === undefined ? '您还没有参加过互观互检。' : '本群还没有进行过互观互检。'))];
  if (round.status === 'open') {
    return [answer(event, notice(event, 'still-open', '评分尚未结束', `“${round.title}”仍在评分中，${formatWhen(round.closesAt, ports.timezone)} 截止；结束并经机关党委审核后公布结果。`))];
  }
  if (round.status === 'closed') {
    if (!isAdmin(person)) return [answer(event, notice(event, 'not-published', '结果待公布', `“${round.title}”已结束评分，结果经机关党委审核后公布。`))];
    return publishReplies(event, person, ports, round.id);
  }
  const results = await ports.scoring.results(round.id);
  return results ? [answer(event, resultsCard(lifecycle(ports), round, results, eventKey('scoring-results', event)))] : [];
}

async function publishReplies(event: InboundEvent, person: PersonView, ports: ConversationPorts, roundId: number): Promise<Reply[]> {
  const p = lifecycle(ports);
  const done = await publishRound(p, roundId, `person:${person.id}`);
  if (!done) return [toSender(notice(event, 'publish-none', '无法发布', '该轮互观互检不是“已结束、待发布”状态（可能已经发布）。'))];
  const replies: Reply[] = done.reports.map((r) => toPerson(r.personId, r.card));
  const inTheChat = event.chatId !== undefined && done.round.chatExternalId === event.chatId && done.round.platform === event.platform;
  if (inTheChat) replies.push(toChat(done.group));
  else if (done.round.chatExternalId !== null && ports.direct.canPostToChat(done.round.platform)) {
    await ports.direct.toChat(done.round.platform, done.round.chatExternalId, done.group);
    replies.push(toSender(notice(event, 'published', '结果已发布', `“${done.round.title}”的结果已发到群里，各支部书记已收到本支部的详细报告。`)));
  } else {
    replies.push(toSender(notice(event, 'published', '结果已发布', `“${done.round.title}”的结果已发布，各支部书记已收到本支部的详细报告。请在群里 @党建助手 发送“互观互检结果”，把结果卡片发到群里。`)));
  }
  return replies;
}

/** The reviewers' 发布结果 button. */
export async function publishAction(event: InboundEvent, person: PersonView, ports: ConversationPorts, roundId: number): Promise<Reply[]> {
  if (!isAdmin(person)) return [toSender(notice(event, 'publish-denied', '无法发布', '只有机关党委管理员可以发布互观互检结果。'))];
  return publishReplies(event, person, ports, roundId);
}

/** "我的评分表": the person's sheets in every open round they score in. */
export async function mySheets(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const rounds = await ports.scoring.openRoundsOf(person.id, ports.now);
  if (rounds.length === 0) return [toSender(notice(event, 'no-sheets', '没有待填的评分表', '您目前没有进行中的互观互检评分任务。'))];
  const p = lifecycle(ports);
  const replies: Reply[] = [];
  for (const round of rounds) {
    const scorer = (await ports.scoring.scorers(round.id)).find((s) => s.personId === person.id)!;
    const sheets = await ports.scoring.sheets(round.id);
    for (const card of scorerCards(p, round, scorer, sheets, eventKey('scoring-mine', event, `:${round.id}`), ports.direct.choiceQuestions(event.platform))) replies.push(toSender(card));
  }
  return replies;
}

/** 提交评分 on a quick-score card: the choices become the sheet, under the same rules as the H5 form. */
export async function submitCardSheet(event: InboundEvent, person: PersonView, ports: ConversationPorts): Promise<Reply[]> {
  const action = event.action!;
  const roundId = Number(action.payload.round);
  const branchId = Number(action.payload.branch);
  if (!Number.isInteger(roundId) || !Number.isInteger(branchId)) return [];
  const entries: SheetEntry[] = [];
  for (const [question, options] of Object.entries(action.values ?? {})) {
    if (!question.startsWith(QUICK_ITEM_PREFIX) || options.length === 0) continue;
    const points = Number(options[0]);
    entries.push({ itemId: question.slice(QUICK_ITEM_PREFIX.length), points: Number.isFinite(points) ? points : Number.NaN });
  }
  return saveAndConfirm(event, person, ports, roundId, branchId, entries, 'card');
}

/** "二支部 85" privately: only for a one-item scheme, where a single number is the whole sheet. */
export async function typedScore(event: InboundEvent, person: PersonView, ports: ConversationPorts, intent: Intent): Promise<Reply[]> {
  const rounds = await ports.scoring.openRoundsOf(person.id, ports.now);
  if (rounds.length === 0) return [toSender(notice(event, 'no-sheets', '没有待填的评分表', '您目前没有进行中的互观互检评分任务。'))];
  const round = rounds[0]!;
  const items = round.scheme.categories.flatMap((c) => c.items);
  const formUrl = ports.links.scoringSheets(person.id, round.id, round.closesAt);
  if (items.length !== 1) {
    return [toSender(notice(event, 'use-form', '请在评分表中逐项打分', `“${round.title}”的计分方案有${items.length}个评分项目，请打开评分表逐项填写。`, { label: '打开评分表', url: formUrl }))];
  }
  const wanted = normaliseBranch(intent.target ?? '');
  const matches = branchesNamed(round.branches, wanted);
  if (matches.length !== 1) {
    const text = matches.length === 0 ? `没有找到“${intent.target ?? ''}”。参评支部：${round.branches.map((b) => b.name).join('、')}。` : `“${intent.target ?? ''}”对应多个支部：${matches.map((b) => b.name).join('、')}，请写全称。`;
    return [toSender(notice(event, 'which-branch', '请确认支部', text, { label: '打开评分表', url: formUrl }))];
  }
  return saveAndConfirm(event, person, ports, round.id, matches[0]!.id, [{ itemId: items[0]!.id, points: intent.points }], 'text');
}

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A Chinese numeral as branches are numbered: 七 → 7, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23. */
function chineseNumber(numeral: string): string {
  let total = 0;
  let digit = 0;
  for (const ch of numeral) {
    if (ch === '十') {
      total += (digit || 1) * 10;
      digit = 0;
    } else {
      digit = CN_DIGITS[ch] ?? 0;
    }
  }
  return String(total + digit);
}

function normaliseBranch(s: string): string {
  return s.replace(/[（(].*?[）)]/gu, '').replace(/党支部|支部|第/gu, '').replace(/[一二两三四五六七八九十]+/gu, chineseNumber).trim();
}

/**
 * The branches a typed name means: those whose name normalises to exactly it; else those whose name contains it
 * (or is contained in it) with the same numbers — so "第一党支部" never also means 第十一 or 第十二党支部.
 */
function branchesNamed<B extends { name: string }>(branches: readonly B[], wanted: string): B[] {
  const exact = branches.filter((b) => normaliseBranch(b.name) === wanted);
  if (exact.length > 0) return exact;
  const numbers = (s: string): string => (s.match(/\d+/gu) ?? []).join(',');
  return branches.filter((b) => {
    const name = normaliseBranch(b.name);
    return (name.includes(wanted) || wanted.includes(name)) && numbers(name) === numbers(wanted);
  });
}

async function saveAndConfirm(event: InboundEvent, person: PersonView, ports: ConversationPorts, roundId: number, branchId: number, entries: SheetEntry[], source: 'card' | 'text'): Promise<Reply[]> {
  try {
    const { sheet, target, totalCents } = await saveScorerSheet(ports.scoring, { roundId, personId: person.id, branchId, entries, comment: null, submit: true, source, now: ports.now });
    const p = lifecycle(ports);
    const sheets = await ports.scoring.sheets(roundId);
    const cards = scorerCards(p, target.round, target.scorer, sheets, eventKey('scoring-saved', event), source === 'card' ? ports.direct.choiceQuestions(event.platform) : 0);
    const confirm = cards.find((c) => c.key.endsWith(`:quick:${branchId}`)) ?? cards[0]!;
    return [toSender({ ...confirm, status: `✓ 已提交 ${target.branch.name} ${formatCents(totalCents)}分（第${sheet.revision}次保存）` })];
  } catch (e) {
    if (e instanceof AppError && e.expose) return [toSender(notice(event, 'sheet-error', '评分未保存', e.message))];
    throw e;
  }
}
