import { ValidationError } from '../src/errors.js';

/**
 * Fits `head + body + tail` lines into `max` units (bytes or characters, per `measure`). When it does not fit,
 * body lines are dropped from the end and replaced by `more(omitted)` — a visible "…另有 N 项，见详情" line —
 * so nothing disappears silently. Throws when even head + tail + the "more" line do not fit.
 */
export function fitLines(opts: {
  head: readonly string[];
  body: readonly string[];
  tail: readonly string[];
  max: number;
  measure: (s: string) => number;
  /** Absent when nothing could point to the rest (no link): then overflow throws. */
  more?: (omitted: number) => string;
  what: string;
}): string[] {
  const join = (lines: readonly string[]): string => lines.filter((l) => l !== '').join('\n');
  const all = [...opts.head, ...opts.body, ...opts.tail];
  if (opts.measure(join(all)) <= opts.max) return all.filter((l) => l !== '');
  const more = opts.more;
  for (let keep = opts.body.length - 1; more && keep >= 0; keep--) {
    const lines = [...opts.head, ...opts.body.slice(0, keep), more(opts.body.length - keep), ...opts.tail];
    if (opts.measure(join(lines)) <= opts.max) return lines.filter((l) => l !== '');
  }
  throw new ValidationError(`${opts.what} 超出长度限制（${opts.max}），无法降级`, { max: opts.max, what: opts.what });
}
