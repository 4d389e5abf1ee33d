/**
 * One sub-orchestration per wave: dispatch its batches (one activity per batch, within maintenance windows and the
 * dispatch-rate limit), then check health on durable timers until the soak ends or a threshold is crossed.
 * Obeys pause / resume / cancel / roll back sent as Control events. History stays flat: continueAsNew every
 * `pollsPerExecution` health checks.
 *
 * Pause rule: a pause stops the soak clock. Nothing new is dispatched while paused and health is still checked
 * (a crossed threshold rolls back even then), but paused time does not count as soak: on resume the soak's end
 * moves on by the length of the pause, so a wave soaks for its full soak time un-paused before it is promoted.
 *
 * A step that keeps failing after its retries ends the wave (Failed) with `activity-failed`, naming the step; the
 * rollout then rolls back what it touched.
 */
import type * as df from 'durable-functions';
import { assessWave } from '../domain/rollouts/health-assessor';
import { decideOnAnalysis } from '../domain/rollouts/analysis-decision';
import { dispatchPauseMs } from '../domain/rollouts/dispatch-rate';
import { windowStateAt } from '../domain/rollouts/maintenance-window';
import type { ReasonCode } from '../domain/rollouts/reason-codes';
import type { WaveStatus } from '../domain/rollouts/rollout-status';
import { waveLabel } from '../domain/rollouts/rollout-vocabulary';
import type { ControlEvent, WaveInput, WaveOutcome } from './contracts';
import { activity, eventTask, orchestrationInput, periodicRead, race } from './durable-calls';
import { describeFailure } from './task-failure';

const pollsPerExecution = 50;

