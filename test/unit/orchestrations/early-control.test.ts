/** Control events accepted while a rollout is Scheduled (before its first wave runs) are obeyed, not lost. */
import { hour, startRollout, t0, type RolloutRun } from '../../support/orchestration-harness';

let run: RolloutRun;
afterEach(() => run?.stop());

const dispatched = () => run.scenario.calls.filter((c) => c.name === 'dispatchBatch');
/** A prerequisite that completes after an hour keeps the rollout Scheduled until then. */
const prerequisiteDoneAfter = (ms: number) => ({
  policy: { after: ['ro-0'] },
  activities: {
    rolloutStatuses: ({ rolloutIds }: { rolloutIds: string[] }) => rolloutIds.map((id) => ({
      id, status: run.clock.nowMs() - t0.getTime() >= ms ? 'Completed' as const : 'InProgress' as const, reason: '',
    })),
  },
});

it('a pause accepted while Scheduled starts the canary paused: nothing is sent until the resume', async () => {
  run = await startRollout({ ...prerequisiteDoneAfter(hour), waveSizes: [2, 4] });
  await run.settle();
  expect(await run.record()).toMatchObject({ status: 'Scheduled', reasonCode: 'awaiting-prerequisites' });

  await run.control({ action: 'pause', by: 'ops@contoso.com' });
  // Paused at once (so it may be resumed), while still waiting for its prerequisite.
  expect(await run.record()).toMatchObject({ status: 'Paused', reasonCode: 'paused', reason: 'paused by ops@contoso.com before the canary started; nothing is sent until resumed' });
  await run.advance(3 * hour);
  expect(await run.record()).toMatchObject({ status: 'Paused', reasonCode: 'paused' });
  expect(dispatched()).toEqual([]);

  await run.control({ action: 'resume', by: 'ops@contoso.com' });
  expect((await run.record()).status).toBe('InProgress');
  expect((await run.runToEnd()).output).toBe('"Completed"');
  expect(dispatched()).toHaveLength(2);
  expect(run.scenario.audit.map((s) => s.action)).toEqual(['rollout.paused', 'wave.started', 'rollout.resumed', 'wave.promoted', 'wave.started', 'wave.promoted', 'rollout.completed']);
});

it('a pause and a resume both sent while Scheduled leave the canary running as planned', async () => {
  run = await startRollout({ ...prerequisiteDoneAfter(hour), waveSizes: [2, 4] });
  await run.settle();
  await run.control({ action: 'pause', by: 'ops@contoso.com' });
  await run.control({ action: 'resume', by: 'qa@contoso.com' });
  expect(await run.record()).toMatchObject({ status: 'Scheduled', reasonCode: 'resumed', reason: 'resumed by qa@contoso.com; the canary starts once planned' });
  await run.advance(hour);
  expect(dispatched()).toHaveLength(1);
  expect((await run.runToEnd()).output).toBe('"Completed"');
});

it('a cancel accepted while Scheduled ends the rollout Cancelled at once; no device is touched', async () => {
  run = await startRollout({ ...prerequisiteDoneAfter(hour), waveSizes: [2, 4] });
  await run.settle();
  await run.control({ action: 'cancel', by: 'ops@contoso.com' });
  // Without waiting for the prerequisite: the instance has ended.
  expect(run.instance()).toMatchObject({ status: 'Completed', output: '"Cancelled"' });
  expect(await run.record()).toMatchObject({ status: 'Cancelled', reasonCode: 'cancelled', reason: 'cancelled by ops@contoso.com before any wave started; no device was touched' });
  expect(dispatched()).toEqual([]);
});
