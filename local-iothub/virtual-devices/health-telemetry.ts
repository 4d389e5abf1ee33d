/**
 * Virtual devices' health messages (docs/device-twin-contract.md, "Health telemetry"), sent through
 * `HubState.sendTelemetry` like any device-to-cloud message, every interval on the hub clock. Each device has its
 * own phase (a stable hash of its id), so a fleet does not send all at once. Devices wait in a min-heap by their
 * next due time: a tick costs O(devices due), not O(fleet). A device that missed several slots (the clock jumped)
 * sends one message, now, and then keeps its phase.
 */
import type { HubState } from '../hub-state';
import { FinishQueue } from './finish-queue';
import { healthMetrics } from './health-metrics';
import { toIso } from './iso-time';
import { distributionsFor, type MetricRule } from './metric-rules';
import { unitInterval } from '../../common/stable-hash';
import type { Tags } from './version-rules';

/** What a device knows of itself when a message is due; undefined when it sends nothing (offline, disabled, gone). */
export interface HealthView {
  version: string;
  healthy: boolean;
  /** The twin's tags: `model` and `site` select the metric distributions, with `version`. */
  tags: Tags;
}

/** A device waiting for its next message; `finishMs` is when it is due (the heap's key). */
interface DueDevice {
  deviceId: string;
  finishMs: number;
}

export const healthMessageProperties: Readonly<Record<string, string>> = Object.freeze({ '$.ct': 'application/json', '$.ce': 'utf-8', type: 'health' });

export class HealthTelemetry {
  private readonly queue = new FinishQueue<DueDevice>();

  constructor(
    private readonly state: HubState,
    private readonly options: {
      intervalMs: number;
      seed: string;
      /** The fleet profile's `metrics`: distributions by model, site and the version a device runs now. */
      metricRules: readonly MetricRule[];
      viewOf: (deviceId: string) => HealthView | undefined;
    },
  ) {}

  get scheduled(): number {
    return this.queue.size;
  }

  /** Starts a device's messages at its first slot after now. */
  add(deviceId: string): void {
    this.queue.push({ deviceId, finishMs: this.nextSlot(deviceId, this.state.now()) });
  }

  /** Sends every message due by the hub clock's now: at most one per device. */
  sendDue(): void {
    const nowMs = this.state.now();
    const due: DueDevice[] = [];
    for (let item = this.queue.popDue(nowMs); item; item = this.queue.popDue(nowMs)) due.push(item);
    for (const item of due) {
      this.send(item.deviceId, nowMs);
      item.finishMs = this.nextSlot(item.deviceId, nowMs);
      this.queue.push(item);
    }
  }

  stop(): void {
    this.queue.clear();
  }

  private send(deviceId: string, nowMs: number): void {
    const view = this.options.viewOf(deviceId);
    if (!view) return;
    const { seed, intervalMs, metricRules } = this.options;
    const distributions = distributionsFor(metricRules, view.tags, view.version);
    const message = {
      type: 'health',
      version: view.version,
      healthy: view.healthy,
      at: toIso(nowMs),
      metrics: healthMetrics({ seed, deviceId, bucket: Math.floor(nowMs / intervalMs) }, distributions, view.healthy),
    };
    this.state.sendTelemetry(deviceId, Buffer.from(JSON.stringify(message)), { ...healthMessageProperties });
  }

  /** The device's first slot strictly after `afterMs`: slots are its phase plus whole intervals. */
  private nextSlot(deviceId: string, afterMs: number): number {
    const interval = this.options.intervalMs;
    const phase = Math.floor(unitInterval(`health:${deviceId}`) * interval);
    return phase + interval * (Math.floor((afterMs - phase) / interval) + 1);
  }
}
