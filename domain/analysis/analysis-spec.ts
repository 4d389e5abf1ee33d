/**
 * The `analysis` part of a rollout spec: which health metrics a wave is judged on, by how much each may regress, and
 * how sure the judgement must be. Validated at the edge (functions/); here it is plain data.
 */
export type MetricDirection = 'lower-is-better' | 'higher-is-better';

export interface MetricRule {
  /** A metric name of the health telemetry, e.g. `cycleTimeMs`. */
  name: string;
  direction: MetricDirection;
  /** The largest regression, in percent of the baseline median, that still passes. */
  maxRegressionPercent: number;
  /** A failing critical metric fails the wave; a failing non-critical one is only reported. */
  critical: boolean;
}

export interface AnalysisSpec {
  metrics: MetricRule[];
  /** Confidence of the test and of the interval, e.g. 0.95. */
  confidence: number;
  /** Fewer devices than this in either cohort (after outlier removal) make a metric inconclusive. */
  minSamplesPerCohort: number;
  /** What the orchestration does with an inconclusive wave: soak longer, or pause for a person. */
  inconclusive: 'extend' | 'pause';
}
