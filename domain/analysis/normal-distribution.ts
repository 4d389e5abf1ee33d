/** The standard normal distribution: its CDF and its quantile function. */

const logSqrtTwoPi = 0.9189385332046727;

/**
 * Φ(x) by Marsaglia's Taylor series (G. Marsaglia, "Evaluating the Normal Distribution", Journal of Statistical
 * Software 11(4), 2004): Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …), absolute error about 1e-15. Beyond |x| = 37 the
 * answer is 0 or 1 in double precision.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= -37) return 0;
  if (x >= 37) return 1;
  const square = x * x;
  let sum = x;
  let term = x;
  let previous = 0;
  for (let k = 3; sum !== previous; k += 2) {
    previous = sum;
    term *= square / k;
    sum += term;
  }
  return 0.5 + sum * Math.exp(-0.5 * square - logSqrtTwoPi);
}

/** P(Z > x), computed as Φ(−x) so small upper tails keep their precision. */
export function normalUpperTail(x: number): number {
  return normalCdf(-x);
}

/** The x with Φ(x) = p, by Newton's method on normalCdf, kept inside a shrinking bracket (bisection as a fallback). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  let low = -37;
  let high = 37;
  let x = 0;
  for (let i = 0; i < 200; i++) {
    const error = normalCdf(x) - p;
    if (error === 0) return x;
    if (error > 0) high = x;
    else low = x;
    const density = Math.exp(-0.5 * x * x - logSqrtTwoPi);
    let next = x - error / density;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}
