import type { AnalysisSpec, MetricRule } from '../../../../domain/analysis/analysis-spec';
import { analyzeMetric, analyzeWave, type CohortValues } from '../../../../domain/analysis/cohort-analysis';

const cycleTime: MetricRule = { name: 'cycleTimeMs', direction: 'lower-is-better', maxRegressionPercent: 10, critical: true };
const throughput: MetricRule = { name: 'partsPerHour', direction: 'higher-is-better', maxRegressionPercent: 5, critical: true };
const restarts: MetricRule = { name: 'restarts', direction: 'lower-is-better', maxRegressionPercent: 10, critical: false };
const settings = { confidence: 0.95, minSamplesPerCohort: 10 };

/** n devices spread evenly (±5 %) around `center`, in a scrambled order. */
function devices(n: number, center: number): number[] {
  return Array.from({ length: n }, (_, i) => center * (0.95 + (((i * 17) % n) / (n - 1)) * 0.1));
}
const scaled = (values: number[], factor: number) => values.map((v) => v * factor);

describe('analyzeMetric', () => {
  it('fails a cohort that is clearly 20 % slower, naming shift, interval and cohort sizes', () => {
    const baseline = devices(30, 1000);
    const result = analyzeMetric(cycleTime, { updated: scaled(baseline, 1.2), baseline }, settings);
    expect(result.verdict).toBe('fail');
    expect(result.regressionPercent).toBeCloseTo(20, 0);
    expect(result.shift).toBeCloseTo(200, -1);
    expect(result.pValue).toBeLessThan(0.0001);
    expect(result.regressionInterval?.[0]).toBeGreaterThan(10);
    expect(result.reason).toMatch(/^cycleTimeMs 2\d\.\d % worse \(95 % CI \d+\.\d–\d+\.\d %, p < 0\.0001\), 30 updated vs 30 baseline devices: above the 10 % limit$/);
  });

  it('passes a cohort within noise of the baseline', () => {
    const baseline = devices(30, 1000);
    const result = analyzeMetric(cycleTime, { updated: scaled(baseline, 1.005), baseline }, settings);
    expect(result.verdict).toBe('pass');
    expect(result.regressionInterval?.[1]).toBeLessThanOrEqual(10);
    expect(result.reason).toMatch(/: within the 10 % limit$/);
  });

  it('reads an improvement as a negative regression and passes it', () => {
    const baseline = devices(30, 1000);
    const result = analyzeMetric(cycleTime, { updated: scaled(baseline, 0.8), baseline }, settings);
    expect(result.verdict).toBe('pass');
    expect(result.regressionPercent).toBeCloseTo(-20, 0);
    expect(result.reason).toMatch(/^cycleTimeMs 2\d\.\d % better \(95 % CI \d+\.\d–\d+\.\d %/);
  });

  it('turns the direction round for a higher-is-better metric', () => {
    const baseline = devices(30, 600);
    const slower = analyzeMetric(throughput, { updated: scaled(baseline, 0.85), baseline }, settings);
    expect(slower.verdict).toBe('fail');
    expect(slower.regressionPercent).toBeCloseTo(15, 0);
    expect(slower.shift).toBeLessThan(0);
    const faster = analyzeMetric(throughput, { updated: scaled(baseline, 1.15), baseline }, settings);
    expect(faster.verdict).toBe('pass');
    expect(faster.regressionPercent).toBeCloseTo(-15, 0);
  });

  it('is inconclusive when too few devices are left after removing outliers, without figures', () => {
    const baseline = devices(10, 1000);
    const updated = [...devices(9, 1000), 5000];
    const result = analyzeMetric(cycleTime, { updated, baseline }, settings);
    expect(result).toMatchObject({
      verdict: 'inconclusive', updatedCount: 9, baselineCount: 10, removedOutliers: { updated: 1, baseline: 0 },
      pValue: null, shift: null, shiftInterval: null, regressionPercent: null, regressionInterval: null,
    });
    expect(result.reason).toBe('cycleTimeMs: 9 updated vs 10 baseline devices (1 outlier removed: 1 updated, 0 baseline), fewer than the 10 required per cohort');
  });

  it('removes a faulty device before judging, so it cannot fail a healthy cohort alone', () => {
    const baseline = devices(30, 1000);
    const updated = [...devices(29, 1000), 4000];
    const result = analyzeMetric(cycleTime, { updated, baseline }, settings);
    expect(result.removedOutliers.updated).toBe(1);
    expect(result.verdict).toBe('pass');
  });

  it('is inconclusive when a small, noisy cohort can neither show nor exclude a regression above the limit', () => {
    const baseline = Array.from({ length: 10 }, (_, i) => 700 + i * 60);
    const updated = baseline.map((v) => v * 1.08);
    const result = analyzeMetric(cycleTime, { updated, baseline }, settings);
    expect(result.verdict).toBe('inconclusive');
    expect(result.regressionInterval?.[1]).toBeGreaterThan(10);
    expect(result.pValue).toBeGreaterThan(0.05);
    expect(result.reason).toMatch(/not significant, yet the interval reaches past the 10 % limit$/);
  });

  it('judges a metric whose baseline median is 0 on significance alone', () => {
    const baseline = [...Array<number>(25).fill(0), 1, 1, 0, 0, 0];
    const result = analyzeMetric(restarts, { updated: [...Array<number>(20).fill(2), ...Array<number>(10).fill(3)], baseline }, settings);
    expect(result.verdict).toBe('fail');
    expect(result.regressionPercent).toBeNull();
    expect(result.shift).toBe(2);
    expect(result.reason).toMatch(/^restarts shifted by 2 from a baseline median of 0 .*: significantly worse than a zero baseline$/);
    const same = analyzeMetric(restarts, { updated: Array<number>(30).fill(0), baseline: Array<number>(30).fill(0) }, settings);
    expect(same.verdict).toBe('pass');
  });

  it('ignores values that are not finite numbers', () => {
    const baseline = devices(30, 1000);
    const result = analyzeMetric(cycleTime, { updated: [...baseline, Number.NaN, Number.POSITIVE_INFINITY], baseline }, settings);
    expect(result.updatedCount).toBe(30);
    expect(result.verdict).toBe('pass');
  });
});

describe('analyzeWave', () => {
  const spec: AnalysisSpec = { metrics: [cycleTime, restarts], confidence: 0.95, minSamplesPerCohort: 10, inconclusive: 'extend' };
  const baseline = devices(30, 1000);
  const healthyCycle: CohortValues = { updated: scaled(baseline, 1.0), baseline };
  const slowCycle: CohortValues = { updated: scaled(baseline, 1.3), baseline };
  const noRestarts: CohortValues = { updated: Array<number>(30).fill(0), baseline: Array<number>(30).fill(0) };
  const manyRestarts: CohortValues = { updated: Array<number>(30).fill(4), baseline: Array<number>(30).fill(0) };

  it('fails when a critical metric fails, with that metric in the reason', () => {
    const wave = analyzeWave(spec, { cycleTimeMs: slowCycle, restarts: noRestarts });
    expect(wave.verdict).toBe('fail');
    expect(wave.reason).toMatch(/^failed: cycleTimeMs 3\d\.\d % worse/);
    expect(wave.metrics.map((m) => m.verdict)).toEqual(['fail', 'pass']);
  });

  it('passes when every metric passes', () => {
    const wave = analyzeWave(spec, { cycleTimeMs: healthyCycle, restarts: noRestarts });
    expect(wave).toMatchObject({ verdict: 'pass', reason: 'passed: 2 of 2 metrics within limits' });
  });

  it('passes despite a failing non-critical metric, and reports it', () => {
    const wave = analyzeWave(spec, { cycleTimeMs: healthyCycle, restarts: manyRestarts });
    expect(wave.verdict).toBe('pass');
    expect(wave.metrics[1]?.verdict).toBe('fail');
    expect(wave.reason).toMatch(/^passed: 1 of 2 metrics within limits; reported, not critical: restarts shifted by 4/);
  });

  it('is inconclusive when a metric has no values yet', () => {
    const wave = analyzeWave(spec, { cycleTimeMs: healthyCycle });
    expect(wave.verdict).toBe('inconclusive');
    expect(wave.reason).toBe('inconclusive: restarts: 0 updated vs 0 baseline devices, fewer than the 10 required per cohort');
  });
});
