/** What an operator asks for when creating a rollout (validated at the edge; durations in milliseconds). */
import type { DeviceTarget } from '../fleet/fleet-port';
import type { UpdateId } from '../updates/update';

export type CanarySpec = { devices: number } | { percent: number };

export interface WaveSpec {
  /** Cumulative share of the targeted devices updated once this wave is done (the last wave is 100). */
  percent: number;
  soakMs: number;
}

export interface FailureThreshold {
  /** Roll back when more than this share of a wave's assessed devices failed… */
  percent?: number;
  /** …once at least this many devices were assessed (so 1 failure in 2 does not count as 50 %). */
  minDevices?: number;
  /** Roll back when this many devices failed, whatever the share. */
  count?: number;
}

/** One stage of an approval policy: `quorum` distinct approvers of the list must approve before `timeoutMs`. */
export interface ApprovalStage {
  name: string;
  approvers: string[];
  quorum: number;
  timeoutMs: number;
}

/** Ordered stages (e.g. quality, then plant manager); any rejection ends the rollout as Rejected. */
export interface ApprovalPolicy {
  stages: ApprovalStage[];
}

/** A recurring window in which devices may be updated: starts by cron in an IANA time zone, lasts `durationMs`. */
export interface MaintenanceWindow {
  /** Applies to devices whose `site` tag equals this; absent = every device. */
  site?: string;
  cron: string;
  timeZone: string;
  durationMs: number;
}

/** Silence timeout of rollouts that do not set one: three of a virtual device's (and a slow agent's) 5-minute intervals. */
export const defaultHealthSilenceTimeoutMs = 15 * 60_000;

export interface RolloutSpec {
  updateId: UpdateId;
  target: DeviceTarget;
  canary: CanarySpec;
  canarySoakMs: number;
  waves: WaveSpec[];
  healthCheckIntervalMs: number;
  deviceTimeoutMs: number;
  /** A device that was sending health telemetry and stops for this long counts as silent (absent: the default). */
  healthSilenceTimeoutMs?: number;
  failureThreshold: FailureThreshold;
  approval?: ApprovalPolicy;
  maintenanceWindows?: MaintenanceWindow[];
  /** Dispatch-rate limit (device commands per second); absent = no limit. */
  maxDevicesPerSecond?: number;
  /** Rollouts of prerequisite updates this one starts after its approval and waits for (sequencing). */
  after?: string[];
}
