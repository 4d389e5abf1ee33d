/**
 * Compensation: restore every device the rollout touched, newest wave first (one activity per batch), then check
 * on durable timers that they report their previous version again. Ends RolledBack (`rolled-back`), or Failed
 * (`rollback-unverified` when devices did not come back in time, `activity-failed` when a step kept failing).
 */
import type * as df from 'durable-functions';
import type { ReasonCode } from '../domain/rollouts/reason-codes';
import type { RolloutStatus } from '../domain/rollouts/rollout-status';
import { deviceCount } from '../domain/rollouts/rollout-vocabulary';
import { activity, activityTask, all, orchestrationInput, periodicRead } from './durable-calls';
import { describeFailure } from './task-failure';

const maxRestoreAttempts = 50;

export function* rollbackOrchestrator(context: df.OrchestrationContext): Generator<df.Task, RolloutStatus, unknown> {
  const { rolloutId, waves, cause, reason, healthCheckIntervalMs, verifyTimeoutMs, actor } = orchestrationInput(context, 'rollback');
  const now = () => context.df.currentUtcDateTime;
  function* record(status: 'RollingBack' | 'RolledBack' | 'Failed', reasonCode: ReasonCode, why: string): Generator<df.Task, void, unknown> {
    yield* activity(context, 'recordProgress', { rolloutId, at: now().toISOString(), status, reason: why, reasonCode, ...(actor && status === 'RollingBack' ? { actor } : {}) });
  }

  function* run(): Generator<df.Task, RolloutStatus, unknown> {
    yield* record('RollingBack', cause, `rolling back: ${reason}`);
    for (const wave of waves) {
      // Batches the hub refused for now (circuit open) are sent again after the wait it asks for, a bounded number of times.
      let batches = wave.batches;
      for (let attempt = 1; batches.length > 0; attempt++) {
        const results = yield* all(context, batches.map((batch) => activityTask(context, 'restoreBatch', { rolloutId, batchId: batch.id, at: now().toISOString() })));
        const refused = results.flatMap((result, i) => (result.unavailable ? [{ batch: batches[i]!, unavailable: result.unavailable }] : []));
        if (refused.length === 0 || attempt >= maxRestoreAttempts) break;
        const wait = Math.max(...refused.map((r) => r.unavailable.retryAfterMs));
        yield* record('RollingBack', 'hub-unavailable', `rolling back: ${reason}; ${refused[0]!.unavailable.reason}`);
        yield context.df.createTimer(new Date(now().getTime() + wait));
        batches = refused.map((r) => r.batch);
      }
    }

    const waveIndexes = waves.map((w) => w.index);
    const deadline = now().getTime() + verifyTimeoutMs;
    let failedChecks = 0;
    for (;;) {
      yield context.df.createTimer(new Date(now().getTime() + healthCheckIntervalMs));
      const read = yield* periodicRead(context, 'verifyRestore', { rolloutId, waves: waveIndexes, at: now().toISOString() }, failedChecks);
      failedChecks = read.failedInARow;
      const check = 'value' in read ? read.value : undefined;
      if (check?.pending === 0) {
        // Waves first: once the rollout reads RolledBack, so do its waves.
        for (const wave of waves) {
          yield* activity(context, 'recordProgress', { rolloutId, at: now().toISOString(), wave: { index: wave.index, status: 'RolledBack' } });
        }
        yield* record('RolledBack', 'rolled-back', `${reason}; ${deviceCount(check.restored)} touched, verified back on their previous version`);
        return 'RolledBack';
      }
      if (now().getTime() >= deadline) {
        const pending = check ? deviceCount(check.pending) : 'devices';
        yield* record('Failed', 'rollback-unverified', `${reason}; roll back not verified: ${pending} still not on their previous version`);
        return 'Failed';
      }
    }
  }

  try {
    return yield* run();
  } catch (err) {
    const failure = describeFailure(err);
    const why = `${reason}; roll back failed: ${failure.reason}; touched devices may still run the new version`;
    try {
      yield* record('Failed', failure.code, why);
    } catch (recording) {
      // Nothing more can be recorded: the durable instance fails, with both errors, for the operator to see.
      throw new Error(`${why}; recording the failure failed too: ${describeFailure(recording).reason}`, { cause: err });
    }
    return 'Failed';
  }
}
