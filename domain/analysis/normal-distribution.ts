/** The standard normal distribution: its CDF and its quantile function. */

const logSqrtTwoPi = 0.9189385332046727;

/**
 * Φ(x). Inside |x| ≤ 3 by Marsaglia's Taylor series (G. Marsaglia, "Evaluating the Normal Distribution", Journal of
 * Statistical Software 11(4), 2004): Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …), absolute error about 1e-15. Further
 * out, where that sum would cancel against ½, the tail by Laplace's continued fraction
 * Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), which keeps small p-values precise.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < -3) return upperTailBeyondThree(-x);
  if (x > 3) return 1 - upperTailBeyondThree(x);
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

/** Q(x) for x > 3 by the continued fraction, evaluated from a deep enough level back to the top. */
function upperTailBeyondThree(x: number): number {
  if (x >= 40) return 0;
  let fraction = x;
  for (let k = 300; k >= 1; k--) fraction = x + k / fraction;
  return Math.exp(-0.5 * x * x - logSqrtTwoPi) / fraction;
}

/** P(Z > x), computed as Φ(−x) so small upper tails keep their precision. */
export function normalUpperTail(x: number): number {
  return normalCdf(-x);
}

/** The x with Φ(x) = p, by Newton's method on normalCdf, kept inside a shrinking bracket (bisection as a fallback). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  let low = -40;
  let high = 40;
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
