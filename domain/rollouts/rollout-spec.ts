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

/** A metric judged by cohort analysis: updated devices against not-yet-updated ones of the same sites and models. */
export interface AnalysisMetric {
  /** A metric of the devices' health messages, e.g. `cycleTimeMs`. */
  name: string;
  direction: 'lower-is-better' | 'higher-is-better';
  /** How much worse (in % of the baseline median) the updated devices may be. */
  maxRegressionPercent: number;
  /** A failing critical metric rolls the rollout back; a failing other one is reported. */
  critical: boolean;
}

export interface RolloutAnalysis {
  metrics: AnalysisMetric[];
  /** e.g. 0.95: a regression must be significant at this level to fail, and its interval below the limit to pass. */
  confidence: number;
  /** Fewer devices than this in either cohort: inconclusive. */
  minSamplesPerCohort: number;
  /** At the soak's end with an inconclusive analysis: extend the soak (up to `maxExtensions`, then pause) or pause at once. */
  inconclusive: 'extend' | 'pause';
  maxExtensions: number;
}

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
  /** Cohort analysis of health metrics per wave; absent = waves are judged on install outcomes and health alone. */
  analysis?: RolloutAnalysis;
  /** Rollouts of prerequisite updates this one starts after its approval and waits for (sequencing). */
  after?: string[];
}
