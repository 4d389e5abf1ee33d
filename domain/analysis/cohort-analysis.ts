import type { AnalysisSpec, MetricRule } from './analysis-spec';
import { hodgesLehmann } from './hodges-lehmann';
import { mannWhitney } from './mann-whitney';
import { medianOfSorted, sortedAscending } from './order-statistics';
import { formatPercent, formatPercentRange, formatPValue, formatSetting, formatValue } from './number-format';
import { splitOutliers } from './tukey-outliers';

/** One value per device: its mean of the metric over the analysis window. */
export interface CohortValues {
  updated: number[];
  baseline: number[];
}

export type MetricVerdict = 'pass' | 'fail' | 'inconclusive';

export interface MetricAnalysis {
  metric: string;
  verdict: MetricVerdict;
  critical: boolean;
  /** Devices per cohort after outlier removal. */
  updatedCount: number;
  baselineCount: number;
  removedOutliers: { updated: number; baseline: number };
  /** One-sided, in the direction that is worse for the metric; null when too few samples. */
  pValue: number | null;
  /** Hodges-Lehmann estimate of updated − baseline, in metric units. */
  shift: number | null;
  /** Its confidence interval at `confidence`. */
  shiftInterval: [number, number] | null;
  /** The shift relative to the baseline median, + = worse for the direction; null when that median is 0. */
  regressionPercent: number | null;
  /** The interval in the same terms (+ = worse), lower end first. */
  regressionInterval: [number, number] | null;
  /** One line for an operator. */
  reason: string;
}

export interface WaveAnalysis {
  verdict: MetricVerdict;
  metrics: MetricAnalysis[];
  reason: string;
}

/**
 * Judges one metric of a wave: the updated devices against the baseline (not-yet-updated devices of the same sites and
 * models over the same window). Outliers are removed per cohort (Tukey), the shift is tested one-sided in the worse
 * direction (Mann-Whitney U) and estimated with its interval (Hodges-Lehmann), both relative to the baseline median.
 *  - inconclusive: either cohort has fewer than `minSamplesPerCohort` values left;
 *  - fail: the regression is significant (p < 1 − confidence) and its estimate exceeds `maxRegressionPercent`;
 *  - pass: the worse end of the regression interval is at or below `maxRegressionPercent`;
 *  - inconclusive otherwise (too noisy to tell either way: more devices or a longer window will).
 * When the baseline median is 0 (e.g. no restarts) a percentage means nothing: any significant worsening fails, and
 * the metric passes when the interval's worse end is at or below 0.
 * Non-finite values (a device that sent no number) are ignored.
 */
