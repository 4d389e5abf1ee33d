/**
 * One instance per rollout (instance id = rollout id): approval gate, then one wave sub-orchestration per wave,
 * then promotion, or compensation of every touched wave. Touches only context.df; decisions come from domain/.
 *
 * Every path ends in a recorded final status with a reason code. A step that keeps failing after its retries
 * (`activity-failed`) or an unexpected error (`orchestration-error`):
 * - before any wave started: the rollout ends Failed, its reason naming the step and its error; no device was touched;
 * - once a wave started (a wave's own failure ends that wave the same way): the rollout rolls back every touched
 *   wave, newest first, recording RollingBack with that code, and ends RolledBack (or Failed when the restore
 *   cannot be verified);
 * - when even the roll back or the final record fails, the durable instance fails, after bounded retries.
 */
import type * as df from 'durable-functions';
import { isFinal, type RolloutStatus } from '../domain/rollouts/rollout-status';
import { checkApprover, stageProgress } from '../domain/rollouts/approval-rules';
import type { ApprovalDecision } from '../domain/rollouts/rollout-record';
import type { ApprovalStage } from '../domain/rollouts/rollout-spec';
import type { ReasonCode } from '../domain/rollouts/reason-codes';
import { carry } from '../domain/rollouts/rollout-control';
import { deviceCount, waveLabel, wavesAfterCanary } from '../domain/rollouts/rollout-vocabulary';
import { rollbackInstanceId, waveInstanceId, type ControlEvent, type PlannedWaveRef, type ProgressUpdate, type RolloutPolicy, type WaveOutcome } from './contracts';
import { activity, activityTask, eventTask, orchestrationInput, race, settle, subOrchestrationTask, type TypedTask } from './durable-calls';
import { describeFailure } from './task-failure';

const verifyTimeoutFactor = 2;
/** A control event for a wave that has not started yet is tried again this often, this many times. */
const forwardRetryMs = 2_000;
const forwardAttempts = 30;


