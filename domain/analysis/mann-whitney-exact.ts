import { valueAt } from './order-statistics';

/** Cohorts at most this large (both) without ties get the exact null distribution of U; larger ones the normal one. */
export const exactLimitPerCohort = 20;

/**
 * The null distribution of the Mann-Whitney U for cohorts of m and n values without ties, as cumulative
 * probabilities: result[u] = P(U ≤ u), u = 0…m·n. Counts arrangements by the standard recursion
 * f(u; m, n) = f(u − n; m − 1, n) + f(u; m, n − 1) (the largest value belongs to one cohort or to the other), with
 * f(0; 0, n) = f(0; m, 0) = 1. Counts stay exact in doubles up to C(40, 20) ≈ 1.4e11.
 */
export function exactUCumulative(m: number, n: number): Float64Array {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || n < 1 || m > exactLimitPerCohort || n > exactLimitPerCohort) {
    throw new RangeError(`the exact U distribution is for 1…${exactLimitPerCohort} values per cohort, got ${m} and ${n}`);
  }
  // counts[i][j] is the distribution of f(·; i, j); row by row, each from the row above and the column to the left.
  let above: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const row: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const counts = new Float64Array(i * j + 1);
      const fromAbove = valueAtRow(above, j); // f(·; i − 1, j), shifted by j
      for (let u = 0; u < fromAbove.length; u++) counts[u + j] = valueAt(fromAbove, u);
      const fromLeft = valueAtRow(row, j - 1); // f(·; i, j − 1)
      for (let u = 0; u < fromLeft.length; u++) counts[u] = valueAt(counts, u) + valueAt(fromLeft, u);
      row.push(counts);
    }
    above = row;
  }
  const counts = valueAtRow(above, n);
  let total = 0;
  for (let u = 0; u < counts.length; u++) total += valueAt(counts, u);
  const cumulative = new Float64Array(counts.length);
  let running = 0;
  for (let u = 0; u < counts.length; u++) {
    running += valueAt(counts, u);
    cumulative[u] = running / total;
  }
  return cumulative;
}

function valueAtRow(row: Float64Array[], index: number): Float64Array {
  const counts = row[index];
  if (!counts) throw new RangeError(`no distribution at ${index}`);
  return counts;
}

/** P(U ≤ u) from a cumulative table; 0 below the support, 1 above it. */
export function cumulativeAt(cumulative: Float64Array, u: number): number {
  if (u < 0) return 0;
  if (u >= cumulative.length - 1) return 1;
  return valueAt(cumulative, Math.floor(u));
}
