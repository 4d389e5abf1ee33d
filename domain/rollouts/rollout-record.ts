/** The stored rollout, its waves and batches (Cosmos documents; read models for the API). */
import type { DeviceRolloutState, RolloutStatus, WaveStatus } from './rollout-status';
import type { RolloutSpec } from './rollout-spec';
import type { HealthPoint } from './health-timeline';
import type { ReasonCode } from './reason-codes';

/** Per-state device counts; totals are derived from these, never stored twice. */
export type DeviceStateCounts = Record<DeviceRolloutState, number>;

export interface WaveRecord {
  index: number;
  kind: 'canary' | 'wave';
  status: WaveStatus;
  deviceCount: number;
  soakMs: number;
  /** Batch ids with their site and size: what the orchestration dispatches, one activity per batch. */
  batches: { id: string; site: string | undefined; deviceCount: number }[];
  counts: DeviceStateCounts;
  /** When the wave's devices were last assessed (durable time): dispatch assesses them too once a check is due. */
  assessedAt?: string;
  /** The latest cohort analysis of the wave (when the rollout asks for one): verdict, reason and numbers per metric. */
  analysis?: WaveAnalysisRecord;
  /** The wave's counts at each health check (bounded: see health-timeline.ts). */
  healthTimeline?: HealthPoint[];
  startedAt?: string;
  endedAt?: string;
}

export interface WaveAnalysisRecord {
  at: string;
  verdict: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  /** `concurrent`: not-yet-updated devices over the same window; `previous-window`: the last wave's own devices before it. */
  baselineKind: 'concurrent' | 'previous-window';
  metrics: {
    metric: string; verdict: 'pass' | 'fail' | 'inconclusive'; critical: boolean; updatedCount: number; baselineCount: number;
    pValue: number | null; shift: number | null; shiftInterval: [number, number] | null;
    regressionPercent: number | null; regressionInterval: [number, number] | null; reason: string;
  }[];
}

export interface ApprovalDecision {
  approver: string;
  decision: 'approve' | 'reject';
  comment?: string;
  /** The approval stage the decision was made in. */
  stage?: string;
  /** The caller's groups that made them an approver (for `group:<id>` entries), checked by the API. */
  groups?: string[];
  at: string;
}

export interface RolloutRecord {
  id: string;
  spec: RolloutSpec;
  status: RolloutStatus;
  /** Why, for a person; `reasonCode` says the same for code (absent until the orchestration records its first step). */
  reason: string;
  reasonCode?: ReasonCode;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Index of the wave being dispatched or soaked; -1 before the first. */
  currentWave: number;
  /** Planned once targets are resolved; empty before. */
  waves: WaveRecord[];
  approvals: ApprovalDecision[];
  /** Index of the approval stage being waited on (while PendingApproval). */
  approvalStage?: number;
  /** Devices resolved from the target (with compatible, deduplicated ids). */
  targetedCount: number;
  /** When the rollout began rolling back (a crossed threshold or an operator): the start of the rollback latency. */
  rollbackStartedAt?: string;
}

export interface BatchDevice {
  deviceId: string;
  /** The version installed before this rollout touched the device (what a roll back restores). */
  fromVersion: string;
  site: string | undefined;
  /** The device's `model` tag when planned (absent in rollouts planned before it was kept). */
  model?: string;
  state: DeviceRolloutState;
  updatedAt: string;
}

export interface BatchRecord {
  id: string;
  rolloutId: string;
  wave: number;
  index: number;
  /** Devices of one site, so maintenance windows apply per batch. */
  site: string | undefined;
  devices: BatchDevice[];
  dispatchedAt?: string;
  restoredAt?: string;
}

export function emptyCounts(): DeviceStateCounts {
  return { pending: 0, dispatched: 0, succeeded: 0, failed: 0, unhealthy: 0, silent: 0, restored: 0 };
}

export function batchId(rolloutId: string, wave: number, index: number): string {
  return `${rolloutId}:w${wave}:b${index}`;
}
