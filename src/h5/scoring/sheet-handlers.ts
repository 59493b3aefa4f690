import type Router from '@koa/router';
import type { Context } from 'koa';
import { scoringStore } from '../../db/repositories/scoring-store.js';
import type { RoundView, ScoringStore, SheetView } from '../../domain/scoring/ports.js';
import { isAcceptingSheets, saveScorerSheet, sheetTarget, SheetInvalidError, type SheetTarget } from '../../domain/scoring/sheet-service.js';
import type { SheetProblem } from '../../domain/scoring/types.js';
import { AppError, NotFoundError } from '../../errors.js';
import type { AppDeps } from '../../http/deps.js';
import { scoringResource } from '../link-signer.js';
import { pointsText, sheetStatusText, timeText } from './format.js';
import { sendPage } from './layout.js';
import { linkHolder, requireId, tokenOf } from './link-access.js';
import { bodyKind, readSheetInput, type SheetInput } from './sheet-input.js';
import { renderSheetPage, textsOf, type SheetPageModel } from './sheet-page.js';
import { sheetsUrl, sheetUrl } from './urls.js';

/**
 * GET and POST /h5/scoring/sheet. Every rule about who may save what, when, is saveScorerSheet's; this file
 * only reads the request, runs it in one transaction (the round row is locked while the sheet is saved) and
 * answers JSON to the page's script or a page to a plain form post.
 */

/** A sheet link that expired with its round says so, rather than "link expired". */
export function expiredSheetLinkMessage(store: ScoringStore, roundId: number, deps: AppDeps): () => Promise<string | undefined> {
  return async () => {
    const round = await store.round(roundId);
    const now = deps.clock.now();
    if (!round || isAcceptingSheets(round, now)) return undefined;
    return round.status === 'open'
      ? `“${round.title}”已过评分截止时间（${timeText(round.closesAt, deps.config.timezone, now)}），评分表链接已失效，不能再修改评分表。`
      : `“${round.title}”评分已结束，评分表链接已失效，不能再修改评分表。`;
  };
}

function closedMessage(round: RoundView, now: Date): string | null {
  if (isAcceptingSheets(round, now)) return null;
  return round.status === 'open' ? '已过评分截止时间，评分表只能查看，不能再修改。' : '评分已结束，评分表只能查看，不能再修改。';
}

const sheetOf = (sheets: SheetView[], personId: number, branchId: number): SheetView | undefined =>
  sheets.find((s) => s.scorerId === personId && s.targetUnitId === branchId);

export function sheetRoutes(router: Router, deps: AppDeps): void {
  const db = deps.database.db;

  function model(ctx: Context, target: SheetTarget, sheet: SheetView | undefined, extra: Partial<SheetPageModel>): SheetPageModel {
    const now = deps.clock.now();
    const token = tokenOf(ctx);
    return {
      ...target,
      sheet,
      texts: textsOf(sheet),
      comment: sheet?.comment ?? '',
      problems: [],
      notice: null,
      closedMessage: closedMessage(target.round, now),
      unsaved: false,
      postUrl: sheetUrl(token, target.round.id, target.branch.id),
      sheetsUrl: sheetsUrl(token, target.round.id),
      timezone: deps.config.timezone,
      now,
      ...extra,
    };
  }

  router.get('/sheet', async (ctx) => {
    const roundId = requireId(ctx, 'r');
    const branchId = requireId(ctx, 'b');
    const store = scoringStore(db);
    const person = await linkHolder(deps, ctx, scoringResource.sheets(roundId), expiredSheetLinkMessage(store, roundId, deps));
    const target = await sheetTarget(store, roundId, person.id, branchId);
    const sheet = sheetOf(await store.sheets(roundId), person.id, branchId);
    // After a plain form post (303 here): say what happened, if the sheet says so too.
    const saved = ctx.query.saved;
    const notice =
      saved === 'submit' && sheet?.status === 'submitted'
        ? { kind: 'ok' as const, message: `已提交，总分 ${pointsText(sheet.totalCents ?? 0)} 分。截止前仍可修改后重新提交。` }
        : saved === 'draft' && sheet?.status === 'draft'
          ? { kind: 'ok' as const, message: '草稿已保存，请在截止前提交。' }
          : null;
    const m = model(ctx, target, sheet, { notice });
    sendPage(ctx, 200, renderSheetPage(m, sheet?.entries ?? []));
  });

  router.post('/sheet', async (ctx) => {
    const kind = bodyKind(ctx);
    ctx.set('Cache-Control', 'no-store');
    let input: SheetInput | undefined;
    let personId: number | undefined;
    const roundId = requireId(ctx, 'r');
    const branchId = requireId(ctx, 'b');
    try {
      const store = scoringStore(db);
      const person = await linkHolder(deps, ctx, scoringResource.sheets(roundId), expiredSheetLinkMessage(store, roundId, deps));
      personId = person.id;
      const round = await store.round(roundId);
      if (!round) throw new NotFoundError('该互观互检不存在。');
      input = await readSheetInput(ctx, kind, round.scheme);
      const req = input;
      const now = deps.clock.now();
      const saved = await db.transaction((tx) =>
        saveScorerSheet(scoringStore(tx), { roundId, personId: person.id, branchId, entries: req.entries, comment: req.comment, submit: req.action === 'submit', source: 'h5', now }),
      );
      const { sheet } = saved;
      if (kind === 'form') {
        ctx.redirect(`${sheetUrl(tokenOf(ctx), roundId, branchId)}&saved=${sheet.status === 'submitted' ? 'submit' : 'draft'}`);
        ctx.status = 303;
        return;
      }
      ctx.body = { ok: true, status: sheet.status, totalText: pointsText(saved.totalCents), revision: sheet.revision, statusText: sheetStatusText(sheet, deps.config.timezone, now) };
    } catch (e) {
      if (!(e instanceof AppError) || !e.expose) throw e;
      const problems: SheetProblem[] = e instanceof SheetInvalidError ? e.problems : [];
      const message = e instanceof SheetInvalidError ? `评分表有${problems.length}处需要修改，请看标红的项目。` : e.message;
      if (kind === 'json') {
        ctx.status = e.status;
        ctx.body = { ok: false, message, problems: problems.map((p) => ({ itemId: p.itemId, message: p.message })) };
        return;
      }
      // A plain form: show the sheet again with what was typed and what is wrong, when there is a sheet to show.
      if (input === undefined || personId === undefined || (e.status !== 400 && e.status !== 409)) throw e;
      const store = scoringStore(db);
      const target = await sheetTarget(store, roundId, personId, branchId);
      const sheet = sheetOf(await store.sheets(roundId), personId, branchId);
      const m = model(ctx, target, sheet, {
        texts: input.texts ?? textsOf(sheet),
        comment: input.comment ?? '',
        problems,
        notice: { kind: 'error', message },
        unsaved: true,
      });
      sendPage(ctx, e.status, renderSheetPage(m, input.entries));
    }
  });
}
