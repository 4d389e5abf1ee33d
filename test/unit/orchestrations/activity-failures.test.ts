/** A step that keeps failing after its retries ends the rollout in a recorded status with `activity-failed`. */
import { activityRetry } from '../../../orchestrations/contracts';
import { startRollout, t0, type RolloutRun } from '../../support/orchestration-harness';

let run: RolloutRun;
afterEach(() => run?.stop());

const callsOf = (name: string) => run.scenario.calls.filter((c) => c.name === name);

it('planRollout failing on every attempt: Failed, naming the step and its error, after the bounded retries with backoff', async () => {
  run = await startRollout({
    activities: { planRollout: () => { throw new Error('\nCosmos DB answered 503 (Service Unavailable)\n    at CosmosRollouts.update'); } },
  });
  const instance = await run.runToEnd();
  expect(instance).toMatchObject({ status: 'Completed', output: '"Failed"' });
  expect(await run.record()).toMatchObject({
    status: 'Failed', reasonCode: 'activity-failed',
    reason: `planRollout failed after ${activityRetry.planRollout.maxAttempts} attempts: Cosmos DB answered 503 (Service Unavailable); no device was touched`,
  });
  // Attempts 5 s, 10 s and 20 s apart: the policy's first interval, doubled each time.
  const times = callsOf('planRollout').map((c) => Date.parse(c.at) - t0.getTime());
  expect(times).toEqual([0, 5_000, 15_000, 35_000]);
  expect(callsOf('dispatchBatch')).toEqual([]);
  expect(run.scenario.audit.find((s) => s.action === 'rollout.failed')?.details).toMatchObject({ to: 'Failed', reasonCode: 'activity-failed' });
});

it('dispatchBatch failing in wave 1 of 2: the wave fails, and the rollout rolls back what it touched, saying why', async () => {
  run = await startRollout({
    waveSizes: [2, 4, 6],
    activities: {
      dispatchBatch: ({ batchId }) => {
        if (batchId === 'ro-1:w1:b0') throw new Error('IoT Hub answered 500 (InternalServerError)');
        return { sent: 2, alreadyApplied: 0 };
      },
    },
  });
  expect((await run.runToEnd()).output).toBe('"RolledBack"');
  const cause = `wave 1 of 2: dispatchBatch failed after ${activityRetry.dispatchBatch.maxAttempts} attempts: IoT Hub answered 500 (InternalServerError)`;
  expect(run.scenario.progress.find((p) => p.status === 'RollingBack')).toMatchObject({ reasonCode: 'activity-failed', reason: `rolling back: ${cause}` });
  expect(callsOf('restoreBatch').map((c) => (c.input as { batchId: string }).batchId)).toEqual(['ro-1:w1:b0', 'ro-1:w0:b0']);
  const record = await run.record();
  expect(record).toMatchObject({ status: 'RolledBack', reasonCode: 'rolled-back' });
  expect(record.reason).toContain(cause);
});

it('restoreBatch failing during a roll back: Failed with activity-failed, saying devices may still run the new version', async () => {
  run = await startRollout({
    waveSizes: [2, 4], policy: { failureThreshold: { count: 1 } },
    counts: () => ({ pending: 0, dispatched: 0, succeeded: 1, failed: 1, unhealthy: 0, silent: 0, restored: 0 }),
    activities: { restoreBatch: () => { throw new Error('IoT Hub answered 503'); } },
  });
  expect((await run.runToEnd()).output).toBe('"Failed"');
  expect(await run.record()).toMatchObject({
    status: 'Failed', reasonCode: 'activity-failed',
    reason: expect.stringMatching(/^canary: 1 device failed, .*; roll back failed: restoreBatch failed after 4 attempts: IoT Hub answered 503; touched devices may still run the new version$/),
  });
});

it('recordProgress failing on every attempt ends the durable instance Failed after bounded retries, never looping', async () => {
  run = await startRollout({ activities: { recordProgress: () => { throw new Error('Cosmos DB answered 429 (Too Many Requests)'); } } });
  const instance = await run.runToEnd(24 * 3600_000);
  expect(instance.status).toBe('Failed');
  expect(instance.output).toContain('recordProgress failed after 5 attempts: Cosmos DB answered 429 (Too Many Requests); no device was touched; recording the failure failed too');
  // The planning step's attempts, then the attempts to record Failed: no more.
  expect(callsOf('recordProgress')).toHaveLength(2 * activityRetry.recordProgress.maxAttempts);
  expect(callsOf('planRollout')).toEqual([]);
});

it('a health check whose read fails is retried at the next check; three failed checks in a row end the wave', async () => {
  let checks = 0;
  run = await startRollout({
    waveSizes: [2, 4],
    activities: {
      assessWave: ({ wave }) => {
        checks++;
        if (wave === 0 && checks === 2) throw new Error('IoT Hub query timed out'); // once: the canary still soaks
        if (wave === 1) throw new Error('IoT Hub query timed out');
        return { pending: 0, dispatched: 0, succeeded: 2, failed: 0, unhealthy: 0, silent: 0, restored: 0 };
      },
    },
  });
  expect((await run.runToEnd()).output).toBe('"RolledBack"');
  const record = await run.record();
  expect(record.waves.map((w) => w.status)).toEqual(['RolledBack', 'RolledBack']);
  expect(run.scenario.progress.find((p) => p.status === 'RollingBack')).toMatchObject({
    reasonCode: 'activity-failed', reason: 'rolling back: wave 1 of 1: assessWave failed after 3 checks in a row: IoT Hub query timed out',
  });
});
