/**
 * One sub-orchestration per wave: dispatch its batches (one activity per batch, within maintenance windows and the
 * dispatch-rate limit), then check health on durable timers until the soak ends or a threshold is crossed.
 * Obeys pause / resume / cancel / roll back sent as Control events. History stays flat: continueAsNew every
 * `pollsPerExecution` health checks.
 */
import type * as df from 'durable-functions';
import { assessWave } from '../domain/rollouts/health-assessor';
import { decideOnAnalysis } from '../domain/rollouts/analysis-decision';
import { dispatchPauseMs } from '../domain/rollouts/dispatch-rate';
import { windowStateAt } from '../domain/rollouts/maintenance-window';
import type { WaveStatus } from '../domain/rollouts/rollout-status';
import { callActivity, eventNames, type ActivityOutput, type ControlEvent, type WaveInput, type WaveOutcome } from './contracts';

const pollsPerExecution = 50;

export function* waveOrchestrator(context: df.OrchestrationContext): Generator<df.Task, WaveOutcome | undefined, unknown> {
  const input = context.df.getInput() as WaveInput;
  const { rolloutId, wave, policy } = input;
  const state = input.progress ?? { nextBatch: 0, soakEndsAt: undefined, paused: false, polls: 0 };
  const now = () => context.df.currentUtcDateTime;
  const label = wave.kind === 'canary' ? 'canary' : `wave ${wave.index}`;
  const recordWave = (status: WaveStatus, extra: { startedAt?: string; endedAt?: string } = {}) =>
    callActivity(context, 'recordProgress', { rolloutId, at: now().toISOString(), wave: { index: wave.index, status, ...extra } });
  const recordRollout = (status: 'InProgress' | 'Paused', reason: string, actor?: string) =>
    callActivity(context, 'recordProgress', { rolloutId, at: now().toISOString(), status, reason, ...(actor ? { actor } : {}) });

  let control = context.df.waitForExternalEvent(eventNames.control);
  /** Applies a control event; returns an outcome when the wave must end. */
  function* obey(event: ControlEvent): Generator<df.Task, WaveOutcome | undefined, unknown> {
    control = context.df.waitForExternalEvent(eventNames.control);
    switch (event.action) {
      case 'cancel':
        return { verdict: 'cancel', reason: `cancelled by ${event.by} during the ${label}`, actor: event.by };
      case 'rollback':
        return { verdict: 'rollback', reason: `roll back requested by ${event.by} during the ${label}`, actor: event.by };
      case 'pause':
        if (!state.paused) {
          state.paused = true;
          yield recordRollout('Paused', `paused by ${event.by} during the ${label}`, event.by);
        }
        return undefined;
      case 'resume':
        if (state.paused) {
          state.paused = false;
          // A person who resumes a wave paused on an inconclusive analysis accepts it (a failing one still rolls back).
          if (state.pausedForAnalysis) state.analysisAccepted = true;
          state.pausedForAnalysis = false;
          yield recordRollout('InProgress', `resumed by ${event.by}`, event.by);
        }
        return undefined;
    }
  }
  /** Waits until `until` (or for the next control event when paused), obeying control events meanwhile. */
  function* waitUntil(until: Date): Generator<df.Task, WaveOutcome | undefined, unknown> {
    const timer = context.df.createTimer(until);
    const winner = yield context.df.Task.any([timer, control]);
    if (winner === timer) return undefined;
    timer.cancel();
    return yield* obey(control.result as ControlEvent);
  }

  if (state.nextBatch === 0 && !input.progress) {
    state.lastCheckAt = now().toISOString();
    yield recordWave('Dispatching', { startedAt: state.lastCheckAt });
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
      yield recordRollout('InProgress', `${label}: waiting for the maintenance window of ${batch.site ?? 'all sites'} opening ${window.opensAt}`);
      const outcome = yield* waitUntil(new Date(window.opensAt));
      if (outcome) return yield* finish(outcome);
      continue;
    }
    const sentAt = now().toISOString();
    const sent = (yield callActivity(context, 'dispatchBatch', { rolloutId, batchId: batch.id, at: sentAt })) as ActivityOutput<'dispatchBatch'>;
    if (sent.unavailable) {
      // The hub refuses for now (its circuit is open): say so, wait as it asks, then send the same batch again
      // (devices that already got the command are not sent it twice).
      yield recordRollout('InProgress', `${label}: ${sent.unavailable.reason}`);
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
      if (assessment.verdict === 'rollback') return yield* finish({ verdict: 'rollback', reason: `${label}: ${assessment.reason}` });
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
    yield recordWave('Soaking');
  }
  for (;;) {
    const outcome = yield* waitUntil(new Date(Math.max(now().getTime(), lastCheckMs() + interval)));
    if (outcome) return yield* finish(outcome);
    state.lastCheckAt = now().toISOString();
    const counts = (yield callActivity(context, 'assessWave', { rolloutId, wave: wave.index, at: state.lastCheckAt })) as ActivityOutput<'assessWave'>;
    context.df.setCustomStatus({ phase: state.paused ? 'Paused' : 'Soaking', wave: wave.index, counts });
    const assessment = assessWave({
      counts, deviceCount: wave.deviceCount, threshold: policy.failureThreshold,
      soakEndsAt: state.paused ? undefined : state.soakEndsAt, now: now().toISOString(),
    });
    if (assessment.verdict === 'rollback') return yield* finish({ verdict: 'rollback', reason: `${label}: ${assessment.reason}` });
    let promote = assessment.verdict === 'promote';
    let reason = assessment.reason;
    if (policy.analysis && !state.paused) {
      const analysis = (yield callActivity(context, 'analyzeWave', { rolloutId, wave: wave.index, at: state.lastCheckAt })) as ActivityOutput<'analyzeWave'>;
      if (analysis) {
        const decision = decideOnAnalysis({
          verdict: analysis.verdict, failsBefore: state.analysisFails ?? 0, soakEnded: promote,
          extensions: state.extensions ?? 0, accepted: state.analysisAccepted ?? false, policy: policy.analysis,
        });
        state.analysisFails = analysis.verdict === 'fail' ? (state.analysisFails ?? 0) + 1 : 0;
        if (decision === 'rollback') return yield* finish({ verdict: 'rollback', reason: `${label}: ${analysis.reason}` });
        if (decision === 'extend') {
          state.extensions = (state.extensions ?? 0) + 1;
          state.soakEndsAt = new Date(Date.parse(state.soakEndsAt) + Math.max(1, Math.ceil(wave.soakMs / interval)) * interval).toISOString();
          yield recordRollout('InProgress', `${label}: ${analysis.reason}; soak extended (${state.extensions} of ${policy.analysis.maxExtensions}) until ${state.soakEndsAt}`);
        } else if (decision === 'pause') {
          state.paused = true;
          state.pausedForAnalysis = true;
          const extended = state.extensions ?? 0;
          yield recordRollout('Paused', `${label}: ${analysis.reason}; paused for a person after ${extended} soak extension${extended === 1 ? '' : 's'}: resume to promote the wave, roll back to undo it`);
        }
        promote = decision === 'promote';
        if (promote) reason = `${assessment.reason}; ${analysis.reason}`;
      }
    }
    if (promote) return yield* finish({ verdict: 'promote', reason: `${label}: ${reason}` });
    state.polls++;
    if (state.polls % pollsPerExecution === 0) {
      // Continuing as new discards external events the orchestration has received but not processed (Durable
      // Functions' default): obey a control event that arrived with this check before starting afresh.
      while (control.isCompleted) {
        const outcome = yield* obey(control.result as ControlEvent);
        if (outcome) return yield* finish(outcome);
      }
      context.df.continueAsNew({ ...input, progress: state } satisfies WaveInput);
      return undefined;
    }
  }

  function* finish(outcome: WaveOutcome): Generator<df.Task, WaveOutcome, unknown> {
    if (outcome.verdict !== 'cancel') yield recordWave(outcome.verdict === 'promote' ? 'Promoted' : 'Failed', { endedAt: now().toISOString() });
    if (outcome.verdict !== 'promote') yield callActivity(context, 'recordProgress', { rolloutId, at: now().toISOString(), reason: outcome.reason });
    return outcome;
  }
}
