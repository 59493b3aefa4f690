import { accessSync } from 'node:fs';
import { renderAsync } from '@resvg/resvg-js';
import { cjkFont } from './font.js';
import type { ChartFontOptions } from './font.js';

export interface PngOptions extends ChartFontOptions {
  /** Width of the image in pixels; the height follows the SVG's aspect ratio. */
  width: number;
  /** Background colour (default white: card images are shown on any background). */
  background?: string;
}

/**
 * Rasterises an SVG (from renderChartSvg) to PNG with resvg, on libuv's thread pool so the event loop keeps
 * serving. Cost grows with the number of glyphs (resvg outlines each one from the CFF font: a few ms per glyph
 * with Noto Sans CJK), so card images should be card-sized charts (e.g. completionByBranchBar with `limit`).
 * Renders whatever fonts it has: without a CJK font Chinese text comes out empty — use renderPngOrNull for
 * anything a person will see.
 */
export async function renderPng(svg: string, opts: PngOptions): Promise<Buffer> {
  if (!Number.isInteger(opts.width) || opts.width < 1 || opts.width > 10_000) {
    throw new RangeError(`renderPng: width must be a whole number of pixels 1–10000 (got ${opts.width})`);
  }
  const font = cjkFont(opts);
  const image = await renderAsync(svg, {
    fitTo: { mode: 'width', value: opts.width },
    background: opts.background ?? '#ffffff',
    font: {
      // With a CJK font, only it (and its bold face, for titles): Noto Sans CJK has Latin and digits too, the
      // image does not depend on what else is installed, and no time goes into scanning the system's fonts.
      loadSystemFonts: font === null && opts.systemFonts !== false,
      fontFiles: font ? [font, ...boldSibling(font)] : [],
      // The SVG's first family; for another Chinese font resvg falls back to any loaded face with the glyph.
      defaultFontFamily: 'Noto Sans CJK SC',
      sansSerifFamily: 'Noto Sans CJK SC',
    },
    logLevel: 'off',
  });
  return image.asPng();
}

/** NotoSansCJK-Regular.ttc → NotoSansCJK-Bold.ttc when it is there. */
function boldSibling(path: string): string[] {
  const bold = path.replace(/Regular(\.\w+)$/, 'Bold$1');
  if (bold === path) return [];
  try {
    accessSync(bold);
    return [bold];
  } catch {
    return [];
  }
}

/**
 * renderPng, or null when no CJK font is available — the caller then sends a text card, never an image
 * with tofu boxes or missing labels.
 */
export async function renderPngOrNull(svg: string, opts: PngOptions): Promise<Buffer | null> {
  return cjkFont(opts) === null ? null : renderPng(svg, opts);
}