export function* waveOrchestrator(context: df.OrchestrationContext): Generator<df.Task, WaveOutcome | undefined, unknown> {
  const input = orchestrationInput(context, 'wave');
  const { rolloutId, wave, policy } = input;
  const state: NonNullable<WaveInput['progress']> = input.progress ?? { nextBatch: 0, soakEndsAt: undefined, paused: false, polls: 0 };
  const now = () => context.df.currentUtcDateTime;
  const label = waveLabel(wave, input.waveCount);
  const during = wave.kind === 'canary' ? 'the canary' : label;
  function* recordWave(status: WaveStatus, extra: { startedAt?: string; endedAt?: string } = {}): Generator<df.Task, void, unknown> {
    yield* activity(context, 'recordProgress', { rolloutId, at: now().toISOString(), wave: { index: wave.index, status, ...extra } });
  }
  /** The rollout's reason (and status, when it changes here). */
  function* recordRollout(status: 'InProgress' | 'Paused' | undefined, reasonCode: ReasonCode, reason: string, actor?: string): Generator<df.Task, void, unknown> {
    yield* activity(context, 'recordProgress', { rolloutId, at: now().toISOString(), ...(status ? { status } : {}), reason, reasonCode, ...(actor ? { actor } : {}) });
  }

  let control = eventTask(context, 'control');
  /** Applies a control event; returns an outcome when the wave must end. */
  function* obey(event: ControlEvent): Generator<df.Task, WaveOutcome | undefined, unknown> {
    control = eventTask(context, 'control');
    switch (event.action) {
      case 'cancel':
        return { verdict: 'cancel', code: 'cancelled', reason: `cancelled by ${event.by} during ${during}`, actor: event.by };
      case 'rollback':
        return { verdict: 'rollback', code: 'rollback-requested', reason: `roll back requested by ${event.by} during ${during}`, actor: event.by };
      case 'pause':
        if (!state.paused) {
          state.paused = true;
          state.pausedAt = now().toISOString();
          yield* recordRollout('Paused', 'paused', `paused by ${event.by} during ${during}${state.soakEndsAt ? '; the soak clock stops until resumed' : ''}`, event.by);
        }
        return undefined;
      case 'resume':
        if (state.paused) {
          resumeSoakClock();
          // A person who resumes a wave paused on an inconclusive analysis accepts it (a failing one still rolls back).
          if (state.pausedForAnalysis) state.analysisAccepted = true;
          state.pausedForAnalysis = false;
          yield* recordRollout('InProgress', 'resumed', `resumed by ${event.by}${state.soakEndsAt ? `; ${label} soaks until ${state.soakEndsAt}` : ''}`, event.by);
        }
        return undefined;
    }
  }
  /** Ends a pause: the soak's end moves on by the time spent paused. */
  function resumeSoakClock(): void {
    if (state.soakEndsAt && state.pausedAt) {
      const pausedMs = now().getTime() - Date.parse(state.pausedAt);
      state.soakEndsAt = new Date(Date.parse(state.soakEndsAt) + Math.max(0, pausedMs)).toISOString();
    }
    state.paused = false;
    state.pausedAt = undefined;
  }
  /** Waits until `until`, obeying control events meanwhile. */
  function* waitUntil(until: Date): Generator<df.Task, WaveOutcome | undefined, unknown> {
    const timer = context.df.createTimer(until);
    const winner = yield* race(context, [timer, control]);
    if (winner === timer) return undefined;
    timer.cancel();
    return yield* obey(control.value);
  }

  function* finish(outcome: WaveOutcome): Generator<df.Task, WaveOutcome, unknown> {
    if (outcome.verdict !== 'cancel') yield* recordWave(outcome.verdict === 'promote' ? 'Promoted' : 'Failed', { endedAt: now().toISOString() });
    if (outcome.verdict !== 'promote') yield* activity(context, 'recordProgress', { rolloutId, at: now().toISOString(), reason: outcome.reason, reasonCode: outcome.code });
    return outcome;
  }

  function* run(): Generator<df.Task, WaveOutcome | undefined, unknown> {
    if (state.nextBatch === 0 && !input.progress) {
      state.lastCheckAt = now().toISOString();
      yield* recordWave('Dispatching', { startedAt: state.lastCheckAt });
      for (const event of input.carried ?? []) {
        const outcome = yield* obey(event);
        if (outcome) return yield* finish(outcome);
      }
    }
    while (state.nextBatch < wave.batches.length) {
      if (state.paused) {
        const outcome = yield* waitUntil(new Date(now().getTime() + policy.healthCheckIntervalMs));
        if (outcome) return yield* finish(outcome);
        continue;
      }
      const batch = wave.batches[state.nextBatch]!;
      const window = windowStateAt(policy.maintenanceWindows, batch.site, now().toISOString());
      if (!window.open) {
        yield* recordRollout('InProgress', 'maintenance-window', `${label}: waiting for the maintenance window of ${batch.site ?? 'all sites'} opening ${window.opensAt}`);
        const outcome = yield* waitUntil(new Date(window.opensAt));
        if (outcome) return yield* finish(outcome);
        continue;
      }
      const sentAt = now().toISOString();
      const sent = yield* activity(context, 'dispatchBatch', { rolloutId, batchId: batch.id, at: sentAt });
      if (sent.unavailable) {
        // The hub refuses for now (its circuit is open): say so, wait as it asks, then send the same batch again
        // (devices that already got the command are not sent it twice).
        yield* recordRollout('InProgress', 'hub-unavailable', `${label}: ${sent.unavailable.reason}`);
        const outcome = yield* waitUntil(new Date(now().getTime() + sent.unavailable.retryAfterMs));
        if (outcome) return yield* finish(outcome);
        continue;
      }
      state.nextBatch++;
      context.df.setCustomStatus({ phase: 'Dispatching', wave: wave.index, batchesDispatched: state.nextBatch, batches: wave.batches.length, ...(sent.counts ? { counts: sent.counts } : {}) });
      if (sent.counts) {
        state.lastCheckAt = sentAt;
        // A check fell due while sending: a crossed threshold stops the wave now, not after the last batch and a soak.
        const assessment = assessWave({ counts: sent.counts, deviceCount: wave.deviceCount, threshold: policy.failureThreshold, soakEndsAt: undefined, now: now().toISOString() });
        if (assessment.verdict === 'rollback') return yield* finish({ verdict: 'rollback', code: assessment.code, reason: `${label}: ${assessment.reason}` });
      }
      const pause = dispatchPauseMs(sent.sent, policy.maxDevicesPerSecond);
      if (pause > 0) {
        const outcome = yield* waitUntil(new Date(now().getTime() + pause));
        if (outcome) return yield* finish(outcome);
      }
    }

    // Health is checked on one cadence from the wave's start, through dispatch and soak: a crossing is seen within an
    // interval however long sending took, and the soak ends on a check, so a wave has as many checks at 10k as at 100k.
    const interval = policy.healthCheckIntervalMs;
    const lastCheckMs = () => (state.lastCheckAt ? Date.parse(state.lastCheckAt) : now().getTime());
    if (!state.soakEndsAt) {
      // The soak's first check is the next one due (at once if one is overdue); it ends on a check at least a soak later.
      const first = Math.max(now().getTime(), lastCheckMs() + interval);
      state.soakEndsAt = new Date(first + Math.max(0, Math.ceil((now().getTime() + wave.soakMs - first) / interval)) * interval).toISOString();
      // Paused before the soak began (during the last batch's rate-limit wait): the soak clock starts stopped.
      if (state.paused) state.pausedAt = now().toISOString();
      yield* recordWave('Soaking');
      if (!state.paused) yield* recordRollout(undefined, 'soaking', `${label}: soaking until ${state.soakEndsAt}`);
    }
    /** One health check: an outcome when the wave ends here; nothing to keep soaking (or when a read failed this time). */
    function* check(): Generator<df.Task, WaveOutcome | undefined, unknown> {
      const at = now().toISOString();
      state.lastCheckAt = at;
      const read = yield* periodicRead(context, 'assessWave', { rolloutId, wave: wave.index, at }, state.failedChecks ?? 0);
      state.failedChecks = read.failedInARow;
      if (!('value' in read)) return undefined;
      const counts = read.value;
      context.df.setCustomStatus({ phase: state.paused ? 'Paused' : 'Soaking', wave: wave.index, counts });
      const soakEndsAt = state.paused ? undefined : state.soakEndsAt;
      const assessment = assessWave({ counts, deviceCount: wave.deviceCount, threshold: policy.failureThreshold, soakEndsAt, now: at });
      if (assessment.verdict === 'rollback') return { verdict: 'rollback', code: assessment.code, reason: `${label}: ${assessment.reason}` };
      let promote = assessment.verdict === 'promote';
      let reason = assessment.reason;
      if (policy.analysis && soakEndsAt) {
        const analyzed = yield* periodicRead(context, 'analyzeWave', { rolloutId, wave: wave.index, at }, state.failedChecks ?? 0);
        state.failedChecks = analyzed.failedInARow;
        if (!('value' in analyzed)) return undefined; // never promoted unanalysed: the next check analyses again
        const analysis = analyzed.value;
        if (analysis) {
          const decision = decideOnAnalysis({
            verdict: analysis.verdict, failsBefore: state.analysisFails ?? 0, soakEnded: promote,
            extensions: state.extensions ?? 0, accepted: state.analysisAccepted ?? false, policy: policy.analysis,
          });
          state.analysisFails = analysis.verdict === 'fail' ? (state.analysisFails ?? 0) + 1 : 0;
          if (decision === 'rollback') return { verdict: 'rollback', code: 'analysis-failed', reason: `${label}: ${analysis.reason}` };
          if (decision === 'extend') {
            state.extensions = (state.extensions ?? 0) + 1;
            state.soakEndsAt = new Date(Date.parse(soakEndsAt) + Math.max(1, Math.ceil(wave.soakMs / interval)) * interval).toISOString();
            yield* recordRollout('InProgress', 'soak-extended', `${label}: ${analysis.reason}; soak extended (${state.extensions} of ${policy.analysis.maxExtensions}) until ${state.soakEndsAt}`);
          } else if (decision === 'pause') {
            state.paused = true;
            state.pausedAt = now().toISOString();
            state.pausedForAnalysis = true;
            const extended = state.extensions ?? 0;
            yield* recordRollout('Paused', 'analysis-inconclusive',
              `${label}: ${analysis.reason}; paused for a person after ${extended} soak extension${extended === 1 ? '' : 's'}: resume to promote the wave, roll back to undo it`);
          }
          promote = decision === 'promote';
          if (promote) reason = `${assessment.reason}; ${analysis.reason}`;
        }
      }
      return promote ? { verdict: 'promote', code: 'wave-promoted', reason: `${label}: ${reason}` } : undefined;
    }

    for (;;) {
      const outcome = (yield* waitUntil(new Date(Math.max(now().getTime(), lastCheckMs() + interval)))) ?? (yield* check());
      if (outcome) return yield* finish(outcome);
      state.polls++;
      if (state.polls % pollsPerExecution === 0) {
        // Continuing as new discards external events the orchestration has received but not processed (Durable
        // Functions' default): obey a control event that arrived with this check before starting afresh.
        while (control.task.isCompleted) {
          const outcome = yield* obey(control.value);
          if (outcome) return yield* finish(outcome);
        }
        context.df.continueAsNew({ ...input, progress: state } satisfies WaveInput);
        return undefined;
      }
    }
  }

  try {
    return yield* run();
  } catch (err) {
    const failure = describeFailure(err);
    const outcome: WaveOutcome = { verdict: 'rollback', code: failure.code, reason: `${label}: ${failure.reason}` };
    try {
      return yield* finish(outcome);
    } catch {
      return outcome; // recording failed too: the rollout still rolls back (and fails, bounded, if it cannot record either)
    }
  }
}
