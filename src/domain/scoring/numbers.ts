/**
 * Exact arithmetic for scores. Points carry at most two decimals, so sheets are summed in integer hundredths
 * ("cents"); means and weights are exact fractions (bigint), so a star threshold of 95 is never missed by a
 * floating-point 94.99999. Rounding happens only when a number is shown.
 */

/** Hundredths of a point in one point. */
export const CENTS = 100;

/** An exact non-negative fraction n/d (d > 0, reduced). */
export interface Ratio {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

export function ratio(n: bigint | number, d: bigint | number = 1n): Ratio {
  let bn = BigInt(n);
  let bd = BigInt(d);
  if (bd === 0n) throw new RangeError('ratio: zero denominator');
  if (bd < 0n) [bn, bd] = [-bn, -bd];
  const g = gcd(bn, bd);
  return { n: bn / g, d: bd / g };
}

export const ZERO = ratio(0);
export const ONE = ratio(1);

export function add(a: Ratio, b: Ratio): Ratio {
  return ratio(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function mul(a: Ratio, b: Ratio): Ratio {
  return ratio(a.n * b.n, a.d * b.d);
}

/** -1, 0 or 1 like a sort comparator. */
export function cmp(a: Ratio, b: Ratio): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function toNumber(r: Ratio): number {
  return Number(r.n) / Number(r.d);
}

/** The largest integer ≤ r. */
export function floorOf(r: Ratio): number {
  const q = r.n / r.d;
  return Number(r.n < 0n && q * r.d !== r.n ? q - 1n : q);
}

/** The smallest integer ≥ r. */
export function ceilOf(r: Ratio): number {
  const f = floorOf(r);
  return ratio(f).n * r.d === r.n ? f : f + 1;
}

/** A decimal as written (0.7 → 7/10, 95 → 95), read from its shortest string form so 0.7 is exactly 7/10. */
export function fromDecimal(x: number): Ratio {
  if (!Number.isFinite(x)) throw new RangeError(`fromDecimal: ${x}`);
  const s = Math.abs(x) < 1e-6 && x !== 0 ? x.toFixed(12) : String(x);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new RangeError(`fromDecimal: ${s}`);
  const frac = m[3] ?? '';
  const n = BigInt(`${m[1]}${m[2]}${frac}`);
  return ratio(n, 10n ** BigInt(frac.length));
}

/** Points (a number with at most two decimals) → integer hundredths, or null if it has more decimals. */
export function toCents(points: number): number | null {
  const cents = Math.round(points * CENTS);
  return Math.abs(cents - points * CENTS) < 1e-6 ? cents : null;
}

export function centsToPoints(cents: number): number {
  return cents / CENTS;
}

/** "89.67", "92", "89.5": half up to two decimals, trailing zeros dropped. */
export function formatRatio(r: Ratio): string {
  const neg = r.n < 0n;
  const abs = neg ? -r.n : r.n;
  const hundredths = (abs * 200n + r.d) / (2n * r.d);
  return (neg && hundredths !== 0n ? '-' : '') + formatCents(Number(hundredths));
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / CENTS);
  const frac = abs % CENTS;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

export function formatNumber(x: number): string {
  return formatRatio(fromDecimal(x));
}

/** 0.1 → "10%", 0.055 → "5.5%". */
export function formatShare(share: number): string {
  return `${formatRatio(mul(fromDecimal(share), ratio(100)))}%`;
}
