/**
 * The metrics a virtual device puts in its health messages: deterministic draws (profile seed, device id, time
 * bucket) around baselines that differ per model, worse while the device is unhealthy. Kept simple on purpose:
 * per-version metric distributions can replace the baselines later.
 */
import { unitHash } from './stable-hash';

export interface HealthMetrics {
  restarts: number;
  errorRate: number;
  cycleTimeMs: number;
  cpuPercent: number;
}

export interface MetricsKey {
  seed: string;
  deviceId: string;
  model: string;
  /** Which interval of the hub clock the message belongs to: the same bucket draws the same numbers. */
  bucket: number;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function healthMetrics(key: MetricsKey, healthy: boolean): HealthMetrics {
  const model = unitHash(`model:${key.model}`);
  // A factor of 0.9 … 1.1 per metric and bucket.
  const jitter = (metric: string): number => 0.9 + 0.2 * unitHash(`${key.seed}:${key.deviceId}:${key.bucket}:${metric}`);
  const errorRate = (0.001 + 0.004 * model) * jitter('errorRate');
  const cycleTimeMs = (600 + 600 * model) * jitter('cycleTimeMs');
  const cpuPercent = (25 + 30 * model) * jitter('cpuPercent');
  if (healthy) return { restarts: 0, errorRate: round(errorRate, 4), cycleTimeMs: Math.round(cycleTimeMs), cpuPercent: round(cpuPercent, 1) };
  return {
    restarts: 1 + Math.floor(3 * unitHash(`${key.seed}:${key.deviceId}:${key.bucket}:restarts`)),
    errorRate: round(Math.min(1, errorRate * 20), 4),
    cycleTimeMs: Math.round(cycleTimeMs * 1.5),
    cpuPercent: round(Math.min(100, cpuPercent + 30), 1),
  };
}
