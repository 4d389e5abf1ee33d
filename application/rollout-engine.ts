/**
 * What the use cases need of the durable orchestrations that run rollouts (Durable Functions' client in the app,
 * the same through the devhost; a recording fake in unit tests). Event names and payload shapes stay behind it.
 */
import type { ApprovalDecision } from '../domain/rollouts/rollout-record';
import type { ControlAction } from '../domain/rollouts/rollout-control';

export type ApprovalSignal = Omit<ApprovalDecision, 'at'>;

export interface RolloutEngine {
  /** Starts the rollout's orchestration (instance id = rollout id); a no-op when it already runs. */
  start(rolloutId: string): Promise<void>;
  /** false when the orchestration has finished or does not exist. */
  sendApproval(rolloutId: string, approval: ApprovalSignal): Promise<boolean>;
  /** false when the orchestration has finished or does not exist. */
  sendControl(rolloutId: string, control: { action: ControlAction; by: string }): Promise<boolean>;
}
