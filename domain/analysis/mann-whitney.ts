import { cumulativeAt, exactLimitPerCohort, exactUCumulative } from './mann-whitney-exact';
import { midRanks } from './mid-ranks';
import { normalCdf, normalUpperTail } from './normal-distribution';
import { valueAt } from './order-statistics';

/** `greater`: the alternative that x tends to be larger than y; `less`: smaller. */
export type OneSidedAlternative = 'greater' | 'less';

export interface MannWhitneyResult {
  /** U of x: the pairs (xᵢ, yⱼ) with xᵢ > yⱼ, ties counting ½ (R's `W` of `wilcox.test(x, y)`). */
  u: number;
  /** One-sided p-value for `alternative`. */
  pValue: number;
  method: 'exact' | 'normal';
}

export interface MannWhitneyOptions {
  /** Normal approximation only: shift U half a step towards its mean (default true, as R's `correct = TRUE`). */
  continuityCorrection?: boolean;
  /** false: the normal approximation even where the exact distribution applies (as R's `exact = FALSE`). */
  exact?: boolean;
}

/**
 * The Mann-Whitney U test of x against y, one-sided. U from the rank sum of x with mid-ranks for ties. The p-value is
 * exact (the permutation distribution of U) when both cohorts have at most `exactLimitPerCohort` values and there
 * are no ties; otherwise by the normal approximation with the tie-corrected variance
 * σ² = m·n/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))) and a continuity correction of ½.
 */
export function mannWhitney(x: readonly number[], y: readonly number[], alternative: OneSidedAlternative, options: MannWhitneyOptions = {}): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError(`the U test needs values in both samples, got ${m} and ${n}`);
  const { ranks, tieGroupSizes } = midRanks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < m; i++) rankSumX += valueAt(ranks, i);
  const u = rankSumX - (m * (m + 1)) / 2;
  const hasTies = tieGroupSizes.some((size) => size > 1);

  if (options.exact !== false && !hasTies && m <= exactLimitPerCohort && n <= exactLimitPerCohort) {
    const cumulative = exactUCumulative(m, n);
    const pValue = alternative === 'greater' ? 1 - cumulativeAt(cumulative, u - 1) : cumulativeAt(cumulative, u);
    return { u, pValue: clampProbability(pValue), method: 'exact' };
  }

  const total = m + n;
  const tieSum = tieGroupSizes.reduce((sum, t) => sum + (t * t * t - t), 0);
  const variance = ((m * n) / 12) * (total + 1 - tieSum / (total * (total - 1)));
  const mean = (m * n) / 2;
  if (variance <= 0) return { u, pValue: 1, method: 'normal' }; // every value equal: no evidence either way
  const correction = options.continuityCorrection === false ? 0 : 0.5;
  const sigma = Math.sqrt(variance);
  const pValue = alternative === 'greater'
    ? normalUpperTail((u - mean - correction) / sigma)
    : normalCdf((u - mean + correction) / sigma);
  return { u, pValue: clampProbability(pValue), method: 'normal' };
}

function clampProbability(p: number): number {
  return Math.min(1, Math.max(0, p));
}
