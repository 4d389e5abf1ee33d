/**
 * One instance per rollout (instance id = rollout id): approval gate, then one wave sub-orchestration per wave,
 * then promotion, or compensation of every touched wave. Touches only context.df; decisions come from domain/.
 */
import type * as df from 'durable-functions';
import { isFinal } from '../domain/rollouts/rollout-status';
import { checkApprover, stageProgress } from '../domain/rollouts/approval-rules';
import type { ApprovalDecision } from '../domain/rollouts/rollout-record';
import type { ApprovalStage } from '../domain/rollouts/rollout-spec';
import {
  callActivity, eventNames, orchestratorNames, rollbackInstanceId, waveInstanceId,
  type ActivityOutput, type ApprovalEvent, type ProgressUpdate, type ControlEvent, type PlannedWaveRef, type RollbackInput, type WaveInput, type WaveOutcome,
} from './contracts';

const verifyTimeoutFactor = 2;

export function* rolloutOrchestrator(context: df.OrchestrationContext): Generator<df.Task, string, unknown> {
  const { rolloutId } = context.df.getInput() as { rolloutId: string };
  const now = () => context.df.currentUtcDateTime.toISOString();
  let phase = { status: 'Scheduled' as string, wave: -1 };
  const progress = (update: Omit<ProgressUpdate, 'rolloutId' | 'at'>): df.Task => {
    // Custom status mirrors the phase for whoever reads the durable status (the read model has the counts).
    phase = { status: update.status ?? phase.status, wave: update.currentWave ?? phase.wave };
    context.df.setCustomStatus({ phase: phase.status, wave: phase.wave, reason: update.reason });
    return callActivity(context, 'recordProgress', { rolloutId, at: now(), ...update });
  };

  const policy = (yield callActivity(context, 'loadRolloutPolicy', { rolloutId })) as ActivityOutput<'loadRolloutPolicy'>;

  /**
   * One approval stage: approval events (validated by the API, checked again here) raced against the stage's
   * expiry; returns a final status when the rollout ends here, nothing when the quorum is met.
   */
  function* approvalStage(index: number, stage: ApprovalStage, decisions: ApprovalDecision[]): Generator<df.Task, string | undefined, unknown> {
    const waiting = `waiting for stage '${stage.name}': ${stage.quorum} of ${stage.approvers.join(', ')}`;
    yield progress({ status: 'PendingApproval', approvalStage: index, reason: waiting });
    const expiresAt = new Date(context.df.currentUtcDateTime.getTime() + stage.timeoutMs);
    const cards = (yield callActivity(context, 'sendApprovalCards', { rolloutId, stageIndex: index, expiresAt: expiresAt.toISOString() })) as ActivityOutput<'sendApprovalCards'>;
    if (cards.problem) yield progress({ reason: `${waiting} (no Teams cards: ${cards.problem})` });
    const expiry = context.df.createTimer(expiresAt);
    for (;;) {
      const approval = context.df.waitForExternalEvent(eventNames.approval);
      const control = context.df.waitForExternalEvent(eventNames.control);
      const winner = yield context.df.Task.any([approval, control, expiry]);
      if (winner === expiry) {
        yield progress({ status: 'Expired', reason: `stage '${stage.name}' was not approved before it expired; no device was touched` });
        return 'Expired';
      }
      if (winner === control) {
        const event = control.result as ControlEvent;
        if (event.action !== 'cancel') continue; // before approval only cancel means anything
        expiry.cancel();
        yield progress({ status: 'Cancelled', reason: `cancelled by ${event.by} before approval; no device was touched`, actor: event.by });
        return 'Cancelled';
      }
      const event = approval.result as ApprovalEvent;
      if (event.stage !== stage.name || !checkApprover({ caller: event.approver, callerGroups: event.groups, createdBy: policy.createdBy, stage, decisions }).ok) continue;
      const decision: ApprovalDecision = { ...event, at: now() };
      decisions.push(decision);
      yield progress({ approval: decision });
      if (decision.decision === 'reject') {
        expiry.cancel();
        yield progress({ status: 'Rejected', reason: `rejected by ${decision.approver} in stage '${stage.name}'${decision.comment ? `: ${decision.comment}` : ''}; no device was touched` });
        return 'Rejected';
      }
      if (stageProgress(stage, decisions).met) {
        expiry.cancel();
        return undefined;
      }
    }
  }

  if (policy.approval) {
    const decisions: ApprovalDecision[] = [];
    for (const [index, stage] of policy.approval.stages.entries()) {
      const outcome = yield* approvalStage(index, stage, decisions);
      if (outcome) return outcome;
    }
  }

  if (policy.after?.length) {
    // Sequencing: prerequisite rollouts run first, under this rollout's approval; any that does not complete fails this one.
    yield callActivity(context, 'startRollouts', { rolloutIds: policy.after });
    for (;;) {
      yield progress({ status: 'Scheduled', reason: `waiting for ${policy.after.length} prerequisite rollout(s): ${policy.after.join(', ')}` });
      const statuses = (yield callActivity(context, 'rolloutStatuses', { rolloutIds: policy.after })) as ActivityOutput<'rolloutStatuses'>;
      const failed = statuses.find((s) => isFinal(s.status) && s.status !== 'Completed');
      if (failed) {
        yield progress({ status: 'Failed', reason: `prerequisite rollout ${failed.id} ended ${failed.status}: ${failed.reason}; no device was touched by this rollout` });
        return 'Failed';
      }
      if (statuses.every((s) => s.status === 'Completed')) break;
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + policy.healthCheckIntervalMs));
    }
  }

  yield progress({ status: 'Scheduled', reason: 'resolving target devices and planning waves' });
  const plan = (yield callActivity(context, 'planRollout', { rolloutId, at: now() })) as ActivityOutput<'planRollout'>;
  if (plan.targetedCount === 0) {
    yield progress({ status: 'Failed', reason: 'no device matches the target' });
    return 'Failed';
  }

  const touched: PlannedWaveRef[] = [];
  for (const wave of plan.waves) {
    touched.unshift(wave);
    yield progress({ status: 'InProgress', currentWave: wave.index, reason: `${wave.kind === 'canary' ? 'canary' : `wave ${wave.index}`} of ${plan.waves.length - 1}` });
    const waveTask = context.df.callSubOrchestrator(orchestratorNames.wave, { rolloutId, wave, policy } satisfies WaveInput, waveInstanceId(rolloutId, wave.index));
    // Control events reach this instance; while a wave runs they are forwarded to it (it owns pause and roll back).
    let outcome: WaveOutcome | undefined;
    while (!outcome) {
      const control = context.df.waitForExternalEvent(eventNames.control);
      const winner = yield context.df.Task.any([waveTask, control]);
      if (winner === waveTask) outcome = waveTask.result as WaveOutcome;
      else yield callActivity(context, 'forwardControl', { instanceId: waveInstanceId(rolloutId, wave.index), event: control.result as ControlEvent });
    }
    if (outcome.verdict === 'cancel') {
      yield progress({ status: 'Cancelled', reason: outcome.reason, ...(outcome.actor ? { actor: outcome.actor } : {}) });
      return 'Cancelled';
    }
    if (outcome.verdict === 'rollback') {
      const rollback: RollbackInput = {
        rolloutId, waves: touched, reason: outcome.reason, ...(outcome.actor ? { actor: outcome.actor } : {}),
        healthCheckIntervalMs: policy.healthCheckIntervalMs, verifyTimeoutMs: policy.deviceTimeoutMs * verifyTimeoutFactor,
      };
      return (yield context.df.callSubOrchestrator(orchestratorNames.rollback, rollback, rollbackInstanceId(rolloutId))) as string;
    }
  }
  yield progress({ status: 'Completed', reason: `all ${plan.waves.length} waves promoted; ${plan.targetedCount} devices targeted` });
  return 'Completed';
}
