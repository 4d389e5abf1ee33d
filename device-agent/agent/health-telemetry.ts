/**
 * Health telemetry (docs/device-twin-contract.md, "Health telemetry"): the latest probe verdict, counters kept
 * since the agent started, and the message shape the service reads.
 */
import os from 'node:os';
import { Message } from 'azure-iot-device';
import { metricLimits, type ProbeResult } from './health-probe';

export interface HealthBody {
  type: 'health';
  version: string;
  healthy: boolean;
  at: string;
  metrics: Record<string, number>;
}

/** The latest probe and how many failed: the share is the `errorRate` metric. */
export class HealthRecord {
  latest: ProbeResult | undefined;
  private passed = 0;
  private failed = 0;

  record(result: ProbeResult): void {
    this.latest = result;
    if (result.healthy) this.passed++;
    else this.failed++;
  }

  get errorRate(): number {
    const total = this.passed + this.failed;
    return total === 0 ? 0 : this.failed / total;
  }
}

/** Load average over the cores, as a percentage (capped at 100). */
export function cpuPercent(): number {
  const cores = Math.max(1, os.cpus().length);
  return Math.min(100, Math.round(((os.loadavg()[0] ?? 0) / cores) * 1000) / 10);
}

export function healthBody(input: { version: string; probe: ProbeResult | undefined; restarts: number; errorRate: number; cpuPercent: number; at: string }): HealthBody {
  const wellKnown = { restarts: input.restarts, errorRate: input.errorRate, cpuPercent: input.cpuPercent };
  const metrics: Record<string, number> = { ...wellKnown };
  for (const [name, value] of Object.entries(input.probe?.metrics ?? {})) {
    if (name in wellKnown) continue;
    if (Object.keys(metrics).length >= metricLimits.count) break;
    metrics[name] = value;
  }
  return { type: 'health', version: input.version, healthy: input.probe?.healthy ?? true, at: input.probe?.at ?? input.at, metrics };
}

export function healthMessage(body: HealthBody): Message {
  const message = new Message(JSON.stringify(body));
  message.contentType = 'application/json';
  message.contentEncoding = 'utf-8';
  message.properties.add('type', 'health');
  return message;
}
