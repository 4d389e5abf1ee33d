/** A long soak continues as new every 50 health checks, keeping its soak clock, its pause and its control events. */
import { hour, minute, startRollout, t0, type RolloutRun } from '../../support/orchestration-harness';
import { waveInstanceId } from '../../../orchestrations/contracts';

let run: RolloutRun;
afterEach(() => run?.stop());

const canary = async () => (await run.record()).waves[0]!;

it('a 12 h canary soak with checks every 10 minutes continues as new and is promoted at 12 h', async () => {
  run = await startRollout({ waveSizes: [2, 4], soakMs: 12 * hour, policy: { healthCheckIntervalMs: 10 * minute } });
  await run.settle();
  const firstExecution = run.instance(waveInstanceId('ro-1', 0))!.executionId;
  await run.advance(9 * hour);
  // 54 checks so far: the wave continued as new after its 50th, with a fresh history.
  const wave = run.instance(waveInstanceId('ro-1', 0))!;
  expect(wave.executionId).not.toBe(firstExecution);
  expect(run.engine.store.history(wave.instanceId).length).toBeLessThan(100);
  expect(await canary()).toMatchObject({ status: 'Soaking' });

  await run.runUntil(async () => (await canary()).status === 'Promoted');
  expect((await canary()).endedAt).toBe(new Date(t0.getTime() + 12 * hour).toISOString());
  expect((await run.runToEnd()).output).toBe('"Completed"');
});

it('a pause that spans the continue-as-new still stops the soak clock', async () => {
  run = await startRollout({ waveSizes: [2, 4], soakMs: 12 * hour, policy: { healthCheckIntervalMs: 10 * minute } });
  await run.advance(7 * hour);
  await run.control({ action: 'pause', by: 'ops@contoso.com' });
  await run.advance(3 * hour); // the 50th check (at 8 h 20 min) falls inside the pause
  await run.control({ action: 'resume', by: 'ops@contoso.com' });
  await run.runUntil(async () => (await canary()).status === 'Promoted');
  expect((await canary()).endedAt).toBe(new Date(t0.getTime() + 15 * hour).toISOString());
});
