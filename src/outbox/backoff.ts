/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): spreads the
 * retries of many failed rows so a platform that was briefly busy is not hit by all of them at once.
 */
export function backoffMs(attempt: number, opts: { baseMs?: number; maxMs?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 2000;
  const max = opts.maxMs ?? 10 * 60_000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const r = (opts.random ?? Math.random)();
  // At least half the ceiling, so a retry never comes back immediately.
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
