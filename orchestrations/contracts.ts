/**
 * The one place where orchestrations and activities meet: function names, event names and payload types.
 * Payloads carry ids and counts, never device lists, so orchestration history stays flat as the fleet grows.
 */
import type * as df from 'durable-functions';
import type { ApprovalDecision, DeviceStateCounts } from '../domain/rollouts/rollout-record';
import type { ApprovalPolicy, FailureThreshold, MaintenanceWindow, RolloutAnalysis } from '../domain/rollouts/rollout-spec';
import type { RolloutStatus, WaveStatus } from '../domain/rollouts/rollout-status';

export const orchestratorNames = {
  rollout: 'rolloutOrchestrator',
  wave: 'waveOrchestrator',
  rollback: 'rollbackOrchestrator',
} as const;

export const eventNames = {
  /** Payload ApprovalEvent; raised on the rollout instance by POST /rollouts/{id}/approvals. */
  approval: 'Approval',
  /** Payload ControlEvent; raised on the rollout instance, forwarded by it to the running wave. */
  control: 'Control',
} as const;

export type ControlAction = 'pause' | 'resume' | 'cancel' | 'rollback';

export interface ControlEvent {
  action: ControlAction;
  by: string;
}

export type ApprovalEvent = Omit<ApprovalDecision, 'at'>;

/** The rollout's policy without its target list (the orchestration never holds device lists). */
export interface RolloutPolicy {
  updateName: string;
  targetVersion: string;
  approval?: ApprovalPolicy;
  createdBy: string;
  healthCheckIntervalMs: number;
  deviceTimeoutMs: number;
  failureThreshold: FailureThreshold;
  maintenanceWindows?: MaintenanceWindow[];
  maxDevicesPerSecond?: number;
  /** Cohort analysis of health metrics (what the wave does with an inconclusive one). */
  analysis?: Pick<RolloutAnalysis, 'inconclusive' | 'maxExtensions'>;
  /** Prerequisite rollouts to start after approval and wait for. */
  after?: string[];
}

export interface PlannedWaveRef {
  index: number;
  kind: 'canary' | 'wave';
  deviceCount: number;
  soakMs: number;
  batches: { id: string; site: string | undefined; deviceCount: number }[];
}

export interface RolloutPlan {
  targetedCount: number;
  waves: PlannedWaveRef[];
}

export interface ProgressUpdate {
  rolloutId: string;
  at: string;
  status?: RolloutStatus;
  reason?: string;
  currentWave?: number;
  wave?: { index: number; status: WaveStatus; startedAt?: string; endedAt?: string };
  approval?: ApprovalDecision;
  approvalStage?: number;
  /** Who caused the step (an operator or approver); the system otherwise. */
  actor?: string;
}

export interface WaveInput {
  rolloutId: string;
  wave: PlannedWaveRef;
  policy: RolloutPolicy;
  /** Carried over continueAsNew. */
  progress?: {
    nextBatch: number; soakEndsAt?: string; paused: boolean; polls: number; lastCheckAt?: string;
    /** Cohort analysis: soak extensions so far, failing checks in a row, a pause for a person and their acceptance. */
    extensions?: number; analysisFails?: number; pausedForAnalysis?: boolean; analysisAccepted?: boolean;
  };
}

export interface WaveOutcome {
  verdict: 'promote' | 'rollback' | 'cancel';
  reason: string;
  /** The operator who cancelled or asked for the roll back, if one did. */
  actor?: string;
}

export interface RollbackInput {
  rolloutId: string;
  actor?: string;
  /** Waves to restore, newest first. */
  waves: PlannedWaveRef[];
  reason: string;
  healthCheckIntervalMs: number;
  verifyTimeoutMs: number;
}

/** What a dispatch or restore achieved; `unavailable` when the hub refused for now (breaker open): retry the batch later. */
export interface DispatchResult {
  sent: number;
  alreadyApplied: number;
  unavailable?: { reason: string; retryAfterMs: number };
  /**
   * The wave's counts when a health check fell due while it was being dispatched (a long dispatch is watched too,
   * inside the same activity, so history does not grow with the time a big wave takes to send).
   */
  counts?: DeviceStateCounts;
}

export interface ActivityContract {
  loadRolloutPolicy: { input: { rolloutId: string }; output: RolloutPolicy };
  recordProgress: { input: ProgressUpdate; output: null };
  planRollout: { input: { rolloutId: string; at: string }; output: RolloutPlan };
  dispatchBatch: { input: { rolloutId: string; batchId: string; at: string }; output: DispatchResult };
  assessWave: { input: { rolloutId: string; wave: number; at: string }; output: DeviceStateCounts };
  /** Cohort analysis of the wave's health metrics; null when the rollout asks for none (or there is no telemetry store). */
  analyzeWave: { input: { rolloutId: string; wave: number; at: string }; output: { verdict: 'pass' | 'fail' | 'inconclusive'; reason: string } | null };
  restoreBatch: { input: { rolloutId: string; batchId: string; at: string }; output: DispatchResult };
  verifyRestore: { input: { rolloutId: string; waves: number[]; at: string }; output: { restored: number; pending: number } };
  forwardControl: { input: { instanceId: string; event: ControlEvent }; output: { delivered: boolean } };
  startRollouts: { input: { rolloutIds: string[] }; output: null };
  /** Posts the stage's Teams cards (one per approver, with signed approve/reject links); never fails the rollout. */
  sendApprovalCards: { input: { rolloutId: string; stageIndex: number; expiresAt: string }; output: { cards: number; problem?: string } };
  rolloutStatuses: { input: { rolloutIds: string[] }; output: { id: string; status: RolloutStatus; reason: string }[] };
}

export type ActivityName = keyof ActivityContract;
export type ActivityInput<K extends ActivityName> = ActivityContract[K]['input'];
export type ActivityOutput<K extends ActivityName> = ActivityContract[K]['output'];

/** Typed callActivity: the name picks the payload type. Cast the yielded result with ActivityOutput<K>. */
export function callActivity<K extends ActivityName>(context: df.OrchestrationContext, name: K, input: ActivityInput<K>): df.Task {
  return context.df.callActivity(name, input);
}

export function waveInstanceId(rolloutId: string, wave: number): string {
  return `${rolloutId}:wave:${wave}`;
}

export function rollbackInstanceId(rolloutId: string): string {
  return `${rolloutId}:rollback`;
}
