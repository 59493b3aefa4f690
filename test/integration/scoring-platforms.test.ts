import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/demo.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { FakeCard } from '../fakes/dingtalk-api-cards.js';
import type { PushRecord } from '../fakes/dingtalk-gateway.js';
import { FakeWecomApi, type SentMessage } from '../fakes/wecom-api.js';
import { botTextJson, cardEventXml, postAppCallback, postBotCallback, textXml } from '../fakes/wecom-callbacks.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { DT_CLIENT_ID, DT_TEMPLATE_ID, startDingtalkServer, type RunningDingtalkServer } from '../support/dingtalk-server.js';
import { branchList, EXTRA_BRANCHES, importExtraBranches, importSchemes } from '../support/scoring-wire.js';
import { startWecomServer, WECOM_TEST, type RunningWecomServer } from '../support/wecom-server.js';
import { DEMO_WECOM_IDS } from './wecom-demo-ids.js';

/**
 * 互观互检 end to end through each platform's real wire protocol, on the real server (src/compose.ts) and the
 * real database: WeCom (smart-bot JSON callbacks in the group, app XML callbacks for card clicks, message/send and
 * response_url on the fake) and DingTalk (Stream gateway fake, OpenAPI fake). Every assertion is on what the
 * fakes received (decoded) or on rows the flow wrote.
 */
const APP = { token: WECOM_TEST.token, encodingAesKey: WECOM_TEST.encodingAesKey, receiveId: WECOM_TEST.corpId, agentId: WECOM_TEST.agentId };
const BOT = { token: WECOM_TEST.botToken, encodingAesKey: WECOM_TEST.botEncodingAesKey, receiveId: '' };
const WAIT = { timeout: 20_000, interval: 50 };
const SETTLE_MS = 300;
const ROBOT = '/v1.0/im/bot/messages/get';
const CARD = '/v1.0/card/instances/callback';
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

interface WecomCard {
  card_type: string;
  task_id: string;
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  card_action?: { type: number; url: string };
  button_selection?: { question_key: string; title: string; option_list: { id: string; text: string }[] };
  select_list?: { question_key: string; option_list: { id: string }[] }[];
  submit_button?: { key: string };
  button_list?: { key?: string; text: string; type?: number }[];
}
const tc = (m: SentMessage): WecomCard => m.body.template_card as WecomCard;
const submitKey = (c: WecomCard): string | undefined =>
  c.submit_button?.key ?? c.button_list?.find((b) => b.key?.startsWith('submit-sheet?'))?.key;
const branchOfKey = (key: string): number => Number(/[?&]branch=(\d+)/.exec(key)?.[1]);

/** Fails a test when the server logged an error (level ≥ 50) while it ran. */
function noErrorsLogged(logs: () => { lines: string[] } | undefined): void {
  let mark = 0;
  beforeEach(() => {
    mark = logs()?.lines.length ?? 0;
  });
  afterEach(() => {
    const errors = (logs()?.lines ?? []).slice(mark).filter((l) => /"level":(50|60)/.test(l));
    expect(errors.slice(0, 2), 'error lines in the server log').toEqual([]);
  });
}

