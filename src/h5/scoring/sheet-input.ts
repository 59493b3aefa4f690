import type { Context } from 'koa';
import { z } from 'zod';
import { cleanText } from '../../domain/org/text.js';
import type { Scheme, SheetEntry } from '../../domain/scoring/types.js';
import { AppError, ValidationError } from '../../errors.js';
import { parseJsonText, readRawBody, storableText } from '../../http/read-body.js';
import { parseInput } from '../../http/validate.js';

/**
 * What a sheet POST carries, from the page's script (JSON) or from the plain form when the script did not run
 * (urlencoded: `points:<itemId>`, `reason:<itemId>`, `comment`, `action`). Both become the same request for
 * saveScorerSheet; numbers that are not numbers stay NaN so validateSheet names the item.
 */
export interface SheetInput {
  entries: SheetEntry[];
  comment: string | null;
  action: 'draft' | 'submit';
  /** A form post's texts as typed, to show them again next to the problems (form posts only). */
  texts?: Map<string, FieldTexts>;
}

export interface FieldTexts {
  points: string;
  reason: string;
}

const BODY_LIMIT = 256 * 1024;

const jsonBody = z.object({
  entries: z
    .array(
      z.object({
        itemId: z.string().min(1).max(100),
        points: z.union([z.number(), z.string().max(50), z.null()]).optional(),
        reason: z.string().max(500, '扣分理由最多500字').nullable().optional(),
      }),
    )
    .max(500),
  comment: z.string().max(5000).nullable().optional(),
  action: z.enum(['draft', 'submit']),
});

/** "8", "７.5", "6分" → a number; "" → null; anything else → NaN (validateSheet says "不是有效数字"). */
export function parsePoints(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  const text = cleanText(value).normalize('NFKC').replace(/分$/, '').trim();
  if (text === '') return null;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

export type BodyKind = 'json' | 'form';

/** JSON in, JSON out; a form post gets pages. */
export function bodyKind(ctx: Context): BodyKind {
  return ctx.request.is('application/json') ? 'json' : 'form';
}

export async function readSheetInput(ctx: Context, kind: BodyKind, scheme: Scheme): Promise<SheetInput> {
  const raw = (await readRawBody(ctx, BODY_LIMIT)).toString('utf8');
  if (kind === 'json') {
    const body = parseInput(jsonBody, parseJsonText(raw || '{}'), '评分表');
    return {
      entries: body.entries.map((e) => ({ itemId: e.itemId, points: parsePoints(e.points), reason: e.reason ?? null })),
      comment: body.comment ?? null,
      action: body.action,
    };
  }
  if (!ctx.request.is('application/x-www-form-urlencoded')) {
    throw new AppError('请通过评分表页面提交。', { status: 415, code: 'unsupported_media_type' });
  }
  const form = new URLSearchParams(raw);
  // %00 decodes to NUL, which PostgreSQL text cannot hold: refused here rather than failing the save.
  for (const [k, v] of form) if (!storableText(k) || !storableText(v)) throw new ValidationError('提交的内容含有无法保存的字符。');
  const action = form.get('action');
  const entries: SheetEntry[] = [];
  const texts = new Map<string, FieldTexts>();
  // In scheme order, so problems come back in the order the page shows the items.
  for (const item of scheme.categories.flatMap((c) => c.items)) {
    const pointsText = (form.get(`points:${item.id}`) ?? '').slice(0, 50);
    const reason = (form.get(`reason:${item.id}`) ?? '').slice(0, 500);
    texts.set(item.id, { points: pointsText, reason });
    const points = parsePoints(pointsText);
    if (points !== null) entries.push({ itemId: item.id, points, reason });
  }
  return { entries, comment: form.get('comment'), action: action === 'submit' ? 'submit' : 'draft', texts };
}
