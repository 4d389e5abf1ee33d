/** Approval gate, rejection, expiry, pause / resume and cancel, through the API as operators and approvers would. */
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from './fixtures';

const approver = 'ops-lead@contoso.com';
const approval = { approvers: [approver], timeout: 'PT24H' };
const final = ['Completed', 'RolledBack', 'Failed', 'Cancelled', 'Rejected', 'Expired'];

/** Waits until the orchestration itself (not just the API) has put the rollout in `status`. */
async function waitForOrchestration(id: string, status: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const { body } = await stack.api('GET', `rollouts/${id}`);
    if (body.status === status && body.updatedAt !== body.createdAt) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`rollout ${id} never reached ${status}`);
}

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: false });
  await registerUpdate(stack);
});
afterAll(async () => { await stack?.stop(); });
afterEach(async () => { await stack.setTimeSkip(false); });

async function devicesTouchedBy(rolloutId: string): Promise<number> {
  let touched = 0;
  for (const prefix of ['a-', 'b-']) {
    for (let i = 0; i < (prefix === 'a-' ? 120 : 80); i++) {
      // What the device itself accepted, read from its twin in the local IoT Hub (not from the app).
      if ((await stack.commandsOf(`${prefix}${i}`)).some((c: string) => c.startsWith(rolloutId))) touched++;
    }
  }
  return touched;
}

describe('approval gate', () => {
  it('waits for a listed approver, refuses others, then runs to completion', async () => {
    const created = await stack.api('POST', 'rollouts', rolloutBody({ approval }));
    expect(created.body.status).toBe('PendingApproval');
    const id = created.body.id;
    await waitForOrchestration(id, 'PendingApproval');
    expect((await stack.api('POST', `rollouts/${id}/approvals`, { decision: 'approve' }, 'someone@contoso.com')).status).toBe(403);
    expect((await stack.api('POST', `rollouts/${id}/approvals`, { decision: 'maybe' }, approver)).status).toBe(400);
    expect(await devicesTouchedBy(id)).toBe(0);
    expect((await stack.api('POST', `rollouts/${id}/approvals`, { decision: 'approve', comment: 'go' }, approver)).status).toBe(202);
    await waitForRollout(stack, id, ['InProgress', 'Completed']);
    await stack.setTimeSkip(true);
    const done = await waitForRollout(stack, id, final);
    expect(done.status).toBe('Completed');
    expect(done.approvals).toEqual([expect.objectContaining({ approver, decision: 'approve', comment: 'go' })]);
  });

  it('a rejection ends the rollout as Rejected without touching a device', async () => {
    const { body } = await stack.api('POST', 'rollouts', rolloutBody({ approval }));
    await waitForOrchestration(body.id, 'PendingApproval');
    await stack.api('POST', `rollouts/${body.id}/approvals`, { decision: 'reject', comment: 'not during the audit' }, approver);
    const done = await waitForRollout(stack, body.id, final);
    expect(done.status).toBe('Rejected');
    expect(done.reason).toMatch(/not during the audit/);
    expect(done.counts.dispatched).toBe(0);
    expect(await devicesTouchedBy(body.id)).toBe(0);
  });

  it('an approval that nobody gives expires without touching a device', async () => {
    const { body } = await stack.api('POST', 'rollouts', rolloutBody({ approval: { approvers: [approver], timeout: 'PT2H' } }));
    await waitForOrchestration(body.id, 'PendingApproval');
    await stack.advanceClock('PT3H');
    const done = await waitForRollout(stack, body.id, final);
    expect(done.status).toBe('Expired');
    expect(await devicesTouchedBy(body.id)).toBe(0);
    expect((await stack.api('POST', `rollouts/${body.id}/approvals`, { decision: 'approve' }, approver)).status).toBe(409);
  });
});

describe('operator control', () => {
  it('pause holds the rollout (no promotion, however long) and resume lets it finish', async () => {
    const { body } = await stack.api('POST', 'rollouts', rolloutBody());
    const running = await waitForRollout(stack, body.id, ['InProgress']);
    expect(running.currentWave).toBe(0);
    expect((await stack.api('POST', `rollouts/${body.id}/pause`)).status).toBe(202);
    await waitForRollout(stack, body.id, ['Paused']);
    for (let i = 0; i < 4; i++) await stack.advanceClock('PT30M');
    await new Promise((r) => setTimeout(r, 300));
    const paused = (await stack.api('GET', `rollouts/${body.id}`)).body;
    expect(paused.status).toBe('Paused');
    expect(paused.currentWave).toBe(0);
    expect((await stack.api('POST', `rollouts/${body.id}/pause`)).status).toBe(409);
    expect((await stack.api('POST', `rollouts/${body.id}/resume`)).status).toBe(202);
    await stack.setTimeSkip(true);
    expect((await waitForRollout(stack, body.id, final)).status).toBe('Completed');
  });

  it('cancel stops the rollout: no later wave starts and finished devices keep what they have', async () => {
    const { body } = await stack.api('POST', 'rollouts', rolloutBody());
    await waitForRollout(stack, body.id, ['InProgress']);
    expect((await stack.api('POST', `rollouts/${body.id}/cancel`)).status).toBe(202);
    const done = await waitForRollout(stack, body.id, final);
    expect(done.status).toBe('Cancelled');
    expect(done.reason).toMatch(/cancelled by ops@contoso.com/);
    expect(done.waves.slice(1).every((w: any) => w.status === 'NotStarted')).toBe(true);
    expect(await devicesTouchedBy(body.id)).toBe(10);
    expect((await stack.api('POST', `rollouts/${body.id}/resume`)).status).toBe(409);
  });
});
