/** A pause stops the soak clock: a wave soaks for its full soak time un-paused before it is promoted. */
import { hour, minute, startRollout, t0, type RolloutRun } from '../../support/orchestration-harness';

let run: RolloutRun;
afterEach(() => run?.stop());

const at = (ms: number) => new Date(t0.getTime() + ms).toISOString();
const canary = async () => (await run.record()).waves[0]!;

it('pausing 20 minutes into a 1 h canary soak and resuming 3 h later promotes it 40 minutes after the resume', async () => {
  run = await startRollout({ waveSizes: [2, 4], soakMs: hour, policy: { healthCheckIntervalMs: 10 * minute } });
  await run.advance(20 * minute);
  expect(await run.record()).toMatchObject({ status: 'InProgress', reasonCode: 'soaking', reason: `canary: soaking until ${at(hour)}` });

  await run.control({ action: 'pause', by: 'ops@contoso.com' });
  expect(await run.record()).toMatchObject({ status: 'Paused', reasonCode: 'paused', reason: 'paused by ops@contoso.com during the canary; the soak clock stops until resumed' });
  const checksBefore = run.scenario.calls.filter((c) => c.name === 'assessWave').length;
  await run.advance(3 * hour);
  // Health is still watched while paused, but the soak does not end.
  expect(run.scenario.calls.filter((c) => c.name === 'assessWave').length).toBeGreaterThan(checksBefore);
  expect(await canary()).toMatchObject({ status: 'Soaking' });
  expect((await run.record()).status).toBe('Paused');

  await run.control({ action: 'resume', by: 'ops@contoso.com' });
  const resumedAt = t0.getTime() + 3 * hour + 20 * minute;
  expect(await run.record()).toMatchObject({ status: 'InProgress', reasonCode: 'resumed', reason: `resumed by ops@contoso.com; canary soaks until ${at(4 * hour)}` });
  await run.advance(39 * minute);
  expect(await canary()).toMatchObject({ status: 'Soaking' });

  await run.runUntil(async () => (await canary()).status === 'Promoted');
  expect(Date.parse((await canary()).endedAt!) - resumedAt).toBe(40 * minute);
  expect((await run.runToEnd()).output).toBe('"Completed"');
  expect(run.scenario.audit.map((s) => s.action)).toEqual(expect.arrayContaining(['rollout.paused', 'rollout.resumed', 'rollout.completed']));
});

it('a pause while a wave is being sent stops dispatch; the soak starts after the resume', async () => {
  run = await startRollout({ waveSizes: [2, 4], soakMs: hour, policy: { maxDevicesPerSecond: 1 / 60 } });
  // One device a minute: the canary's batch of 2 is followed by a 2-minute pause before the soak starts.
  await run.advance(minute);
  await run.control({ action: 'pause', by: 'ops@contoso.com' });
  await run.advance(2 * hour);
  expect(await canary()).toMatchObject({ status: 'Soaking' });
  await run.control({ action: 'resume', by: 'ops@contoso.com' });
  const resumedAt = t0.getTime() + 2 * hour + minute;
  await run.runUntil(async () => (await canary()).status === 'Promoted');
  expect(Date.parse((await canary()).endedAt!) - resumedAt).toBeGreaterThanOrEqual(hour);
});
