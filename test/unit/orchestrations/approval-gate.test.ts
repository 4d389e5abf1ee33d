/** The approval gate of a rollout: a rejection or an expiry ends it before any device is touched. */
import { hour, minute, startRollout, type RolloutRun } from '../../support/orchestration-harness';

const stage = { name: 'quality', approvers: ['qa@contoso.com'], quorum: 1, timeoutMs: 4 * hour };
let run: RolloutRun;
afterEach(() => run?.stop());

const dispatched = () => run.scenario.calls.filter((c) => c.name === 'dispatchBatch');

it('waits for the stage, and a rejection ends the rollout Rejected with its code; no device is touched', async () => {
  run = await startRollout({ policy: { approval: { stages: [stage] } } });
  await run.settle();
  expect(await run.record()).toMatchObject({ status: 'PendingApproval', reasonCode: 'awaiting-approval', reason: "waiting for stage 'quality': 1 of qa@contoso.com" });

  await run.approve({ approver: 'qa@contoso.com', decision: 'reject', comment: 'open defect QA-12', stage: 'quality' });
  const instance = await run.runToEnd();
  expect(instance.output).toBe('"Rejected"');
  expect(await run.record()).toMatchObject({
    status: 'Rejected', reasonCode: 'approval-rejected',
    reason: "rejected by qa@contoso.com in stage 'quality': open defect QA-12; no device was touched",
  });
  expect(dispatched()).toEqual([]);
  expect(run.scenario.audit.map((s) => s.action)).toEqual(['approval.refused', 'rollout.rejected']);
});

it('a decision by someone who is not an approver of the stage does not count', async () => {
  run = await startRollout({ policy: { approval: { stages: [stage] } } });
  await run.approve({ approver: 'intern@contoso.com', decision: 'reject', stage: 'quality' });
  expect(await run.record()).toMatchObject({ status: 'PendingApproval', approvals: [] });
});

it('expires at the stage timeout, not before, as Expired with its code; no device is touched', async () => {
  run = await startRollout({ policy: { approval: { stages: [stage] } } });
  await run.advance(4 * hour - minute);
  expect((await run.record()).status).toBe('PendingApproval');
  await run.advance(minute);
  expect(run.instance()?.status).toBe('Completed');
  expect(await run.record()).toMatchObject({
    status: 'Expired', reasonCode: 'approval-expired', reason: "stage 'quality' was not approved before it expired; no device was touched",
  });
  expect(dispatched()).toEqual([]);
  expect(run.scenario.audit.map((s) => s.action)).toEqual(['rollout.expired']);
});

it('an approval lets the rollout run to completion, reasons in one vocabulary', async () => {
  run = await startRollout({ policy: { approval: { stages: [stage] } } });
  await run.approve({ approver: 'qa@contoso.com', decision: 'approve', stage: 'quality' });
  await run.runToEnd();
  const reasons = run.scenario.progress.filter((p) => p.reason).map((p) => [p.reasonCode, p.reason]);
  expect(reasons).toEqual(expect.arrayContaining([
    ['dispatching', 'canary: dispatching to 2 devices'],
    ['dispatching', 'wave 1 of 2: dispatching to 4 devices'],
    ['dispatching', 'wave 2 of 2: dispatching to 6 devices'],
  ]));
  expect(await run.record()).toMatchObject({ status: 'Completed', reasonCode: 'completed', reason: 'canary and all 2 waves promoted; 12 devices targeted' });
});
