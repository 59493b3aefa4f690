import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * The font-family list written into every chart. Noto Sans CJK comes first because that is the font the
 * PNG renderer loads (Debian `fonts-noto-cjk`); the rest are what phones and desktops opening the H5 page have.
 * zrender writes this list unescaped into a double-quoted `style` attribute, so family names are quoted with
 * single quotes only, and the list must not contain "mono" (zrender's text-width estimate would treat it as
 * monospace and truncate labels at the wrong length).
 */
export const CHART_FONT_FAMILY =
  "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Source Han Sans CN', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', sans-serif";

/** Options shared by the font detector and the PNG renderer. */
export interface ChartFontOptions {
  /** A CJK font file (.ttc/.otf/.ttf) to use; checked first. Pass it from configuration, not from users. */
  fontPath?: string | null;
  /** Search the usual install locations and fontconfig, and let the renderer load system fonts (default true). */
  systemFonts?: boolean;
}

/**
 * Where distributions install Noto Sans CJK (static, non-variable faces). Checked before asking fontconfig,
 * which may be absent in slim containers.
 */
const KNOWN_CJK_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', // Debian, Ubuntu: fonts-noto-cjk
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', // Arch: noto-fonts-cjk
  '/usr/share/fonts/noto/NotoSansCJK-Regular.ttc', // Alpine: font-noto-cjk
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', // Fedora, RHEL: google-noto-sans-cjk-ttc-fonts
  '/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf',
  '/System/Library/Fonts/Hiragino Sans GB.ttc', // macOS (development machines)
];

const OUTLINE_FONT = /\.(ttc|otc|otf|ttf)$/i;

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Ranks fontconfig's Chinese fonts: Noto/Source Han Sans Regular first, any other outline CJK font last. */
function rank(path: string): number {
  const name = path.toLowerCase();
  let score = 0;
  if (/notosanscjk|noto ?sans ?(cjk|sc)|sourcehansans|source han sans/.test(name)) score -= 4;
  if (/regular/.test(name)) score -= 2;
  if (/serif|mono|bold|light|thin|black|medium|\bvf\b|-vf\./.test(name)) score += 1;
  return score;
}

function fromFontconfig(): string | null {
  let out: string;
  try {
    // `fc-list :lang=zh file` prints one "path: " line per face that covers Chinese.
    out = execFileSync('fc-list', [':lang=zh', 'file'], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null; // no fontconfig (slim image) or it failed: treat as "no font"
  }
  const files = [...new Set(out.split('\n').map((l) => l.replace(/:\s*$/, '').trim()))].filter((f) => OUTLINE_FONT.test(f) && readable(f));
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return files[0] ?? null;
}

// The system search runs fc-list, so it is done once per process (a font installed later needs a restart).
let systemFont: string | null | undefined;

function findSystemFont(): string | null {
  if (systemFont === undefined) systemFont = KNOWN_CJK_FONTS.find(readable) ?? fromFontconfig();
  return systemFont;
}

/**
 * The CJK font file the PNG renderer will use, or null when there is none (then the caller sends a text card
 * instead of an image — never one with tofu boxes). `fontPath`, when given and readable, wins; otherwise,
 * unless `systemFonts` is false, the usual locations and `fc-list :lang=zh file` are searched.
 */
export function cjkFont(opts: ChartFontOptions = {}): string | null {
  if (opts.fontPath && readable(opts.fontPath)) return opts.fontPath;
  return opts.systemFonts === false ? null : findSystemFont();
}
