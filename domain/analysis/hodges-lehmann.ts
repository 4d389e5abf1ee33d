import { thinSorted } from './deterministic-thinning';
import { cumulativeAt, exactLimitPerCohort, exactUCumulative } from './mann-whitney-exact';
import { normalQuantile } from './normal-distribution';
import { medianOfSorted, sortedAscending, valueAt } from './order-statistics';

/** Cohorts above this size are thinned before the m·n pairwise differences are formed (4 million at most). */
export const maxValuesPerCohort = 2000;

export interface ShiftEstimate {
  /** Hodges-Lehmann estimate of the shift x − y: the median of all differences xᵢ − yⱼ. */
  shift: number;
  /** Two-sided distribution-free (Moses) confidence interval at `confidence`, from order statistics of the differences. */
  interval: [number, number];
  /** How the order statistic of the interval was chosen. */
  method: 'exact' | 'normal';
  /** True when a cohort had more than `maxValuesPerCohort` values and was thinned (see thinSorted). */
  thinned: boolean;
}

/**
 * Hodges-Lehmann shift estimate of x against y with its confidence interval [D(C), D(mn + 1 − C)], D(k) the k-th
 * smallest pairwise difference (Hollander & Wolfe, Nonparametric Statistical Methods, section 4.3). C is chosen as
 * the rank test would: exactly, C − 1 the largest u with P(U ≤ u) ≤ (1 − confidence)/2, for small cohorts without
 * ties; otherwise by the large-sample approximation C = mn/2 − z·√(mn(m + n + 1)/12), rounded to the nearest integer.
 * When the cohorts are too small to reach the confidence, C = 1: the interval spans every difference.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence: number): ShiftEstimate {
  if (x.length === 0 || y.length === 0) throw new RangeError(`a shift needs values in both samples, got ${x.length} and ${y.length}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  const xs = thinSorted(sortedAscending(x), maxValuesPerCohort);
  const ys = thinSorted(sortedAscending(y), maxValuesPerCohort);
  const m = xs.length;
  const n = ys.length;
  const differences = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const xi = valueAt(xs, i);
    for (let j = 0; j < n; j++) differences[i * n + j] = xi - valueAt(ys, j);
  }
  differences.sort();

  const alphaHalf = (1 - confidence) / 2;
  const exact = m <= exactLimitPerCohort && n <= exactLimitPerCohort && !hasTies(xs, ys);
  const c = exact ? exactOrder(m, n, alphaHalf) : approximateOrder(m, n, alphaHalf);
  return {
    shift: medianOfSorted(differences),
    interval: [valueAt(differences, c - 1), valueAt(differences, m * n - c)],
    method: exact ? 'exact' : 'normal',
    thinned: m < x.length || n < y.length,
  };
}

function exactOrder(m: number, n: number, alphaHalf: number): number {
  const cumulative = exactUCumulative(m, n);
  let u = -1;
  while (cumulativeAt(cumulative, u + 1) <= alphaHalf) u++;
  return Math.max(1, u + 1);
}

function approximateOrder(m: number, n: number, alphaHalf: number): number {
  const c = Math.round((m * n) / 2 - normalQuantile(1 - alphaHalf) * Math.sqrt((m * n * (m + n + 1)) / 12));
  return Math.min(Math.max(1, c), Math.ceil((m * n) / 2));
}

function hasTies(xs: Float64Array, ys: Float64Array): boolean {
  const pooled = Float64Array.from([...xs, ...ys]).sort();
  for (let i = 1; i < pooled.length; i++) if (valueAt(pooled, i) === valueAt(pooled, i - 1)) return true;
  return false;
}
