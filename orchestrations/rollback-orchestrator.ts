/**
 * Compensation: restore every device the rollout touched, newest wave first (one activity per batch), then check
 * on durable timers that they report their previous version again.
 */
import type * as df from 'durable-functions';
import { callActivity, type ActivityOutput, type RollbackInput } from './contracts';

const maxRestoreAttempts = 50;

export function* rollbackOrchestrator(context: df.OrchestrationContext): Generator<df.Task, string, unknown> {
  const { rolloutId, waves, reason, healthCheckIntervalMs, verifyTimeoutMs, actor } = context.df.getInput() as RollbackInput;
  const now = () => context.df.currentUtcDateTime;
  const record = (status: 'RollingBack' | 'RolledBack' | 'Failed', why: string) =>
    callActivity(context, 'recordProgress', { rolloutId, at: now().toISOString(), status, reason: why, ...(actor && status === 'RollingBack' ? { actor } : {}) });

  yield record('RollingBack', `rolling back: ${reason}`);
  for (const wave of waves) {
    // Batches the hub refused for now (circuit open) are sent again after the wait it asks for, a bounded number of times.
    let batches = wave.batches;
    for (let attempt = 1; batches.length > 0; attempt++) {
      const results = (yield context.df.Task.all(batches.map((batch) => callActivity(context, 'restoreBatch', { rolloutId, batchId: batch.id, at: now().toISOString() })))) as ActivityOutput<'restoreBatch'>[];
      const refused = results.flatMap((result, i) => (result.unavailable ? [{ batch: batches[i]!, unavailable: result.unavailable }] : []));
      if (refused.length === 0 || attempt >= maxRestoreAttempts) break;
      const wait = Math.max(...refused.map((r) => r.unavailable.retryAfterMs));
      yield record('RollingBack', `rolling back: ${reason}; ${refused[0]!.unavailable.reason}`);
      yield context.df.createTimer(new Date(now().getTime() + wait));
      batches = refused.map((r) => r.batch);
    }
  }

  const waveIndexes = waves.map((w) => w.index);
  const deadline = now().getTime() + verifyTimeoutMs;
  for (;;) {
    yield context.df.createTimer(new Date(now().getTime() + healthCheckIntervalMs));
    const check = (yield callActivity(context, 'verifyRestore', { rolloutId, waves: waveIndexes, at: now().toISOString() })) as ActivityOutput<'verifyRestore'>;
    if (check.pending === 0) {
      // Waves first: once the rollout reads RolledBack, so do its waves.
      for (const wave of waves) {
        yield callActivity(context, 'recordProgress', { rolloutId, at: now().toISOString(), wave: { index: wave.index, status: 'RolledBack' } });
      }
      yield record('RolledBack', `${reason}; ${check.restored} touched devices verified back on their previous version`);
      return 'RolledBack';
    }
    if (now().getTime() >= deadline) {
      yield record('Failed', `${reason}; roll back not verified: ${check.pending} devices still not on their previous version`);
      return 'Failed';
    }
  }
}
