/**
 * Virtual devices' metric draws: many devices' values centre on the configured median with the configured spread,
 * each device keeps its own offset over time, the same profile gives the same numbers on every run, and a slower
 * version shifts every device's cycle time by the configured factor.
 */
import { healthMetrics, valueAt, type HealthMetrics } from '../../../../local-iothub/virtual-devices/health-metrics';
import type { MetricDistributions } from '../../../../local-iothub/virtual-devices/metric-rules';

const v1: MetricDistributions = {
  cycleTimeMs: { median: 1000, spread: 0.08 },
  cpuPercent: { median: 40, spread: 0.15 },
  errorRate: { median: 0.002, spread: 0.3 },
};
const v2: MetricDistributions = { ...v1, cycleTimeMs: { median: 1300, spread: 0.08 } };

const deviceIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `plant-a-ctl-b-${i}`);

function draw(deviceId: string, bucket: number, distributions = v1, seed = 'regression'): HealthMetrics {
  return healthMetrics({ seed, deviceId, bucket }, distributions, true);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function coefficientOfVariation(values: readonly number[]): number {
  const average = mean(values);
  return Math.sqrt(mean(values.map((value) => (value - average) ** 2))) / average;
}

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  const cov = mean(xs.map((x, i) => (x - mx) * (ys[i]! - my)));
  return cov / Math.sqrt(mean(xs.map((x) => (x - mx) ** 2)) * mean(ys.map((y) => (y - my) ** 2)));
}

describe('valueAt', () => {
  it('a standard score of 0 is the median, for times and for bounded metrics', () => {
    expect(valueAt({ median: 1300, spread: 0.08 }, undefined, 0)).toBeCloseTo(1300, 9);
    expect(valueAt({ median: 40, spread: 0.15 }, 100, 0)).toBeCloseTo(40, 9);
    expect(valueAt({ median: 0.002, spread: 0.3 }, 1, 0)).toBeCloseTo(0.002, 12);
  });

  it('bounded metrics stay inside their bounds even at extreme scores and spreads; spread 0 is a constant', () => {
    for (const z of [-7, -3, 3, 7]) {
      const cpu = valueAt({ median: 95, spread: 5 }, 100, z);
      expect(cpu).toBeGreaterThan(0);
      expect(cpu).toBeLessThanOrEqual(100);
      const errors = valueAt({ median: 0.5, spread: 5 }, 1, z);
      expect(errors).toBeGreaterThan(0);
      expect(errors).toBeLessThanOrEqual(1);
      expect(valueAt({ median: 1300, spread: 0 }, undefined, z)).toBe(1300);
    }
  });
});

describe('healthMetrics: the configured distribution', () => {
  // 3,000 devices in one interval. The standard error of a sample median is about 1.25 σ / √n on the log scale:
  // ≈ 0.2 % for cycle time and CPU, ≈ 0.7 % for errorRate (σ ≈ 0.29); the tolerances are about 5 of those.
  const messages = deviceIds(3000).map((id) => draw(id, 42));

  it('the median of many devices is the configured median (cycle time ±1 %, CPU ±1 %, errorRate ±3 %)', () => {
    expect(Math.abs(median(messages.map((m) => m.cycleTimeMs)) / 1000 - 1)).toBeLessThan(0.01);
    expect(Math.abs(median(messages.map((m) => m.cpuPercent)) / 40 - 1)).toBeLessThan(0.01);
    expect(Math.abs(median(messages.map((m) => m.errorRate)) / 0.002 - 1)).toBeLessThan(0.03);
  });

  it('cycle times spread with the configured coefficient of variation (0.08 ± 0.01)', () => {
    expect(coefficientOfVariation(messages.map((m) => m.cycleTimeMs))).toBeCloseTo(0.08, 2);
  });

  it('values stay within their bounds; healthy devices report no restarts', () => {
    for (const m of messages) {
      expect(m.restarts).toBe(0);
      expect(m.cycleTimeMs).toBeGreaterThan(0);
      expect(m.cpuPercent).toBeGreaterThan(0);
      expect(m.cpuPercent).toBeLessThan(100);
      expect(m.errorRate).toBeGreaterThan(0);
      expect(m.errorRate).toBeLessThan(1);
    }
  });

  it('over time too: 100 devices × 60 intervals have the configured median (±1 %)', () => {
    const cycleTimes = deviceIds(100).flatMap((id) => Array.from({ length: 60 }, (_, bucket) => draw(id, bucket).cycleTimeMs));
    expect(Math.abs(median(cycleTimes) / 1000 - 1)).toBeLessThan(0.01);
  });
});

describe('healthMetrics: devices keep their own offset', () => {
  it('a device that is slow in one hour is slow in the next (per-device means correlate above 0.9)', () => {
    const hourMean = (id: string, firstBucket: number) => mean(Array.from({ length: 60 }, (_, i) => draw(id, firstBucket + i).cycleTimeMs));
    const ids = deviceIds(200);
    expect(correlation(ids.map((id) => hourMean(id, 0)), ids.map((id) => hourMean(id, 60)))).toBeGreaterThan(0.9);
  });

  it('messages of one device still vary from interval to interval', () => {
    const values = new Set(Array.from({ length: 20 }, (_, bucket) => draw('plant-a-ctl-b-0', bucket).cycleTimeMs));
    expect(values.size).toBeGreaterThan(15);
  });
});

describe('healthMetrics: repeatable', () => {
  it('gives the same numbers on every run (values pinned from an earlier run)', () => {
    expect([0, 1, 2].map((bucket) => draw('plant-a-ctl-b-0', bucket))).toEqual([
      { restarts: 0, errorRate: 0.001661, cycleTimeMs: 889.4, cpuPercent: 34.9 },
      { restarts: 0, errorRate: 0.001595, cycleTimeMs: 963.1, cpuPercent: 36.4 },
      { restarts: 0, errorRate: 0.002732, cycleTimeMs: 926.3, cpuPercent: 38.57 },
    ]);
  });

  it('another profile seed gives the devices other offsets', () => {
    const ids = deviceIds(50);
    const changed = ids.filter((id) => draw(id, 7).cycleTimeMs !== draw(id, 7, v1, 'other').cycleTimeMs);
    expect(changed.length).toBeGreaterThan(45);
  });
});

describe('healthMetrics: a slower version', () => {
  it('each device’s cycle time is 1.3× in the same interval (to the 4 digits reported); other metrics equal', () => {
    for (const id of deviceIds(200)) {
      const before = draw(id, 9);
      const after = draw(id, 9, v2);
      // Rounding to 4 significant digits moves each value by at most 0.05 %, the ratio by at most about 0.1 %.
      expect(Math.abs(after.cycleTimeMs / before.cycleTimeMs - 1.3)).toBeLessThan(0.002);
      expect({ ...after, cycleTimeMs: 0 }).toEqual({ ...before, cycleTimeMs: 0 });
    }
  });
});