describe('互观互检 over the platforms’ wire protocols', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  const seedClock = new ManualClock('2026-11-23T01:00:00Z');
  const q = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rows<T>(await t.database.db.execute(query));
  const count = async (query: ReturnType<typeof sql>): Promise<number> => Number((await q<{ n: number | string }>(query))[0]?.n ?? -1);
  let branches: { id: number; name: string }[] = [];
  const branchId = (prefix: string): number => branches.find((b) => b.name.startsWith(prefix))!.id;

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.database, seedClock);
    await importSchemes(t.database, seedClock);
    branches = await branchList(t.database);
  });
  afterAll(async () => {
    await t?.drop();
  });

  describe('WeCom: smart bot in the group, the app privately', () => {
    let fake: FakeWecomApi;
    let server: RunningWecomServer;
    let seq = 0;
    const GROUP = 'wrSCORINGgroup01';
    const SECRETARIES = ['wanghaifeng', 'hejianhua', 'xuhong', 'caolixin', 'jianghongmei'];
    const BRANCH_OF: Record<string, string> = { wanghaifeng: '第一', hejianhua: '第二', xuhong: '第三', caolixin: '第四', jianghongmei: '第五' };
    let roundId = 0;
    let createTime = 1_795_100_000;

    /** "@党建助手 …" in a group: the smart bot's JSON callback; the answer to the group comes back on its response_url. */
    async function inGroup(from: string, text: string, chatid = GROUP): Promise<string> {
      const before = fake.botReplies.length;
      const res = await postBotCallback(server.url, BOT, botTextJson({ msgid: `CAIQscoring${++seq}/x=`, from, chatid, content: `@党建助手 ${text}`, responseUrl: fake.responseUrl() }));
      expect(res).toMatchObject({ status: 200, body: '' }); // §12: in groups nothing passive, the response_url answers
      await expect.poll(() => fake.botReplies.length, WAIT).toBe(before + 1);
      const body = fake.botReplies[before]!.body as { msgtype: string; markdown: { content: string } };
      expect(body.msgtype).toBe('markdown'); // §12: in groups markdown, never a template card
      return body.markdown.content;
    }
    const cards = (userid: string): SentMessage[] => fake.sentTo(userid).filter((m) => m.msgtype === 'template_card');
    const quickCards = (userid: string, round: number): SentMessage[] =>
      cards(userid).filter((m) => submitKey(tc(m))?.includes(`round=${round}`));
    /** Clicks 提交评分 on a quick-score card with one option per selector (§4.2 SelectedItems); the same XML can be re-delivered. */
    function submitXml(from: string, m: SentMessage, points: string[], key = submitKey(tc(m))!): string {
      const c = tc(m);
      const questions = c.select_list?.map((s) => s.question_key) ?? [c.button_selection!.question_key];
      return cardEventXml({
        corpId: WECOM_TEST.corpId, from, eventKey: key, taskId: m.taskId!, responseCode: fake.issueResponseCode(m.taskId),
        createTime: ++createTime, cardType: c.card_type, selected: questions.map((questionKey, i) => ({ questionKey, optionIds: [points[i]!] })),
      });
    }
    const sheets = (round: number) =>
      q<{ scorer: string; target: number; status: string; total_cents: number | null; revision: number; source: string }>(sql`
        select i.external_id as scorer, s.target_unit_id as target, s.status, s.total_cents, s.revision, s.source
        from scoring_sheets s join platform_identities i on i.person_id = s.scorer_id and i.platform = 'wecom'
        where s.round_id = ${round} order by s.id`);

    beforeAll(async () => {
      fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(DEMO_WECOM_IDS)).start();
      server = await startWecomServer(t.database, fake.url);
    });
    noErrorsLogged(() => server?.logs);
    afterAll(async () => {
      await server?.stop();
      await fake?.stop();
    });

    it('a member cannot start a round; a secretary’s @mention starts it: announcement by response_url, invitations by message/send', async () => {
      const refused = await inGroup('zhangwei', '开始互观互检 2026年第四季度 方案：简表');
      expect(refused).toContain('只有支部书记或机关党委管理员可以发起');
      expect(await count(sql`select count(*) as n from scoring_rounds`)).toBe(0);

      const announcement = await inGroup('wanghaifeng', '开始互观互检 2026年第四季度 方案：简表');
      const [round] = await q<{ id: number; scheme: string; status: string; policy_version: string }>(sql`
        select r.id, s.name as scheme, r.status, r.policy_version from scoring_rounds r join scoring_schemes s on s.id = r.scheme_id`);
      expect(round).toMatchObject({ scheme: '支部工作简表', status: 'open', policy_version: '2026.1-peers-only' });
      roundId = round!.id;
      expect(announcement).toContain('互观互检：2026年第四季度');
      expect(announcement).toContain('0/20'); // 5 secretaries × 4 other branches
      expect(announcement).toContain('第五党支部（机关服务中心）');

      // Every secretary: an invitation (text_notice with the form link) and one quick-score card per other branch.
      for (const userid of SECRETARIES) {
        await expect.poll(() => cards(userid).length, WAIT).toBe(5);
        const invite = cards(userid).find((m) => tc(m).main_title.title === '评分表：2026年第四季度')!;
        expect(tc(invite).card_type).toBe('text_notice');
        expect(tc(invite).main_title.desc).toContain('请为 4 个支部评分');
        expect(tc(invite).card_action!.url).toMatch(/\/h5\/scoring\/sheets\?t=.+&r=\d+$/);
        const quick = quickCards(userid, roundId);
        expect(quick).toHaveLength(4);
        for (const m of quick) {
          const c = tc(m);
          expect(c.card_type).toBe('button_interaction');
          expect(c.button_selection).toMatchObject({ question_key: 'item:q1', title: '支部工作总体评价（满分9）' });
          expect(c.button_selection!.option_list.map((o) => o.id)).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
        }
        // 回避: no card for the scorer's own branch.
        expect(quick.map((m) => branchOfKey(submitKey(tc(m))!))).not.toContain(branchId(BRANCH_OF[userid]!));
      }
      // The response_url was the only way into the group; nothing private went there, nothing else to the members.
      expect(fake.botReplies).toHaveLength(2);
      expect(cards('zhangwei')).toHaveLength(0);
      expect(new Set(fake.sent.map((m) => m.taskId)).size).toBe(fake.sent.length);
    });

    it('a quick-score click is one submitted sheet however often WeCom delivers it; the passive reply replaces the card', async () => {
      const m = quickCards('hejianhua', roundId).find((x) => branchOfKey(submitKey(tc(x))!) === branchId('第一'))!;
      const xml = submitXml('hejianhua', m, ['7']);
      const first = await postAppCallback(server.url, APP, xml);
      expect(first.status).toBe(200);
      expect(first.reply).toContain('<MsgType><![CDATA[update_template_card]]></MsgType>');
      expect(first.reply).toContain('✓ 已提交 第一党支部（办公室） 7分（第1次保存）');
      expect(first.reply).toContain(`<TaskId><![CDATA[${m.taskId}]]></TaskId>`);
      // §3.4: WeCom re-delivers when unsure — the same callback three times in all.
      for (let i = 0; i < 2; i++) expect((await postAppCallback(server.url, APP, xml)).status).toBe(200);
      const mine = (await sheets(roundId)).filter((s) => s.scorer === 'hejianhua');
      expect(mine).toEqual([{ scorer: 'hejianhua', target: branchId('第一'), status: 'submitted', total_cents: 700, revision: 1, source: 'card' }]);
      expect(await count(sql`select count(*) as n from audit_log where action = 'scoring.sheet.submit'`)).toBe(1);
      await settle();
      expect(cards('hejianhua')).toHaveLength(5); // the passive reply was the answer: no message/send

      // Changing one's mind is a new click: a new revision of the same sheet.
      const again = await postAppCallback(server.url, APP, submitXml('hejianhua', m, ['8']));
      expect(again.reply).toContain('✓ 已提交 第一党支部（办公室） 8分（第2次保存）');
      expect((await sheets(roundId)).filter((s) => s.scorer === 'hejianhua')).toMatchObject([{ total_cents: 800, revision: 2 }]);
    });

    it('refuses a forged submission for the scorer’s own branch and stores nothing', async () => {
      const m = quickCards('hejianhua', roundId)[0]!;
      const forged = `submit-sheet?branch=${branchId('第二')}&round=${roundId}`;
      const res = await postAppCallback(server.url, APP, submitXml('hejianhua', m, ['9'], forged));
      expect(res.reply).toContain('回避');
      expect(await count(sql`select count(*) as n from scoring_sheets where target_unit_id = ${branchId('第二')}`)).toBe(0);
    });

    it('everyone but 蒋红梅 submits on the cards; 打分进度 gives counts in the group and nudges privately', async () => {
      let k = 0;
      for (const userid of SECRETARIES.slice(0, 4)) {
        for (const m of quickCards(userid, roundId)) {
          if (userid === 'hejianhua' && branchOfKey(submitKey(tc(m))!) === branchId('第一')) continue;
          const res = await postAppCallback(server.url, APP, submitXml(userid, m, [String(9 - (k++ % 4))]));
          expect(res.reply).toContain('✓ 已提交');
        }
      }
      expect((await sheets(roundId)).filter((s) => s.status === 'submitted')).toHaveLength(16);

      const progress = await inGroup('xuhong', '打分进度');
      expect(progress).toContain('16/20');
      expect(progress).not.toContain('蒋红梅');
      await expect.poll(() => cards('jianghongmei').length, WAIT).toBe(6);
      expect(tc(cards('jianghongmei').at(-1)!).sub_title_text).toContain('还有 4 个支部未提交');
      await settle();
      for (const userid of SECRETARIES.slice(0, 4)) expect(cards(userid).length).toBe(5);
      // Asked again the same day: the counts again, no second nudge.
      expect(await inGroup('caolixin', '打分进度')).toContain('16/20');
      await settle();
      expect(cards('jianghongmei')).toHaveLength(6);
    });

    it('only the starter or an admin closes; closing computes the results and asks the admin to review', async () => {
      expect(await inGroup('caolixin', '结束互观互检')).toContain('只有发起人或机关党委管理员可以结束');
      const closed = await inGroup('wanghaifeng', '结束互观互检');
      expect(closed).toContain('王海峰已结束评分，共收到评分表 16/20 份；结果经机关党委审核后公布');
      const [res] = await q<{ result: { branches: { branchName: string; peerScores: number[] }[] } }>(sql`select result from scoring_results where round_id = ${roundId}`);
      expect(res!.result.branches.map((b) => [b.branchName.slice(0, 5), b.peerScores.length])).toEqual([
        ['第一党支部', 3], ['第二党支部', 3], ['第三党支部', 3], ['第四党支部', 3], ['第五党支部', 4],
      ]);
      await expect.poll(() => cards('zhouxiaoyan').length, WAIT).toBe(1);
      const review = tc(cards('zhouxiaoyan')[0]!);
      expect(review.card_type).toBe('button_interaction');
      expect(review.main_title.title).toBe('待发布：2026年第四季度');
      expect(review.button_list!.map((b) => b.key)).toContain(`scoring-publish?round=${roundId}`);
      // Closed: a late click is refused, the results are not shown before they are published.
      const late = await postAppCallback(server.url, APP, submitXml('jianghongmei', quickCards('jianghongmei', roundId)[0]!, ['5']));
      expect(late.reply).toContain('已结束评分');
      expect(await inGroup('jianghongmei', '互观互检结果')).toContain('结果经机关党委审核后公布');
      expect((await sheets(roundId)).filter((s) => s.scorer === 'jianghongmei')).toEqual([]);
    });

    it('发布结果 on the review card: reports privately, the admin is asked to say 互观互检结果 in the group, which posts the results', async () => {
      const reviewMsg = cards('zhouxiaoyan')[0]!;
      const xml = cardEventXml({
        corpId: WECOM_TEST.corpId, from: 'zhouxiaoyan', eventKey: `scoring-publish?round=${roundId}`, taskId: reviewMsg.taskId!,
        responseCode: fake.issueResponseCode(reviewMsg.taskId), createTime: ++createTime,
      });
      const res = await postAppCallback(server.url, APP, xml);
      expect(res.reply).toContain('请在群里 @党建助手 发送“互观互检结果”');
      expect((await q<{ status: string }>(sql`select status from scoring_rounds where id = ${roundId}`))[0]!.status).toBe('published');
      for (const userid of SECRETARIES) {
        await expect.poll(() => cards(userid).filter((m) => tc(m).main_title.title.endsWith('评定结果')).length, WAIT).toBe(1);
        const report = tc(cards(userid).find((m) => tc(m).main_title.title.endsWith('评定结果'))!);
        expect(report.main_title.title).toMatch(new RegExp(`^${BRANCH_OF[userid]!}党支部（.+）评定结果$`, 'u'));
        expect(report.card_action!.url).toContain('/h5/scoring/report?t=');
      }
      const sentBefore = fake.sent.length;
      // WeCom re-delivers the click: nothing is published or sent twice.
      expect((await postAppCallback(server.url, APP, xml)).status).toBe(200);
      await settle();
      expect(fake.sent.length).toBe(sentBefore);
      expect(await count(sql`select count(*) as n from audit_log where action = 'scoring.round.publish' and subject_id = ${String(roundId)}`)).toBe(1);

      const results = await inGroup('zhouxiaoyan', '互观互检结果');
      expect(results).toContain('评定结果：2026年第四季度');
      expect(results).toMatch(/第一党支部（办公室）：[★☆]{5} (先进|中间|后进)/u);
      expect(results).toMatch(/第五党支部（机关服务中心）：[★☆]{5} (先进|中间|后进)/u);
      // Every group message was answered exactly once through its own response_url, never privately.
      expect(fake.botReplies.length).toBe(seq);
    });

    // Our WeCom renderer keeps selectors only on a card that fits a vote card (one question); a quick-score card with
    // 2–3 items would arrive as a text_notice without selectors, asking for choices it does not show. So WeCom gets
    // quick-score cards for one-item schemes only (src/outbox/direct-sender.ts CHOICE_QUESTIONS); a three-item
    // scheme is scored on the form.
    it('a three-item scheme on WeCom: the invitation with the form link, no quick-score cards that could not be answered', async () => {
      await inGroup('hejianhua', '开始互观互检 三项试评 方案：综合评价（三项）', 'wrSCORINGgroup03');
      const [round] = await q<{ id: number }>(sql`select id from scoring_rounds where title = '三项试评'`);
      expect(round).toBeDefined();
      const invites = () => cards('xuhong').filter((m) => tc(m).main_title.title === '评分表：三项试评');
      await expect.poll(() => invites().length, WAIT).toBe(1);
      expect(cards('xuhong').filter((m) => tc(m).main_title.desc === '三项试评')).toHaveLength(0);
    });
  });

  describe('DingTalk: Stream gateway, interactive cards', () => {
    let s: RunningDingtalkServer;
    const GROUP = 'cidSCORINGgroup01==';
    const SECRETARIES = ['dt_wanghaifeng', 'dt_hejianhua', 'dt_xuhong', 'dt_caolixin', 'dt_jianghongmei'];
    const BRANCH_OF: Record<string, string> = { dt_wanghaifeng: '第一', dt_hejianhua: '第二', dt_xuhong: '第三', dt_caolixin: '第四', dt_jianghongmei: '第五' };
    let roundId = 0;
    let seq = 0;

    function robotMessage(o: { staffId: string; text: string; group?: string }): Record<string, unknown> {
      const createAt = s.clock.now().getTime();
      const conversationId = o.group ?? `cidP2P${o.staffId}==`;
      return {
        msgId: `msgSCORING${++seq}==`, msgtype: 'text', text: { content: o.group ? ` ${o.text}` : o.text }, conversationId,
        conversationType: o.group ? '2' : '1', ...(o.group ? { conversationTitle: '支部书记工作群', isInAtList: true } : {}),
        senderStaffId: o.staffId, senderId: `$:LWCP_v1:$${o.staffId}`, senderNick: o.staffId, chatbotCorpId: 'dingcorp', chatbotUserId: '$:LWCP_v1:$bot',
        robotCode: DT_CLIENT_ID, isAdmin: false, createAt, ...s.api.createSession(conversationId, createAt),
      };
    }
    async function pushAndAck(topic: string, data: unknown): Promise<PushRecord> {
      const rec = s.gateway.push(topic, data);
      if (!rec) throw new Error('no stream connection subscribed');
      await s.gateway.waitForAck(rec, 3000);
      return rec;
    }
    const space = (openSpaceId: string): FakeCard[] => [...s.api.cards.values()].filter((c) => c.openSpaceId === openSpaceId);
    const groupCards = () => space(`dtv1.card//IM_GROUP.${GROUP}`);
    const privateCards = (userId: string) => space(`dtv1.card//IM_ROBOT.${userId}`);
    /** "@党建助手 …" in the group (DingTalk strips the mention, §3.1); the answer is a new card in the group. */
    async function inGroup(staffId: string, text: string): Promise<FakeCard> {
      const before = groupCards().length;
      const rec = await pushAndAck(ROBOT, robotMessage({ staffId, text, group: GROUP }));
      expect(rec.ack!.data).toEqual({ response: null });
      await expect.poll(() => groupCards().length, WAIT).toBe(before + 1);
      return groupCards()[before]!;
    }
    /** The card callback the template's 回传请求 sends (§4.5): params.action = the action ref, params.card = the card key. */
    const cardClick = (card: FakeCard, userId: string, action: string, extra: Record<string, unknown> = {}) => ({
      type: 'actionCallback', outTrackId: card.outTrackId, corpId: 'dingcorp', userId, userIdType: 1, spaceType: 'IM_ROBOT', spaceId: userId,
      content: JSON.stringify({ cardPrivateData: { actionIds: ['button'], params: { action, card: String(card.cardData.cardKey), ...extra } } }),
    });
    const ackCard = (rec: PushRecord) => (rec.ack!.data as { response: { cardData?: { cardParamMap: Record<string, string> } } }).response.cardData?.cardParamMap;
    const sheets = (round: number) =>
      q<{ scorer: string; target: number; status: string; total_cents: number | null; revision: number; source: string }>(sql`
        select i.external_id as scorer, s.target_unit_id as target, s.status, s.total_cents, s.revision, s.source
        from scoring_sheets s join platform_identities i on i.person_id = s.scorer_id and i.platform = 'dingtalk'
        where s.round_id = ${round} order by s.id`);

    beforeAll(async () => {
      s = await startDingtalkServer(t.database, { template: true, gateway: { redeliverAfterMs: 0 } });
    });
    noErrorsLogged(() => s?.logs);
    afterAll(async () => {
      await s?.stop();
    });

    it('a secretary @mentions the robot in the group: announcement card in the group, invitations as private cards', async () => {
      const announcement = await inGroup('dt_wanghaifeng', '开始互观互检 2026年第四季度 方案：简表');
      const [round] = await q<{ id: number; scheme: string }>(sql`
        select r.id, s.name as scheme from scoring_rounds r join scoring_schemes s on s.id = r.scheme_id where r.platform = 'dingtalk'`);
      expect(round!.scheme).toBe('支部工作简表');
      roundId = round!.id;
      expect(announcement).toMatchObject({ cardTemplateId: DT_TEMPLATE_ID, callbackType: 'STREAM' });
      expect(announcement.cardData).toMatchObject({ kind: 'scoring-round', title: '互观互检：2026年第四季度', emphasisFigure: '0/20' });
      expect(String(announcement.cardData.texts)).toContain('第五党支部（机关服务中心）');
      for (const userId of SECRETARIES) {
        await expect.poll(() => privateCards(userId).length, WAIT).toBe(1);
        const invite = privateCards(userId).find((c) => c.cardData.title === '评分表：2026年第四季度')!;
        expect(invite.cardData).toMatchObject({ kind: 'scoring-sheet', emphasisFigure: '0/4', hasDetail: 'true' });
        expect(String(invite.cardData.detailUrl)).toMatch(/\/h5\/scoring\/sheets\?t=.+&r=\d+$/);
        expect(String(invite.cardData.fields)).not.toContain(BRANCH_OF[userId]!); // 回避
      }
      expect(s.api.cardProblems).toEqual([]);
      expect(s.api.robotMessages).toEqual([]);
    });

    it('a click on the group card’s 获取我的评分表 leaves the shared card alone and answers privately', async () => {
      const announcement = groupCards()[0]!;
      const button = (JSON.parse(String(announcement.cardData.buttons)) as { actionRef: string; text: string }[]).find((b) => b.text === '获取我的评分表')!;
      expect(button.actionRef).toBe(`scoring-sheet?round=${roundId}`);
      const before = privateCards('dt_caolixin').length;
      const rec = await pushAndAck(CARD, { ...cardClick(announcement, 'dt_caolixin', button.actionRef), spaceType: 'IM_GROUP', spaceId: GROUP });
      expect(rec.ack!.data).toEqual({ response: {} });
      // The answer is his sheets of every open round: this one's, and — when the WeCom section's 三项试评 round (same
      // database, he scores there too) is still open — that one's. One card per round, none twice.
      const mine = () => privateCards('dt_caolixin').slice(before).map((c) => String(c.cardData.title));
      await expect.poll(() => mine().filter((title) => title === '评分表：2026年第四季度').length, WAIT).toBe(1);
      expect(mine().every((title) => title.startsWith('评分表：'))).toBe(true);
      expect(new Set(mine()).size).toBe(mine().length);
      expect(announcement.updates).toBe(0);
    });

    // The generic template has no inputs (cards/README.md: "Questions are not part of the template"), so DingTalk gets
    // no quick-score cards (they would ask for choices they cannot show): the invitation's form link, or a typed score.
    it('sends DingTalk scorers no quick-score cards, only the invitation with the form link', () => {
      expect(privateCards('dt_hejianhua').filter((c) => String(c.cardData.title).startsWith('为'))).toHaveLength(0);
      expect(privateCards('dt_hejianhua').filter((c) => String(c.cardData.title).startsWith('评分表：'))).toHaveLength(1);
    });
    it.todo('quick scoring on a DingTalk card (needs a template contract for questions; adapters/dingtalk/render-card.ts drops them)');

    it('scores typed privately to the robot are one sheet each, however often DingTalk re-pushes them', async () => {
      const rec = await pushAndAck(ROBOT, robotMessage({ staffId: 'dt_hejianhua', text: '第一党支部 7' }));
      await s.gateway.waitForAck(s.gateway.repush(rec)!, 3000);
      await s.gateway.waitForAck(s.gateway.repush(rec)!, 3000);
      await expect.poll(async () => (await sheets(roundId)).length, WAIT).toBe(1);
      await expect.poll(() => privateCards('dt_hejianhua').length, WAIT).toBe(2);
      const confirm = privateCards('dt_hejianhua').at(-1)!;
      expect(confirm.cardData).toMatchObject({ title: '评分表：2026年第四季度', status: '✓ 已提交 第一党支部（办公室） 7分（第1次保存）' });
      await settle();
      expect(await sheets(roundId)).toEqual([{ scorer: 'dt_hejianhua', target: branchId('第一'), status: 'submitted', total_cents: 700, revision: 1, source: 'text' }]);
      expect(privateCards('dt_hejianhua')).toHaveLength(2);
    });

    it('refuses a forged card submission for the scorer’s own branch, in the callback’s ACK', async () => {
      // No quick-score card reaches DingTalk; a forged callback on the invitation card tries to submit anyway.
      const invite = privateCards('dt_hejianhua').find((c) => String(c.cardData.title).startsWith('评分表：'))!;
      const rec = await pushAndAck(CARD, cardClick(invite, 'dt_hejianhua', `submit-sheet?branch=${branchId('第二')}&round=${roundId}`, { 'item:q1': ['9'] }));
      expect(ackCard(rec)).toMatchObject({ title: '评分未保存' });
      expect(ackCard(rec)!.texts).toContain('回避');
      expect(await count(sql`select count(*) as n from scoring_sheets where round_id = ${roundId} and target_unit_id = ${branchId('第二')}`)).toBe(0);
    });

    it('everyone but 蒋红梅 scores; 打分进度 shows counts in the group and nudges privately', async () => {
      for (const userId of SECRETARIES.slice(0, 4)) {
        for (const b of branches.slice(0, 5)) {
          if (b.name.startsWith(BRANCH_OF[userId]!) || (userId === 'dt_hejianhua' && b.name.startsWith('第一'))) continue;
          await pushAndAck(ROBOT, robotMessage({ staffId: userId, text: `${b.name.slice(0, 5)} ${b.id % 9}` }));
        }
      }
      await expect.poll(async () => (await sheets(roundId)).length, WAIT).toBe(16);
      const progress = await inGroup('dt_xuhong', '打分进度');
      expect(progress.cardData).toMatchObject({ kind: 'scoring-round', emphasisFigure: '16/20' });
      expect(JSON.stringify(progress.cardData)).not.toContain('蒋红梅');
      await expect.poll(() => privateCards('dt_jianghongmei').length, WAIT).toBe(2);
      expect(String(privateCards('dt_jianghongmei').at(-1)!.cardData.status)).toContain('还有 4 个支部未提交');
    });

    it('the starter closes; the admin’s 发布结果 click publishes: results card straight to the group, reports privately', async () => {
      const closed = await inGroup('dt_wanghaifeng', '结束互观互检');
      expect(String(closed.cardData.status)).toBe('王海峰已结束评分，共收到评分表 16/20 份；结果经机关党委审核后公布');
      await expect.poll(() => privateCards('dt_zhouxiaoyan').length, WAIT).toBe(1);
      const review = privateCards('dt_zhouxiaoyan')[0]!;
      expect(review.cardData).toMatchObject({ kind: 'scoring-results', title: '待发布：2026年第四季度' });
      const button = (JSON.parse(String(review.cardData.buttons)) as { actionRef: string; text: string }[]).find((b) => b.text === '发布结果')!;
      expect(button.actionRef).toBe(`scoring-publish?round=${roundId}`);

      const groupBefore = groupCards().length;
      const rec = await pushAndAck(CARD, cardClick(review, 'dt_zhouxiaoyan', button.actionRef));
      expect(rec.ackedAt! - rec.sentAt).toBeLessThan(2000); // §4.5
      expect(ackCard(rec)).toMatchObject({ title: '结果已发布' });
      expect(ackCard(rec)!.texts).toContain('已发到群里');
      await expect.poll(() => groupCards().length, WAIT).toBe(groupBefore + 1);
      const results = groupCards().at(-1)!;
      expect(results.cardData).toMatchObject({ kind: 'scoring-results', title: '评定结果：2026年第四季度' });
      const fields = JSON.parse(String(results.cardData.fields)) as { label: string; value: string }[];
      expect(fields.map((f) => f.label.slice(0, 5))).toEqual(['第一党支部', '第二党支部', '第三党支部', '第四党支部', '第五党支部']);
      for (const f of fields) expect(f.value).toMatch(/^[★☆]{5} (先进|中间|后进)$/u);
      for (const userId of SECRETARIES) {
        await expect.poll(() => privateCards(userId).filter((c) => String(c.cardData.title).endsWith('评定结果')).length, WAIT).toBe(1);
        const report = privateCards(userId).find((c) => String(c.cardData.title).endsWith('评定结果'))!;
        expect(String(report.cardData.title)).toMatch(new RegExp(`^${BRANCH_OF[userId]!}党支部（.+）评定结果$`, 'u'));
      }
      // DingTalk re-pushes the click: answered, nothing published or sent twice.
      const cardsBefore = s.api.cards.size;
      const again = s.gateway.repush(rec)!;
      await s.gateway.waitForAck(again, 3000);
      expect(again.ack!.data).toEqual({ response: {} });
      await settle();
      expect(s.api.cards.size).toBe(cardsBefore);
      expect(await count(sql`select count(*) as n from outbox where platform = 'dingtalk' and message->'card'->>'kind' = 'scoring-results' and recipient_kind = 'chat'`)).toBe(1);
      // Every outbox row went out once, as exactly one card (outTrackId = the row's idempotency key).
      const sent = await count(sql`select count(*) as n from outbox where platform = 'dingtalk' and status = 'sent' and platform_ref <> 'passive-reply'`);
      expect(s.api.callsTo('/v1.0/card/instances/createAndDeliver').filter((c) => c.status === 200)).toHaveLength(sent);
      expect(s.api.cards.size).toBe(sent);
      expect(s.api.cardProblems).toEqual([]);
    });
  });

  describe('DingTalk without a card template: sessionWebhook in the group, batchSend privately', () => {
    let s: RunningDingtalkServer;
    const GROUP = 'cidSCORINGgroup02==';
    let seq = 0;
    let roundId = 0;
    const robotMessage = (o: { staffId: string; text: string; group?: string }): Record<string, unknown> => {
      const createAt = s.clock.now().getTime();
      const conversationId = o.group ?? `cidP2P${o.staffId}==`;
      return {
        msgId: `msgPLAIN${++seq}==`, msgtype: 'text', text: { content: o.group ? ` ${o.text}` : o.text }, conversationId,
        conversationType: o.group ? '2' : '1', senderStaffId: o.staffId, senderId: `$:LWCP_v1:$${o.staffId}`, senderNick: o.staffId,
        chatbotCorpId: 'dingcorp', robotCode: DT_CLIENT_ID, createAt, ...s.api.createSession(conversationId, createAt),
      };
    };
    async function say(staffId: string, text: string, group?: string): Promise<void> {
      const rec = s.gateway.push(ROBOT, robotMessage({ staffId, text, ...(group ? { group } : {}) }));
      if (!rec) throw new Error('no stream connection subscribed');
      await s.gateway.waitForAck(rec, 3000);
    }
    /** Said in the group; the answer goes back through that message's sessionWebhook (§3.2). */
    const inTheGroup = () => s.api.webhookMessages.filter((m) => m.conversationId === GROUP);
    async function inGroup(staffId: string, text: string): Promise<string> {
      const before = inTheGroup().length;
      await say(staffId, text, GROUP);
      await expect.poll(() => inTheGroup().length, WAIT).toBe(before + 1);
      return JSON.stringify(inTheGroup()[before]!.body);
    }
    const privately = (userId: string) => s.api.robotMessages.filter((m) => m.userId === userId);

    beforeAll(async () => {
      s = await startDingtalkServer(t.database, { template: false, gateway: { redeliverAfterMs: 0 } });
    });
    noErrorsLogged(() => s?.logs);
    afterAll(async () => {
      await s?.stop();
    });

    it('starts in the group, scores typed privately, closes: the review card’s 发布结果 is a reply link', async () => {
      const announcement = await inGroup('dt_xuhong', '开始互观互检 冬季专项 方案：简表');
      expect(announcement).toContain('互观互检：冬季专项');
      expect(announcement).toContain('0/20');
      const [round] = await q<{ id: number }>(sql`select id from scoring_rounds where title = '冬季专项'`);
      roundId = round!.id;
      await expect.poll(() => privately('dt_hejianhua').length, WAIT).toBe(1);
      const invite = privately('dt_hejianhua').find((m) => m.msgParam.title === '评分表：冬季专项')!;
      expect(invite.msgKey).toBe('sampleActionCard');
      expect(invite.msgParam).toMatchObject({ singleTitle: '打开评分表' });
      await say('dt_hejianhua', '第三党支部 8');
      await say('dt_caolixin', '第三党支部 6');
      await expect.poll(async () => count(sql`select count(*) as n from scoring_sheets where round_id = ${roundId} and status = 'submitted'`), WAIT).toBe(2);
      expect(await inGroup('dt_xuhong', '结束互观互检')).toContain('共收到评分表 2/20 份');
      await expect.poll(() => privately('dt_zhouxiaoyan').length, WAIT).toBe(1);
      const review = privately('dt_zhouxiaoyan')[0]!;
      expect(review.msgParam.title).toBe('待发布：冬季专项');
      expect(Object.values(review.msgParam)).toContain(`dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent('发布结果')}`);
    });

    // Without a card template the admin's 发布结果 button is a dtmd link that types "发布结果" into the 1:1 chat: the
    // private words find the round waiting to be published.
    it('the admin taps 发布结果 (types it privately) — the round is published and the results reach the group', async () => {
      await say('dt_zhouxiaoyan', '发布结果');
      await expect.poll(async () => (await q<{ status: string }>(sql`select status from scoring_rounds where id = ${roundId}`))[0]!.status, WAIT).toBe('published');
      await expect.poll(() => s.api.groupMessages.filter((m) => m.openConversationId === GROUP).length, WAIT).toBe(1);
      expect(s.api.groupMessages[0]!.msgParam.title).toBe('评定结果：冬季专项');
    });
  });

  describe('twelve scorers on WeCom: every card submitted, counted and sent once', () => {
    let fake: FakeWecomApi;
    let server: RunningWecomServer;
    let seq = 0;
    let createTime = 1_795_200_000;
    const GROUP = 'wrSCORINGgroup12';
    const TITLE = '十二个支部联评';
    let roundId = 0;
    let scorers: { userid: string; branchId: number }[] = [];
    /** Outbox rows before this section (the first WeCom section's, sent through another fake). */
    let outboxMark = 0;

    async function inGroup(from: string, text: string): Promise<string> {
      const before = fake.botReplies.length;
      const res = await postBotCallback(server.url, BOT, botTextJson({ msgid: `CAIQtwelve${++seq}/x=`, from, chatid: GROUP, content: `@党建助手 ${text}`, responseUrl: fake.responseUrl() }));
      expect(res).toMatchObject({ status: 200, body: '' });
      await expect.poll(() => fake.botReplies.length, WAIT).toBe(before + 1);
      return (fake.botReplies[before]!.body as { markdown: { content: string } }).markdown.content;
    }
    const cards = (userid: string): SentMessage[] => fake.sentTo(userid).filter((m) => m.msgtype === 'template_card');
    const quickCards = (userid: string): SentMessage[] => cards(userid).filter((m) => submitKey(tc(m))?.includes(`round=${roundId}`));
    const sheets = () =>
      q<{ scorer: string; target: number; status: string; total_cents: number | null; revision: number; source: string }>(sql`
        select i.external_id as scorer, s.target_unit_id as target, s.status, s.total_cents, s.revision, s.source
        from scoring_sheets s join platform_identities i on i.person_id = s.scorer_id and i.platform = 'wecom'
        where s.round_id = ${roundId} order by s.id`);
    /** One click on 提交评分; answered once: passively, or (past WeCom's 5 s) by update_template_card with its ResponseCode. */
    async function click(userid: string, m: SentMessage, points: string): Promise<void> {
      const c = tc(m);
      const responseCode = fake.issueResponseCode(m.taskId);
      const res = await postAppCallback(server.url, APP, cardEventXml({
        corpId: WECOM_TEST.corpId, from: userid, eventKey: submitKey(c)!, taskId: m.taskId!, responseCode, createTime: ++createTime,
        cardType: c.card_type, selected: [{ questionKey: c.button_selection!.question_key, optionIds: [points] }],
      }));
      expect(res.status).toBe(200);
      if (res.reply) expect(res.reply).toContain('✓ 已提交');
      else await expect.poll(() => fake.updates.filter((u) => u.responseCode === responseCode).length, WAIT).toBe(1);
    }

    beforeAll(async () => {
      outboxMark = Number((await q<{ id: number | string | null }>(sql`select max(id) as id from outbox`))[0]!.id ?? 0);
      await importExtraBranches(t.database, seedClock);
      branches = await branchList(t.database);
      fake = await new FakeWecomApi({ corpId: WECOM_TEST.corpId, secret: WECOM_TEST.secret, agentId: Number(WECOM_TEST.agentId) }, new Set(DEMO_WECOM_IDS)).start();
      for (const b of EXTRA_BRANCHES) fake.knownUsers.add(b.account);
      server = await startWecomServer(t.database, fake.url);
    });
    noErrorsLogged(() => server?.logs);
    afterAll(async () => {
      await server?.stop();
      await fake?.stop();
    });

    it('the org importer added seven branches: a round in a new group covers twelve, every secretary gets twelve cards', async () => {
      expect(branches).toHaveLength(12);
      const announcement = await inGroup('wanghaifeng', `开始互观互检 ${TITLE} 方案：简表`);
      expect(announcement).toContain('0/132'); // 12 secretaries × 11 other branches
      expect(announcement).toContain('第十二党支部（后勤保障处）');
      const [round] = await q<{ id: number }>(sql`select id from scoring_rounds where title = ${TITLE}`);
      roundId = round!.id;
      const list = await q<{ userid: string; branch_id: number; role: string }>(sql`
        select i.external_id as userid, s.branch_id, s.role from scoring_round_scorers s
        join platform_identities i on i.person_id = s.person_id and i.platform = 'wecom' where s.round_id = ${roundId} order by s.branch_id`);
      expect(list).toHaveLength(12);
      expect(list.every((s) => s.role === 'peer')).toBe(true);
      scorers = list.map((s) => ({ userid: s.userid, branchId: s.branch_id }));
      for (const { userid, branchId: own } of scorers) {
        await expect.poll(() => cards(userid).length, WAIT).toBe(12);
        expect(cards(userid).filter((m) => tc(m).main_title.title === `评分表：${TITLE}`)).toHaveLength(1);
        const targets = quickCards(userid).map((m) => branchOfKey(submitKey(tc(m))!));
        expect(targets.sort((a, b) => a - b)).toEqual(branches.map((b) => b.id).filter((id) => id !== own));
      }
    });

    it('all twelve click through their cards at once: one sheet per click, 打分进度 counts them and nudges the one behind', async () => {
      const last = scorers.at(-1)!;
      await Promise.all(scorers.map(async ({ userid }, i) => {
        const mine = quickCards(userid);
        for (const [j, m] of mine.entries()) {
          if (userid === last.userid && j === mine.length - 1) continue; // 邹玉兰 leaves one card for later
          await click(userid, m, String((i + j) % 10));
        }
      }));
      const all = await sheets();
      expect(all).toHaveLength(131);
      expect(all.every((s) => s.status === 'submitted' && s.revision === 1 && s.source === 'card')).toBe(true);
      expect(new Set(all.map((s) => `${s.scorer}>${s.target}`)).size).toBe(131);

      expect(await inGroup('xuhong', '打分进度')).toContain('131/132');
      await expect.poll(() => cards(last.userid).length, WAIT).toBe(13);
      expect(tc(cards(last.userid).at(-1)!).sub_title_text).toContain('还有 1 个支部未提交');
      await settle();
      for (const { userid } of scorers.slice(0, -1)) expect(cards(userid)).toHaveLength(12);

      await click(last.userid, quickCards(last.userid).at(-1)!, '6');
      expect(await inGroup('xuhong', '打分进度')).toContain('132/132');
    });

    it('a score typed to the app names its branch exactly, with 第十…第十二 党支部 in the round', async () => {
      const before = cards('hejianhua').length;
      for (const [i, [text, prefix]] of ([['第一党支部 5', '第一党支部（'], ['第十二党支部 6', '第十二党支部（'], ['十支部 3', '第十党支部（']] as const).entries()) {
        const res = await postAppCallback(server.url, APP, textXml({ corpId: WECOM_TEST.corpId, from: 'hejianhua', content: text, msgId: `73012345678901${i}` }));
        expect(res).toMatchObject({ status: 200, body: '' });
        await expect.poll(() => cards('hejianhua').length, WAIT).toBe(before + i + 1);
        const answer = tc(cards('hejianhua').at(-1)!);
        expect(answer.sub_title_text).toContain(`✓ 已提交 ${prefix}`);
        const target = branches.find((b) => b.name.startsWith(prefix))!.id;
        expect((await sheets()).find((s) => s.scorer === 'hejianhua' && s.target === target)).toMatchObject({ revision: 2, source: 'text', total_cents: Number(text.split(' ')[1]) * 100 });
      }
    });

    it('close and publish: twelve branches in the results, twelve reports, and nothing sent twice', async () => {
      expect(await inGroup('wanghaifeng', '结束互观互检')).toContain('共收到评分表 132/132 份');
      const [res] = await q<{ result: { branches: { branchName: string; peerScores: number[]; stars: number }[] } }>(sql`select result from scoring_results where round_id = ${roundId}`);
      expect(res!.result.branches).toHaveLength(12);
      for (const b of res!.result.branches) expect(b.peerScores).toHaveLength(11);

      await expect.poll(() => cards('zhouxiaoyan').length, WAIT).toBe(1);
      const review = cards('zhouxiaoyan')[0]!;
      expect(tc(review).main_title.desc).toBe('共收到评分表 132/132 份');
      const publish = await postAppCallback(server.url, APP, cardEventXml({
        corpId: WECOM_TEST.corpId, from: 'zhouxiaoyan', eventKey: `scoring-publish?round=${roundId}`, taskId: review.taskId!,
        responseCode: fake.issueResponseCode(review.taskId), createTime: ++createTime,
      }));
      expect(publish.reply).toContain('互观互检结果');
      for (const { userid } of scorers) {
        await expect.poll(() => cards(userid).filter((m) => tc(m).main_title.title.endsWith('评定结果')).length, WAIT).toBe(1);
      }
      const results = await inGroup('zhouxiaoyan', '互观互检结果');
      for (const b of branches) expect(results).toContain(b.name);

      // Nothing twice: one outbox row per card key, every row sent, one message/send per row and no resend refused (42014).
      const dupes = await q<{ key: string }>(sql`
        select message->'card'->>'key' as key from outbox where platform = 'wecom' and message->'card'->>'key' like ${`scoring:${roundId}:%`}
        group by 1 having count(*) > 1`);
      expect(dupes).toEqual([]);
      // Every row sent — polled: the dispatcher may still be sending the last ones (the group's results) on a busy machine.
      await expect.poll(() => count(sql`select count(*) as n from outbox where id > ${outboxMark} and platform = 'wecom' and status <> 'sent'`), WAIT).toBe(0);
      const viaSend = await count(sql`select count(*) as n from outbox where id > ${outboxMark} and platform = 'wecom' and recipient_kind = 'person'
        and platform_ref <> 'passive-reply' and platform_ref not like 'update:%'`);
      expect(fake.sent).toHaveLength(viaSend);
      expect(fake.calls.get('/cgi-bin/message/send')).toBe(fake.sent.length);
      expect(new Set(fake.sent.map((m) => m.taskId)).size).toBe(fake.sent.length);
      for (const { userid } of scorers) {
        const mine = cards(userid);
        expect(mine.filter((m) => tc(m).main_title.title === `评分表：${TITLE}`).length).toBeGreaterThanOrEqual(1);
        expect(quickCards(userid)).toHaveLength(11);
        expect(mine.filter((m) => tc(m).main_title.title.endsWith('评定结果'))).toHaveLength(1);
      }
      expect(fake.botReplies.length).toBe(seq);
    });
  });
});
