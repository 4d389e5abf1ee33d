/** A crossed failure threshold rolls back every touched wave, newest first, and verifies the restore. */
import { emptyCounts } from '../../../domain/rollouts/rollout-record';
import { startRollout, type RolloutRun } from '../../support/orchestration-harness';

let run: RolloutRun;
afterEach(() => run?.stop());

const failingWave1 = (wave: number) => (wave === 1 ? { ...emptyCounts(), succeeded: 2, failed: 2 } : { ...emptyCounts(), succeeded: wave === 0 ? 2 : 6 });

it('the count limit in wave 1 of 2 restores wave 1 then the canary, verifies, ends RolledBack, and is audited as a threshold crossing', async () => {
  let verifications = 0;
  run = await startRollout({
    waveSizes: [2, 4, 6], counts: failingWave1, policy: { failureThreshold: { count: 2 } },
    activities: { verifyRestore: () => (++verifications === 1 ? { restored: 3, pending: 3 } : { restored: 6, pending: 0 }) },
  });
  const instance = await run.runToEnd();
  expect(instance.output).toBe('"RolledBack"');

  const cause = 'wave 1 of 2: 2 devices failed, reaching the limit of 2: 2 install failures, 0 unhealthy, 0 silent';
  expect(run.scenario.progress.find((p) => p.status === 'RollingBack')).toMatchObject({ reasonCode: 'threshold-count', reason: `rolling back: ${cause}` });
  expect(run.scenario.calls.filter((c) => c.name === 'restoreBatch').map((c) => c.input)).toEqual([
    expect.objectContaining({ batchId: 'ro-1:w1:b0' }), expect.objectContaining({ batchId: 'ro-1:w0:b0' }),
  ]);
  expect(run.scenario.calls.filter((c) => c.name === 'dispatchBatch').map((c) => (c.input as { batchId: string }).batchId)).toEqual(['ro-1:w0:b0', 'ro-1:w1:b0']);
  expect(verifications).toBe(2);
  const record = await run.record();
  expect(record).toMatchObject({ status: 'RolledBack', reasonCode: 'rolled-back', reason: `${cause}; 6 devices touched, verified back on their previous version` });
  expect(record.waves.map((w) => w.status)).toEqual(['RolledBack', 'RolledBack', 'NotStarted']);

  const audit = run.scenario.audit.filter((s) => s.action !== 'wave.started' && s.action !== 'wave.promoted');
  expect(audit.map((s) => s.action)).toEqual(['threshold.crossed', 'rollback.started', 'rollback.verified']);
  expect(audit[0]!.details).toEqual({ reasonCode: 'threshold-count', reason: `rolling back: ${cause}` });
});

it('the percent threshold is audited as a threshold crossing with its own code', async () => {
  run = await startRollout({ waveSizes: [2, 4, 6], counts: failingWave1, policy: { failureThreshold: { percent: 20, minDevices: 4 } } });
  await run.runToEnd();
  expect(run.scenario.progress.find((p) => p.status === 'RollingBack')?.reasonCode).toBe('threshold-percent');
  expect(run.scenario.audit.find((s) => s.action === 'threshold.crossed')?.details).toMatchObject({ reasonCode: 'threshold-percent' });
});

it("an operator's roll back is not audited as a threshold crossing", async () => {
  run = await startRollout({ waveSizes: [2, 4] });
  await run.advance(30 * 60_000);
  await run.control({ action: 'rollback', by: 'ops@contoso.com' });
  expect((await run.runToEnd()).output).toBe('"RolledBack"');
  expect(run.scenario.progress.find((p) => p.status === 'RollingBack')).toMatchObject({
    reasonCode: 'rollback-requested', reason: 'rolling back: roll back requested by ops@contoso.com during the canary', actor: 'ops@contoso.com',
  });
  expect(run.scenario.audit.map((s) => s.action)).not.toContain('threshold.crossed');
  expect(await run.record()).toMatchObject({ status: 'RolledBack', reasonCode: 'rolled-back' });
});