export function* rolloutOrchestrator(context: df.OrchestrationContext): Generator<df.Task, RolloutStatus, unknown> {
  const { rolloutId } = orchestrationInput(context, 'rollout');
  const now = () => context.df.currentUtcDateTime.toISOString();
  let phase: { status: RolloutStatus; wave: number } = { status: 'Scheduled', wave: -1 };
  function* progress(update: Omit<ProgressUpdate, 'rolloutId' | 'at'>): Generator<df.Task, void, unknown> {
    // Custom status mirrors the phase for whoever reads the durable status (the read model has the counts).
    phase = { status: update.status ?? phase.status, wave: update.currentWave ?? phase.wave };
    context.df.setCustomStatus({ phase: phase.status, wave: phase.wave, reason: update.reason, reasonCode: update.reasonCode });
    yield* activity(context, 'recordProgress', { rolloutId, at: now(), ...update });
  }

  let policy: RolloutPolicy | undefined;
  /** Waves sent (or being sent), newest first: what a roll back restores. */
  const touched: PlannedWaveRef[] = [];
  let rollingBack = false;
  /** Control events accepted while no wave could take them: the next wave obeys them before it sends anything. */
  let carried: ControlEvent[] = [];
  let control = eventTask(context, 'control');

  /** Restores every touched wave (a sub-orchestration); its final status is the rollout's. */
  function* rollBack(outcome: Omit<WaveOutcome, 'verdict'>, settings: RolloutPolicy): Generator<df.Task, RolloutStatus, unknown> {
    rollingBack = true;
    const input = {
      rolloutId, waves: touched, cause: outcome.code, reason: outcome.reason, ...(outcome.actor ? { actor: outcome.actor } : {}),
      healthCheckIntervalMs: settings.healthCheckIntervalMs, verifyTimeoutMs: settings.deviceTimeoutMs * verifyTimeoutFactor,
    };
    return yield* settle(subOrchestrationTask(context, 'rollback', input, rollbackInstanceId(rolloutId)));
  }

  /**
   * One approval stage: approval events (validated by the API, checked again here) raced against the stage's
   * expiry; returns a final status when the rollout ends here, nothing when the quorum is met.
   */
  function* approvalStage(index: number, stage: ApprovalStage, decisions: ApprovalDecision[], createdBy: string): Generator<df.Task, RolloutStatus | undefined, unknown> {
    const waiting = `waiting for stage '${stage.name}': ${stage.quorum} of ${stage.approvers.join(', ')}`;
    yield* progress({ status: 'PendingApproval', approvalStage: index, reason: waiting, reasonCode: 'awaiting-approval' });
    const expiresAt = new Date(context.df.currentUtcDateTime.getTime() + stage.timeoutMs);
    const cards = yield* activity(context, 'sendApprovalCards', { rolloutId, stageIndex: index, expiresAt: expiresAt.toISOString() });
    if (cards.problem) yield* progress({ reason: `${waiting} (no Teams cards: ${cards.problem})`, reasonCode: 'awaiting-approval' });
    const expiry = context.df.createTimer(expiresAt);
    for (;;) {
      const approval = eventTask(context, 'approval');
      const winner = yield* race(context, [approval, control, expiry]);
      if (winner === expiry) {
        yield* progress({ status: 'Expired', reason: `stage '${stage.name}' was not approved before it expired; no device was touched`, reasonCode: 'approval-expired' });
        return 'Expired';
      }
      if (winner === control) {
        const event = control.value;
        control = eventTask(context, 'control');
        if (event.action !== 'cancel') continue; // before approval only cancel means anything
        expiry.cancel();
        yield* progress({ status: 'Cancelled', reason: `cancelled by ${event.by} before approval; no device was touched`, reasonCode: 'cancelled', actor: event.by });
        return 'Cancelled';
      }
      const event = approval.value;
      if (event.stage !== stage.name || !checkApprover({ caller: event.approver, callerGroups: event.groups, createdBy, stage, decisions }).ok) continue;
      const decision: ApprovalDecision = { ...event, at: now() };
      decisions.push(decision);
      yield* progress({ approval: decision });
      if (decision.decision === 'reject') {
        expiry.cancel();
        const comment = decision.comment ? `: ${decision.comment}` : '';
        yield* progress({ status: 'Rejected', reason: `rejected by ${decision.approver} in stage '${stage.name}'${comment}; no device was touched`, reasonCode: 'approval-rejected' });
        return 'Rejected';
      }
      if (stageProgress(stage, decisions).met) {
        expiry.cancel();
        return undefined;
      }
    }
  }

  function* run(): Generator<df.Task, RolloutStatus, unknown> {
    const settings = yield* activity(context, 'loadRolloutPolicy', { rolloutId });
    policy = settings;

    if (settings.approval) {
      const decisions: ApprovalDecision[] = [];
      for (const [index, stage] of settings.approval.stages.entries()) {
        const outcome = yield* approvalStage(index, stage, decisions, settings.createdBy);
        if (outcome) return outcome;
      }
    }

    if (settings.after?.length) {
      // Sequencing: prerequisite rollouts run first, under this rollout's approval; any that does not complete fails this one.
      const after = settings.after;
      yield* activity(context, 'startRollouts', { rolloutIds: after });
      for (;;) {
        yield* scheduled(`waiting for ${after.length} prerequisite rollout(s): ${after.join(', ')}`, 'awaiting-prerequisites');
        const statuses = yield* activity(context, 'rolloutStatuses', { rolloutIds: after });
        const failed = statuses.find((s) => isFinal(s.status) && s.status !== 'Completed');
        if (failed) {
          yield* progress({
            status: 'Failed', reason: `prerequisite rollout ${failed.id} ended ${failed.status}: ${failed.reason}; no device was touched by this rollout`, reasonCode: 'prerequisite-failed',
          });
          return 'Failed';
        }
        if (statuses.every((s) => s.status === 'Completed')) break;
        const cancel = yield* whileScheduled(context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + settings.healthCheckIntervalMs)));
        if (cancel) return yield* cancelBeforeWaves(cancel);
      }
    }

    yield* scheduled('resolving target devices and planning the canary and waves', 'planning');
    const planning = activityTask(context, 'planRollout', { rolloutId, at: now() });
    const cancel = yield* whileScheduled(planning);
    if (cancel) return yield* cancelBeforeWaves(cancel);
    const plan = planning.value;
    if (plan.targetedCount === 0) {
      yield* progress({ status: 'Failed', reason: 'no device matches the target', reasonCode: 'no-devices' });
      return 'Failed';
    }

    const waveCount = wavesAfterCanary(plan.waves);
    for (const wave of plan.waves) {
      // A pause waiting for this wave keeps the rollout Paused: the wave obeys it before sending anything.
      if (carried.some((e) => e.action === 'pause')) yield* progress({ currentWave: wave.index });
      else yield* progress({ status: 'InProgress', currentWave: wave.index, reason: `${waveLabel(wave, waveCount)}: dispatching to ${deviceCount(wave.deviceCount)}`, reasonCode: 'dispatching' });
      touched.unshift(wave);
      const waveInput = { rolloutId, wave, waveCount, policy: settings, ...(carried.length ? { carried } : {}) };
      carried = [];
      const waveTask = subOrchestrationTask(context, 'wave', waveInput, waveInstanceId(rolloutId, wave.index));
      // Control events reach this instance; while a wave runs they are forwarded to it (it owns pause and roll back).
      let outcome: WaveOutcome | undefined;
      while (!outcome) {
        const winner = yield* race(context, [waveTask, control]);
        if (winner === waveTask) {
          // A wave that continued as new reports through its last execution; undefined would be a bug, not a verdict.
          outcome = waveTask.value ?? { verdict: 'rollback', code: 'orchestration-error', reason: `${waveLabel(wave, waveCount)} ended without a verdict` };
        } else {
          const event = control.value;
          control = eventTask(context, 'control');
          if (!(yield* forward(wave, waveTask, event))) carried = carry(carried, event);
        }
      }
      if (outcome.verdict === 'cancel') {
        yield* progress({ status: 'Cancelled', reason: outcome.reason, reasonCode: outcome.code, ...(outcome.actor ? { actor: outcome.actor } : {}) });
        return 'Cancelled';
      }
      if (outcome.verdict === 'rollback') return yield* rollBack(outcome, settings);
    }
    const waves = waveCount === 0 ? 'canary promoted' : `canary and ${waveCount === 1 ? 'the wave' : `all ${waveCount} waves`} promoted`;
    yield* progress({ status: 'Completed', reason: `${waves}; ${deviceCount(plan.targetedCount)} targeted`, reasonCode: 'completed' });
    return 'Completed';
  }

  /**
   * Hands a control event to the running wave. A wave not yet started (or just ending) cannot take it: it is tried
   * again every few seconds while the wave runs; false when the wave ended first (the event goes to the next wave).
   * One that cannot be delivered at all is said in the reason (the operator may send it again).
   */
  function* forward(wave: PlannedWaveRef, waveTask: TypedTask<WaveOutcome | undefined>, event: ControlEvent): Generator<df.Task, boolean, unknown> {
    try {
      for (let attempt = 1; ; attempt++) {
        const { delivered } = yield* activity(context, 'forwardControl', { instanceId: waveInstanceId(rolloutId, wave.index), event });
        if (delivered) return true;
        if (waveTask.task.isCompleted || waveTask.task.isFaulted) return false;
        if (attempt >= forwardAttempts) throw new Error(`wave ${wave.index} did not start within ${forwardAttempts} attempts`);
        const retry = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + forwardRetryMs));
        if ((yield* race(context, [waveTask, retry])) === waveTask) return false;
      }
    } catch (err) {
      context.df.setCustomStatus({ phase: phase.status, wave: phase.wave, reason: `${event.action} by ${event.by} was not delivered: ${describeFailure(err).reason}` });
      return true;
    }
  }

  /** Waits for `task` while the rollout is Scheduled, keeping control events for the first wave; a cancel is returned at once. */
  function* whileScheduled(task: TypedTask<unknown> | df.TimerTask): Generator<df.Task, ControlEvent | undefined, unknown> {
    for (;;) {
      const winner = yield* race(context, [task, control]);
      if (winner === task) return undefined;
      const event = control.value;
      control = eventTask(context, 'control');
      if (event.action === 'cancel') return event;
      carried = carry(carried, event);
      if (event.action === 'pause') yield* progress({ status: 'Paused', reason: `paused by ${event.by} before the canary started; nothing is sent until resumed`, reasonCode: 'paused', actor: event.by });
      if (event.action === 'resume') yield* progress({ status: 'Scheduled', reason: `resumed by ${event.by}; the canary starts once planned`, reasonCode: 'resumed', actor: event.by });
    }
  }

  /** Says what a Scheduled rollout waits for; while a pause waits for the first wave, its reason stays. */
  function* scheduled(reason: string, reasonCode: ReasonCode): Generator<df.Task, void, unknown> {
    if (!carried.some((e) => e.action === 'pause')) yield* progress({ status: 'Scheduled', reason, reasonCode });
  }

  function* cancelBeforeWaves(event: ControlEvent): Generator<df.Task, RolloutStatus, unknown> {
    yield* progress({ status: 'Cancelled', reason: `cancelled by ${event.by} before any wave started; no device was touched`, reasonCode: 'cancelled', actor: event.by });
    return 'Cancelled';
  }

  try {
    return yield* run();
  } catch (err) {
    let failure: { code: ReasonCode; reason: string } = describeFailure(err);
    if (touched.length > 0 && policy && !rollingBack) {
      try {
        return yield* rollBack(failure, policy);
      } catch (again) {
        failure = describeFailure(again);
      }
    }
    const reason = `${failure.reason}${touched.length === 0 ? '; no device was touched' : ''}`;
    try {
      yield* progress({ status: 'Failed', reason, reasonCode: failure.code });
    } catch (recording) {
      // Nothing more can be recorded: the durable instance fails, with both errors, for the operator to see.
      throw new Error(`${reason}; recording the failure failed too: ${describeFailure(recording).reason}`, { cause: err });
    }
    return 'Failed';
  }
}
