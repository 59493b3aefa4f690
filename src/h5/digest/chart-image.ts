import type { Context, Middleware } from 'koa';
import { cjkFont, completionByBranchBar, renderChartSvg, renderPngOrNull, type ChartFontOptions } from '../../charts/index.js';
import { digestStore } from '../../db/repositories/digest-store.js';
import { personView } from '../../db/repositories/people-directory.js';
import { isIsoDate } from '../../domain/calendar.js';
import { DIGEST_CHART_ASPECT, DIGEST_CHART_BRANCHES, digestChartRows, digestChartTitle } from '../../domain/digest/chart.js';
import { figuresForPerson } from '../../domain/digest/compute.js';
import type { DigestFigures } from '../../domain/digest/types.js';
import type { AppDeps } from '../../http/deps.js';
import { digestChartResource } from '../link-signer.js';
import { verifyToken } from '../signed-link.js';

/**
 * The chart is laid out 480 px wide and rasterised at 2.5× to a 1200 × 600 PNG. A card image is shown about
 * 330 px wide on a phone, so a layout narrower than the H5 page's 640 px keeps its 12 px labels legible
 * there (long branch names end in "…"; the detail page has them in full).
 */
export const DIGEST_CHART_IMAGE = { layoutWidth: 480, pngWidth: 1200 } as const;

/** Images kept in memory: WeCom and the phone fetch the same image more than once. */
const CACHE_ENTRIES = 200;

export interface DigestChartImageOptions {
  /** Where the CJK font comes from: configuration (CHART_FONT_PATH) and the system's; never from a request. */
  font: ChartFontOptions;
  cacheEntries?: number;
}

/**
 * `GET /h5/digest/chart.png?t=…&d=YYYY-MM-DD`: the card image of LinkSigner.digestChart — the holder's
 * completion by branch this month, from the figures stored for that day (what their latest card said;
 * recomputed like the detail page when none are stored). Answers in plain text, never with figures, when the
 * link is bad (403) or this server has no CJK font (404: the cards are text-only then). Drawn images are kept
 * in a small LRU keyed by person, day and computation, so repeated fetches do not redraw; concurrent fetches
 * of the same image share one drawing.
 */
export function digestChartImage(deps: AppDeps, opts: DigestChartImageOptions): Middleware {
  const cache = new Lru<Promise<Buffer | null>>(opts.cacheEntries ?? CACHE_ENTRIES);
  const db = deps.database.db;

  return async (ctx) => {
    const date = typeof ctx.query.d === 'string' && isIsoDate(ctx.query.d) ? ctx.query.d : '';
    if (!date) return plain(ctx, 400, '链接不完整。');
    const res = verifyToken(deps.appSecret, typeof ctx.query.t === 'string' ? ctx.query.t : '', deps.clock.now(), digestChartResource(date));
    if (!res.ok) return plain(ctx, 403, res.reason === 'expired' ? '链接已过期。' : '链接无效。');
    if (cjkFont(opts.font) === null) return plain(ctx, 404, '本服务器没有中文字体，不生成图表图片；请打开简报详情查看图表。');
    const person = await personView(db, res.claims.personId);
    if (!person || !(person.roles.includes('leader') || person.roles.includes('admin'))) return plain(ctx, 403, '今日简报只发给领导和机关党委管理员。');
    const store = digestStore(db, { timezone: deps.config.timezone });
    const figures = (await store.snapshot(person.id, date)) ?? (await figuresForPerson(store, person, { date, now: deps.clock.now() }));
    if (!figures) return plain(ctx, 403, '今日简报只发给领导和机关党委管理员。');

    const key = `${person.id}:${date}:${figures.computedAt}`;
    let png = cache.get(key);
    if (!png) {
      png = draw(figures, opts.font).then(({ png: image, ms }) => {
        deps.logger.debug({ personId: person.id, date, ms, bytes: image?.length ?? 0 }, 'digest chart image drawn');
        return image;
      });
      cache.set(key, png);
      const drawing = png;
      drawing.catch(() => cache.deleteIf(key, drawing)); // a failed drawing is tried again next time
    }
    const image = await png;
    if (!image) return plain(ctx, 404, '本服务器没有中文字体，不生成图表图片；请打开简报详情查看图表。');
    ctx.type = 'image/png';
    ctx.set('Cache-Control', 'private, max-age=300');
    ctx.body = image;
  };
}

function plain(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = message;
}

/** The card image for these figures (null without a CJK font) and how long it took, in milliseconds. */
export async function draw(figures: DigestFigures, font: ChartFontOptions): Promise<{ png: Buffer | null; ms: number }> {
  const started = performance.now();
  const spec = completionByBranchBar(digestChartRows(figures), { title: digestChartTitle(figures), limit: DIGEST_CHART_BRANCHES });
  const width = DIGEST_CHART_IMAGE.layoutWidth;
  const svg = renderChartSvg(spec, { width, height: Math.round(width / DIGEST_CHART_ASPECT) });
  const png = await renderPngOrNull(svg, { ...font, width: DIGEST_CHART_IMAGE.pngWidth });
  return { png, ms: Math.round(performance.now() - started) };
}

/** Least recently used first out: a Map iterates in insertion order, and a hit is re-inserted. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  deleteIf(key: string, v: V): void {
    if (this.map.get(key) === v) this.map.delete(key);
  }
}
