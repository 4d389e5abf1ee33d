/**
 * The metrics a virtual device puts in its health messages: deterministic draws from the distributions of the
 * version it runs now (metric-rules.ts). Each draw combines a per-device offset, seeded by profile seed and device
 * id (one device runs a little slower than another, on every version and in every run), with per-message noise,
 * seeded by device id and time bucket. Offset and noise each carry half the variance on the log (log-odds) scale, so values of
 * many devices over time follow the configured distribution exactly. An unhealthy device's metrics are worse on
 * top; the metrics never make a device unhealthy (a slower version is a regression, not a broken device).
 */
import { metricUpperBound, type DistributedMetric, type Distribution, type MetricDistributions } from './metric-rules';
import { unitInterval } from '../../common/stable-hash';
import { normalHash } from './normal-hash';

export interface HealthMetrics {
  restarts: number;
  errorRate: number;
  cycleTimeMs: number;
  cpuPercent: number;
}

export interface MetricsKey {
  seed: string;
  deviceId: string;
  /** Which interval of the hub clock the message belongs to: the same bucket draws the same numbers. */
  bucket: number;
}

/** Share of the log-scale variance that stays with the device across messages (the rest is per-message noise). */
export const deviceShareOfVariance = 0.5;

const significant = (value: number): number => Number(value.toPrecision(4));

/** A standard normal draw for one metric of one message: the device's offset plus this bucket's noise. */
function standardScore(key: MetricsKey, metric: DistributedMetric): number {
  const device = normalHash(`${key.seed}:${key.deviceId}:${metric}:device`);
  const noise = normalHash(`${key.deviceId}:${key.bucket}:${metric}:noise`);
  return Math.sqrt(deviceShareOfVariance) * device + Math.sqrt(1 - deviceShareOfVariance) * noise;
}

/**
 * The value at standard score `z`: log-normal around the median, or for a bounded metric log-normal odds, so the
 * median stays exact and values stay within 0 … upper. A log-normal's coefficient of variation c has σ² = ln(1 + c²).
 */
export function valueAt(distribution: Distribution, upper: number | undefined, z: number): number {
  const factor = Math.exp(Math.sqrt(Math.log(1 + distribution.spread ** 2)) * z);
  if (upper === undefined) return distribution.median * factor;
  const odds = (distribution.median / (upper - distribution.median)) * factor;
  return (upper * odds) / (1 + odds);
}

export function healthMetrics(key: MetricsKey, distributions: MetricDistributions, healthy: boolean): HealthMetrics {
  const draw = (metric: DistributedMetric): number => valueAt(distributions[metric], metricUpperBound[metric], standardScore(key, metric));
  const errorRate = draw('errorRate');
  const cycleTimeMs = draw('cycleTimeMs');
  const cpuPercent = draw('cpuPercent');
  if (healthy) return { restarts: 0, errorRate: significant(errorRate), cycleTimeMs: significant(cycleTimeMs), cpuPercent: significant(cpuPercent) };
  return {
    restarts: 1 + Math.floor(3 * unitInterval(`${key.seed}:${key.deviceId}:${key.bucket}:restarts`)),
    errorRate: significant(Math.min(1, errorRate * 20)),
    cycleTimeMs: significant(cycleTimeMs * 1.5),
    cpuPercent: significant(Math.min(100, cpuPercent + 30)),
  };
}