export function analyzeMetric(rule: MetricRule, values: CohortValues, spec: Pick<AnalysisSpec, 'confidence' | 'minSamplesPerCohort'>): MetricAnalysis {
  const updated = splitOutliers(values.updated.filter(Number.isFinite));
  const baseline = splitOutliers(values.baseline.filter(Number.isFinite));
  const counts = {
    metric: rule.name,
    critical: rule.critical,
    updatedCount: updated.kept.length,
    baselineCount: baseline.kept.length,
    removedOutliers: { updated: updated.removed.length, baseline: baseline.removed.length },
  };
  const cohorts = `${counts.updatedCount} updated vs ${counts.baselineCount} baseline devices`;
  const required = Math.max(1, spec.minSamplesPerCohort);
  if (counts.updatedCount < required || counts.baselineCount < required) {
    return {
      ...counts, verdict: 'inconclusive', pValue: null, shift: null, shiftInterval: null, regressionPercent: null, regressionInterval: null,
      reason: `${rule.name}: ${cohorts}${outlierNote(counts.removedOutliers)}, fewer than the ${required} required per cohort`,
    };
  }

  const worseSign = rule.direction === 'lower-is-better' ? 1 : -1;
  const { pValue } = mannWhitney(updated.kept, baseline.kept, worseSign > 0 ? 'greater' : 'less');
  const estimate = hodgesLehmann(updated.kept, baseline.kept, spec.confidence);
  const baselineMedian = medianOfSorted(sortedAscending(baseline.kept));
  const significant = pValue < 1 - spec.confidence;
  const confidenceLabel = `${formatSetting(spec.confidence * 100)} % CI`;
  const limit = `the ${formatSetting(rule.maxRegressionPercent)} % limit`;

  if (baselineMedian === 0) {
    const worse = orderedPair(estimate.interval[0] * worseSign, estimate.interval[1] * worseSign);
    const worseShift = estimate.shift * worseSign;
    const verdict: MetricVerdict = significant && worseShift > 0 ? 'fail' : worse[1] <= 0 ? 'pass' : 'inconclusive';
    const summary = `${rule.name} shifted by ${formatValue(estimate.shift)} from a baseline median of 0 (${confidenceLabel} ${formatValue(estimate.interval[0])} to ${formatValue(estimate.interval[1])}, ${formatPValue(pValue)}), ${cohorts}`;
    const judgement = verdict === 'fail' ? 'significantly worse than a zero baseline' : verdict === 'pass' ? 'no worse than the baseline' : 'not significant, yet it may be worse';
    return {
      ...counts, verdict, pValue, shift: estimate.shift, shiftInterval: estimate.interval, regressionPercent: null, regressionInterval: null,
      reason: `${summary}: ${judgement}`,
    };
  }

  const toPercent = (shift: number) => ((shift * worseSign) / Math.abs(baselineMedian)) * 100;
  const regressionPercent = toPercent(estimate.shift);
  const regressionInterval = orderedPair(toPercent(estimate.interval[0]), toPercent(estimate.interval[1]));
  const verdict: MetricVerdict = significant && regressionPercent > rule.maxRegressionPercent
    ? 'fail'
    : regressionInterval[1] <= rule.maxRegressionPercent ? 'pass' : 'inconclusive';
  // The interval is written in the sense of the headline: "20.0 % better (95 % CI 18.4–21.6 %)".
  const worse = regressionPercent >= 0;
  const shown = worse ? regressionInterval : orderedPair(-regressionInterval[1], -regressionInterval[0]);
  const summary = `${rule.name} ${formatPercent(Math.abs(regressionPercent))} % ${worse ? 'worse' : 'better'} (${confidenceLabel} ${formatPercentRange(shown[0], shown[1])}, ${formatPValue(pValue)}), ${cohorts}`;
  const judgement = verdict === 'fail'
    ? `above ${limit}`
    : verdict === 'pass'
      ? `within ${limit}`
      : significant ? `the estimate is within ${limit} but the interval reaches past it` : `not significant, yet the interval reaches past ${limit}`;
  return {
    ...counts, verdict, pValue, shift: estimate.shift, shiftInterval: estimate.interval, regressionPercent, regressionInterval,
    reason: `${summary}${outlierNote(counts.removedOutliers)}: ${judgement}`,
  };
}

/**
 * Judges a wave on every metric of the spec: fail if a critical metric fails; pass if every metric passes (a failing
 * non-critical metric is reported but does not hold the wave back); inconclusive otherwise. A metric without values
 * counts as a cohort with no devices.
 */
export function analyzeWave(spec: AnalysisSpec, values: Record<string, CohortValues>): WaveAnalysis {
  const metrics = spec.metrics.map((rule) => analyzeMetric(rule, values[rule.name] ?? { updated: [], baseline: [] }, spec));
  const criticalFailures = metrics.filter((m) => m.verdict === 'fail' && m.critical);
  const open = metrics.filter((m) => m.verdict === 'inconclusive');
  const reported = metrics.filter((m) => m.verdict === 'fail' && !m.critical);
  const notes = reported.length > 0 ? `; reported, not critical: ${reported.map((m) => m.reason).join('; ')}` : '';
  if (criticalFailures.length > 0) {
    return { verdict: 'fail', metrics, reason: `failed: ${criticalFailures.map((m) => m.reason).join('; ')}` };
  }
  if (open.length > 0) {
    return { verdict: 'inconclusive', metrics, reason: `inconclusive: ${open.map((m) => m.reason).join('; ')}${notes}` };
  }
  const passed = metrics.length - reported.length;
  return { verdict: 'pass', metrics, reason: `passed: ${passed} of ${metrics.length} metric${metrics.length === 1 ? '' : 's'} within limits${notes}` };
}

function orderedPair(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

function outlierNote(removed: { updated: number; baseline: number }): string {
  const total = removed.updated + removed.baseline;
  if (total === 0) return '';
  return ` (${total} outlier${total === 1 ? '' : 's'} removed: ${removed.updated} updated, ${removed.baseline} baseline)`;
}
