/**
 * The one place where orchestrations and activities meet: function names, event names, payload and result types,
 * and the retry policy of every activity. Payloads carry ids and counts, never device lists, so orchestration
 * history stays flat as the fleet grows. Orchestrations call through durable-calls.ts, which types each call from
 * these contracts.
 */
import type { ControlAction } from '../domain/rollouts/rollout-control';
import type { ApprovalDecision, DeviceStateCounts } from '../domain/rollouts/rollout-record';
import type { ReasonCode } from '../domain/rollouts/reason-codes';
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

/** What an operator may ask of a running rollout (when each is allowed: domain/rollouts/rollout-control.ts). */
export type { ControlAction };

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
  /** A reason always comes with its code (audit and events decide on the code, never on the text). */
  reason?: string;
  reasonCode?: ReasonCode;
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
  /** Waves after the canary: the n of "wave i of n". */
  waveCount: number;
  policy: RolloutPolicy;
  /** Control events the rollout accepted while no wave could take them: obeyed before anything is sent. */
  carried?: ControlEvent[];
  /** Carried over continueAsNew. */
  progress?: {
    nextBatch: number; soakEndsAt?: string; paused: boolean; polls: number; lastCheckAt?: string;
    /** Health checks in a row whose reads failed (the next check retries them). */
    failedChecks?: number;
    /** When the current pause began: the soak clock stops while paused, so resuming moves `soakEndsAt` on by the pause. */
    pausedAt?: string;
    /** Cohort analysis: soak extensions so far, failing checks in a row, a pause for a person and their acceptance. */
    extensions?: number; analysisFails?: number; pausedForAnalysis?: boolean; analysisAccepted?: boolean;
  };
}

export interface WaveOutcome {
  verdict: 'promote' | 'rollback' | 'cancel';
  code: ReasonCode;
  reason: string;
  /** The operator who cancelled or asked for the roll back, if one did. */
  actor?: string;
}

export interface RollbackInput {
  rolloutId: string;
  actor?: string;
  /** Waves to restore, newest first. */
  waves: PlannedWaveRef[];
  /** Why the rollout rolls back: recorded with the RollingBack status, so audit sees a crossed threshold as one. */
  cause: ReasonCode;
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

/** Sub-orchestrations and what they return (the rollout returns its final status). */
export interface OrchestratorContract {
  rollout: { input: { rolloutId: string }; output: RolloutStatus };
  wave: { input: WaveInput; output: WaveOutcome | undefined };
  rollback: { input: RollbackInput; output: RolloutStatus };
}

export type OrchestratorKind = keyof OrchestratorContract;

/** External events and their payloads. */
export interface EventContract {
  approval: ApprovalEvent;
  control: ControlEvent;
}

/**
 * Bounded retries for transient faults (a throttled Cosmos write, a hub call that timed out, a host restart), with
 * exponential backoff. A step that still fails after `maxAttempts` ends its rollout with `activity-failed`.
 * A hub that refuses for now (circuit open) is not a failure: dispatch and restore report it and the wave waits.
 */
export interface RetryPolicy {
  firstRetryMs: number;
  backoffCoefficient: number;
  maxRetryMs: number;
  maxAttempts: number;
}

export const retryPolicies = {
  /** Cosmos DB reads and etag-guarded writes: conflicts and 429s clear within seconds. */
  state: { firstRetryMs: 1_000, backoffCoefficient: 2, maxRetryMs: 30_000, maxAttempts: 5 },
  /** IoT Hub (and the telemetry store) plus Cosmos: the hub adapter retries inside the call, so fewer, longer waits here. */
  devices: { firstRetryMs: 5_000, backoffCoefficient: 2, maxRetryMs: 60_000, maxAttempts: 4 },
  /** The durable client (raising an event on, or starting, another instance). */
  control: { firstRetryMs: 1_000, backoffCoefficient: 2, maxRetryMs: 10_000, maxAttempts: 3 },
  /**
   * Reads repeated at every health check (hub, telemetry store, Cosmos): the next check is their retry, so they are
   * called once (a retry wrapper would also make every check's history heavier to replay). A wave or roll back fails
   * with `activity-failed` once `maxFailedChecksInARow` checks in a row failed.
   */
  periodic: { firstRetryMs: 1, backoffCoefficient: 1, maxRetryMs: 1, maxAttempts: 1 },
} as const satisfies Record<string, RetryPolicy>;

export const maxFailedChecksInARow = 3;

export const activityRetry: Record<ActivityName, RetryPolicy> = {
  loadRolloutPolicy: retryPolicies.state,
  recordProgress: retryPolicies.state,
  planRollout: retryPolicies.devices,
  dispatchBatch: retryPolicies.devices,
  assessWave: retryPolicies.periodic,
  analyzeWave: retryPolicies.periodic,
  restoreBatch: retryPolicies.devices,
  verifyRestore: retryPolicies.periodic,
  forwardControl: retryPolicies.control,
  startRollouts: retryPolicies.control,
  sendApprovalCards: retryPolicies.state,
  rolloutStatuses: retryPolicies.state,
};

export function waveInstanceId(rolloutId: string, wave: number): string {
  return `${rolloutId}:wave:${wave}`;
}

export function rollbackInstanceId(rolloutId: string): string {
  return `${rolloutId}:rollback`;
}
