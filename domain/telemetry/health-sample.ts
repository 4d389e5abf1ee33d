/**
 * Health telemetry as the service keeps it: each device's latest health message (docs/device-twin-contract.md,
 * "Health telemetry"), stamped with the hub's enqueued time, and the port that stores and queries it.
 */
import type { MetricWindow } from './metric-buckets';

/** A device's latest health message. */
export interface HealthSample {
  deviceId: string;
  /** The main update's version the device ran when it sent the message. */
  version: string;
  healthy: boolean;
  /** When the device's probes ran (device clock). */
  at: string;
  /** When the hub enqueued the message (hub clock: the one dispatch times and silence are measured on). */
  receivedAt: string;
  metrics: Record<string, number>;
}

/** A message that was not a valid health message: kept with the reason, never retried. */
export interface RejectedMessage {
  /** Unique per message (partition and sequence number), so a redelivered batch records it once. */
  id: string;
  deviceId: string | undefined;
  receivedAt: string;
  reason: string;
  /** The start of the body, for a person to look at. */
  excerpt: string;
}

/** How far the telemetry pipeline has got: the newest enqueued time it has stored, per partition. */
export interface TelemetryProgress {
  partitionId: string;
  receivedAt: string;
}

/** Devices whose telemetry speaks against them; see `telemetryVerdict`. */
export interface HealthProblemQuery {
  /** Unhealthy messages count only for this version… */
  targetVersion: string;
  /** …and only when received at or after this time (the wave's first dispatch). */
  unhealthySince: string;
  /** Quiet devices: last message before `quietBefore` but at or after `aliveSince` (sending when the wave began). */
  quiet?: { aliveSince: string; quietBefore: string };
  /** At most this many samples are returned (newest problems are as good as any: each check reads again). */
  limit: number;
}

/** Per device, each metric's mean over a window (devices that sent nothing in it are left out). */
export type MetricMeans = Map<string, Record<string, number>>;

export interface HealthTelemetryStore {
  /** Stores the latest sample per device (an older one never replaces a newer) and the partition's progress. */
  record(samples: readonly HealthSample[], progress: TelemetryProgress | undefined): Promise<void>;
  reject(messages: readonly RejectedMessage[]): Promise<void>;
  /** The newest enqueued time any partition has stored; undefined before the first message. */
  progress(): Promise<string | undefined>;
  /** Samples of devices that are unhealthy on the target version or went quiet (bounded by `limit`). */
  findProblems(query: HealthProblemQuery): Promise<HealthSample[]>;
  /** Latest samples of these devices (for reports and the devices API). */
  latest(deviceIds: readonly string[]): Promise<HealthSample[]>;
  /** Each device's metric means over a window of the hub clock, on (or not on) a version (cohort analysis). */
  metricMeans(deviceIds: readonly string[], window: MetricWindow): Promise<MetricMeans>;
}
